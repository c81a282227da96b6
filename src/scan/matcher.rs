//! Match stage: find keys in a byte buffer.
//!
//! This is the only hot loop. A literal prefilter (the rules' keywords, mostly the `T3BlbkFJ`
//! marker) runs over every byte; the rules' regexes run only on small windows around its hits,
//! so text full of `sk-` (`task-`, `disk-`) costs nothing. No allocation per byte, no I/O.

use super::decode::base64::{self, EncodedHit};
use super::inspect::InspectOptions;
use super::prefilter::Prefilter;
use crate::rules::{Rule, RuleSet};

/// The longest key any rule may report, in bytes; longer runs are not keys.
pub const MAX_KEY_LEN: usize = 400;
/// How far around a keyword hit the regexes look.
const WINDOW: usize = MAX_KEY_LEN + 16;
/// Bytes a streaming reader must keep from one buffer to the next so that no key is cut.
pub const OVERLAP: usize = 2 * WINDOW + 64;

/// A key found in a buffer: byte offsets of the key itself, and the rule that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMatch {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
}

/// Finds keys for a rule set. Cheap to share between threads.
///
/// It also carries the look-inside settings ([`InspectOptions`]), so that every caller of
/// [`super::content::scan_input`] (files, git blobs) decodes and unpacks alike.
#[derive(Debug, Clone)]
pub struct Matcher {
    rules: RuleSet,
    prefilter: Prefilter,
    /// For each plain keyword (the first prefilter patterns), the rules that list it.
    keyword_rules: Vec<Vec<usize>>,
    /// For each base64 spelling (the patterns after the keywords), its phase.
    spelling_phase: Vec<u8>,
    inspect: InspectOptions,
}

impl Matcher {
    /// A matcher with the default look-inside settings (everything on).
    pub fn new(rules: RuleSet) -> Self {
        Self::with_options(rules, InspectOptions::default())
    }

    /// A matcher that decodes and unpacks as `inspect` says. The prefilter holds the base64
    /// spellings of the rules' keywords only when decoding is on: off, the scan costs what
    /// it did before decoding existed.
    pub fn with_options(rules: RuleSet, inspect: InspectOptions) -> Self {
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.rules().iter().enumerate() {
            for kw in &rule.spec.keywords {
                match keywords.iter().position(|k| k == kw) {
                    Some(k) => keyword_rules[k].push(i),
                    None => {
                        keywords.push(kw.clone());
                        keyword_rules.push(vec![i]);
                    }
                }
            }
        }
        let spellings = if inspect.decode {
            base64::prefilter_spellings(&keywords, |kw| {
                keywords
                    .iter()
                    .position(|k| k == kw)
                    .is_some_and(|k| keyword_rules[k].len() > 1)
            })
        } else {
            Vec::new()
        };
        let spelling_phase = spellings.iter().map(|s| s.phase).collect();
        let mut patterns = keywords;
        patterns.extend(spellings.into_iter().map(|s| s.text));
        let prefilter = Prefilter::new(&patterns);
        Matcher {
            rules,
            prefilter,
            keyword_rules,
            spelling_phase,
            inspect,
        }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The look-inside settings this matcher was built with.
    pub fn inspect(&self) -> &InspectOptions {
        &self.inspect
    }

    /// Appends to `out` every key in `hay` whose start lies in `from..to`, in order of start.
    /// Bytes outside that range are context only (boundary checks, keys already reported).
    pub fn find(&self, hay: &[u8], from: usize, to: usize, out: &mut Vec<RawMatch>) {
        self.find_all(hay, from, to, out, &mut Vec::new());
    }

    /// [`Matcher::find`], and also every hit on a base64 spelling at or after `from` that
    /// may belong to an encoded key starting before `to` (the search runs up to
    /// [`OVERLAP`] bytes past `to`), for [`base64::find_encoded`].
    pub fn find_all(
        &self,
        hay: &[u8],
        from: usize,
        to: usize,
        out: &mut Vec<RawMatch>,
        encoded: &mut Vec<EncodedHit>,
    ) {
        let first = out.len();
        let mut window: Option<(usize, usize, u64)> = None;
        let search_from = from.saturating_sub(WINDOW);
        let plain_to = (to + WINDOW).min(hay.len());
        let search_to = if self.spelling_phase.is_empty() {
            plain_to
        } else {
            (to + OVERLAP).min(hay.len())
        };
        let plain = self.keyword_rules.len();
        self.prefilter
            .for_each(&hay[search_from..search_to], |hit| {
                let p = search_from + hit.start;
                if hit.keyword >= plain {
                    if p >= from {
                        encoded.push(EncodedHit {
                            at: p,
                            phase: self.spelling_phase[hit.keyword - plain],
                        });
                    }
                    return;
                }
                if p >= plain_to {
                    return;
                }
                let ws = p.saturating_sub(WINDOW);
                let we = (search_from + hit.end + WINDOW).min(hay.len());
                let mask = self.rule_mask(hit.keyword);
                window = match window {
                    Some((s, e, m)) if ws <= e => Some((s, we.max(e), m | mask)),
                    Some(w) => {
                        self.scan_window(hay, w, from, to, out);
                        Some((ws, we, mask))
                    }
                    None => Some((ws, we, mask)),
                };
            });
        if let Some(w) = window {
            self.scan_window(hay, w, from, to, out);
        }
        let found = &mut out[first..];
        if found.len() > 1 {
            found.sort_unstable_by_key(|m| (m.start, m.rule));
            let mut keep = first;
            for i in first..out.len() {
                if keep == first || out[keep - 1].start != out[i].start {
                    out[keep] = out[i];
                    keep += 1;
                }
            }
            out.truncate(keep);
        }
    }

    fn rule_mask(&self, keyword: usize) -> u64 {
        self.keyword_rules[keyword]
            .iter()
            .fold(0u64, |m, &r| m | (1u64 << r.min(63)))
    }

    fn scan_window(
        &self,
        hay: &[u8],
        (ws, we, mask): (usize, usize, u64),
        from: usize,
        to: usize,
        out: &mut Vec<RawMatch>,
    ) {
        for (index, rule) in self.rules.rules().iter().enumerate() {
            // Rules past the 64th share the last bit: they are simply always tried.
            if mask & (1u64 << index.min(63)) == 0 {
                continue;
            }
            let mut locs = rule.regex.capture_locations();
            let mut at = ws;
            let limited = &hay[..we];
            while at < we {
                let Some(m) = rule.regex.captures_read_at(&mut locs, limited, at) else {
                    break;
                };
                at = if m.end() > m.start() {
                    m.end()
                } else {
                    m.start() + 1
                };
                let Some((start, end)) = locs.get(1) else {
                    continue;
                };
                if start < from || start >= to {
                    continue;
                }
                // A run that reaches the window's edge is longer than any key.
                if end == we && we < hay.len() {
                    continue;
                }
                if is_key(rule, hay, start, end) {
                    out.push(RawMatch {
                        rule: index,
                        start,
                        end,
                    });
                }
            }
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// True when the byte before `start` ends a token: a key does not begin in the middle of one.
/// Escapes that glue text to a key (`\n` in JSON strings, `%3D` in URLs) still count as a break.
fn left_boundary_ok(hay: &[u8], start: usize) -> bool {
    if start == 0 || !is_word(hay[start - 1]) {
        return true;
    }
    let prev = hay[start - 1];
    if start >= 2 && hay[start - 2] == b'\\' && matches!(prev, b'n' | b't' | b'r') {
        return true;
    }
    start >= 3
        && hay[start - 3] == b'%'
        && hay[start - 2].is_ascii_hexdigit()
        && prev.is_ascii_hexdigit()
}

/// Full validation of a candidate: token boundaries, length, structure, and randomness.
pub(crate) fn is_key(rule: &Rule, hay: &[u8], start: usize, end: usize) -> bool {
    if end - start > MAX_KEY_LEN || !left_boundary_ok(hay, start) {
        return false;
    }
    if end < hay.len() && is_word(hay[end]) {
        return false;
    }
    let key = &hay[start..end];
    let body = match structure_body(rule, key) {
        Some(body) => body,
        None => return false,
    };
    distinct_bytes(body.0, body.1) >= rule.spec.min_distinct
}

/// The random part of a key (head and tail runs) when its structure is right, else `None`.
fn structure_body<'a>(rule: &Rule, key: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let Some(balanced) = &rule.spec.balanced else {
        return Some(after_last_dash(key));
    };
    let marker = balanced.marker.as_bytes();
    let prefix_re = rule.prefix.as_ref()?;
    let mut found_marker = false;
    for m in memchr::memmem::find_iter(key, marker) {
        found_marker = true;
        let tail = key.len() - m - marker.len();
        if tail == 0 || m < tail {
            continue;
        }
        let prefix = &key[..m - tail];
        let denied = rule.not_prefix.as_ref().is_some_and(|n| n.is_match(prefix));
        if prefix_re.is_match(prefix) && !denied {
            return Some((&key[m - tail..m], &key[m + marker.len()..]));
        }
    }
    if !found_marker && balanced.optional {
        return Some(after_last_dash(key));
    }
    None
}

fn after_last_dash(key: &[u8]) -> (&[u8], &[u8]) {
    let cut = memchr::memrchr(b'-', key).map_or(0, |i| i + 1);
    (&key[cut..], &[])
}

fn distinct_bytes(a: &[u8], b: &[u8]) -> usize {
    let mut seen = [false; 256];
    let mut n = 0;
    for &x in a.iter().chain(b) {
        if !seen[x as usize] {
            seen[x as usize] = true;
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests;
