//! The literal prefilter: finds the keywords every key contains before any regex runs.
//!
//! Stage: match. This is the scan's hottest loop, so it uses aho-corasick's SIMD "packed"
//! searcher (Teddy) when the CPU and the keyword set allow it, and the general automaton
//! otherwise. The general automaton picks a rare-byte prefilter for a set like
//! `T3BlbkFJ` + `sk-None-`, which runs several times slower on ordinary text.

use aho_corasick::{packed, AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A keyword hit: byte range in the searched slice, and the keyword's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub keyword: usize,
}

/// Searches for a fixed set of literal keywords, leftmost-first.
#[derive(Debug, Clone)]
pub enum Prefilter {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Prefilter {
    /// Builds the searcher for `keywords` (non-empty literals, validated at rule load).
    pub fn new(keywords: &[String]) -> Self {
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(keywords)
            .build();
        match packed {
            Some(searcher) => Prefilter::Packed(searcher),
            None => Prefilter::Automaton(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(keywords)
                    .expect("keywords are plain literals validated at rule load"),
            ),
        }
    }

    /// Calls `on_hit` for every non-overlapping keyword hit in `hay`, left to right.
    pub fn for_each(&self, hay: &[u8], mut on_hit: impl FnMut(Hit)) {
        let to_hit = |m: aho_corasick::Match| Hit {
            start: m.start(),
            end: m.end(),
            keyword: m.pattern().as_usize(),
        };
        match self {
            Prefilter::Packed(s) => s.find_iter(hay).for_each(|m| on_hit(to_hit(m))),
            Prefilter::Automaton(a) => a.find_iter(hay).for_each(|m| on_hit(to_hit(m))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(p: &Prefilter, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        p.for_each(hay, |h| out.push((h.start, h.keyword)));
        out
    }

    #[test]
    fn packed_and_automaton_agree() {
        let keywords = vec!["abcdefgh".to_string(), "sk-None-".to_string()];
        let packed = Prefilter::new(&keywords);
        let automaton = Prefilter::Automaton(
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&keywords)
                .unwrap(),
        );
        let mut hay = b"x".repeat(1000);
        hay.extend_from_slice(b"abcdefgh..sk-None-..abcdefghabcdefgh");
        hay.extend(b"y".repeat(500));
        let want = vec![(1000, 0), (1010, 1), (1020, 0), (1028, 0)];
        assert_eq!(hits(&automaton, &hay), want);
        assert_eq!(hits(&packed, &hay), want);
        assert!(hits(&packed, b"short").is_empty());
    }
}
