//! Scan one input, whatever it came from: a file, a staged index entry, a git blob.
//!
//! Stage: read + match for a single input. The walker (files) and later sources (git blobs,
//! decoded or unpacked content) all call [`scan_input`], so that every source gets the same
//! matching, allow comments and line hashes. Knows nothing of threads or of where the bytes
//! live.

use super::matcher::Matcher;
use super::read::{BufferScanner, FileMatch};
use crate::report::linehash;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Seek, SeekFrom};

/// Line hashes are computed only when every finding lies in the first 16 MiB of its input:
/// hashing streams every character up to the last finding, twice (about 3 ns a byte), which
/// would dominate the scan of a multi-gigabyte log. Without the hash, GitHub's upload action
/// computes it for files in the checkout.
pub const LINE_HASH_MAX_OFFSET: u64 = 16 << 20;

/// A reported key in one input, with GitHub's line hash when it was computed.
#[derive(Debug, Clone)]
pub struct InputMatch {
    pub found: FileMatch,
    pub line_hash: Option<String>,
}

/// What scanning one input gave: the keys not suppressed by an allow comment, the bytes read,
/// and the read error that ended it early, if any. Keys found before an error are kept.
#[derive(Debug, Default)]
pub struct InputScan {
    pub matches: Vec<InputMatch>,
    pub bytes: u64,
    pub error: Option<io::Error>,
}

/// Scans `input` from its current position to its end. Inputs holding a key are read a second
/// time, from the start, for their line hashes; a failure there only leaves the hashes out.
pub fn scan_input<R: Read + Seek>(
    scanner: &mut BufferScanner,
    matcher: &Matcher,
    input: &mut R,
) -> InputScan {
    let mut found = Vec::new();
    let (bytes, error) = match scanner.scan(matcher, &mut *input, &mut found) {
        Ok(bytes) => (bytes, None),
        Err(e) => (0, Some(e)),
    };
    found.retain(|m| !m.allowed);
    let deepest = found.iter().map(|m| m.byte_offset).max().unwrap_or(0);
    let hashes = if found.is_empty() || deepest > LINE_HASH_MAX_OFFSET {
        BTreeMap::new()
    } else {
        line_hashes_for(input, found.iter().map(|m| m.line))
    };
    let matches = found
        .into_iter()
        .map(|m| InputMatch {
            line_hash: hashes.get(&m.line).cloned(),
            found: m,
        })
        .collect();
    InputScan {
        matches,
        bytes,
        error,
    }
}

/// GitHub's `primaryLocationLineHash` for the given lines, re-reading the input from its start.
fn line_hashes_for<R: Read + Seek>(
    input: &mut R,
    lines: impl Iterator<Item = u64>,
) -> BTreeMap<u64, String> {
    let wanted: BTreeSet<u64> = lines.collect();
    if input.seek(SeekFrom::Start(0)).is_err() {
        return BTreeMap::new();
    }
    linehash::line_hashes_seekable(input, &wanted).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{FakeKeys, Family};
    use crate::rules::RuleSet;

    #[test]
    fn in_memory_input_gets_matches_and_line_hashes() {
        let key = FakeKeys::new(5).key(Family::Project);
        let allowed = FakeKeys::new(6).key(Family::Project);
        let text = format!("a\nK={key}\nB={allowed} # keyhound:allow\n");
        let matcher = Matcher::new(RuleSet::builtin().unwrap());
        let mut scanner = BufferScanner::default();
        let got = scan_input(
            &mut scanner,
            &matcher,
            &mut io::Cursor::new(text.as_bytes()),
        );
        assert!(got.error.is_none());
        assert_eq!(got.bytes, text.len() as u64);
        assert_eq!(got.matches.len(), 1);
        assert_eq!(got.matches[0].found.line, 2);
        let want = linehash::line_hashes_of(text.as_bytes(), &BTreeSet::from([2]));
        assert_eq!(got.matches[0].line_hash.as_ref(), want.get(&2));
    }
}
