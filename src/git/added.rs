//! Which lines a change adds: a line diff of the old and new content of one path.
//!
//! Stage: walk (deciding what to report for `--staged`). Pure functions over bytes; reads
//! nothing itself. Lines end at `\n`, as git counts them, whatever the file's encoding.

use imara_diff::{Algorithm, Diff, InternedInput};
use std::collections::BTreeSet;

/// The 1-based numbers of the lines of `new` that are not carried over from `old`.
pub fn added_lines(old: &[u8], new: &[u8]) -> BTreeSet<u64> {
    let input = InternedInput::new(old, new);
    let diff = Diff::compute(Algorithm::Histogram, &input);
    (0..input.after.len() as u32)
        .filter(|&i| diff.is_added(i))
        .map(|i| u64::from(i) + 1)
        .collect()
}

/// How much of `new` is carried over from `old`, from 0.0 (nothing) to 1.0 (all of it):
/// the share of `new`'s lines that the diff keeps. Empty content is similar to nothing.
pub fn similarity(old: &[u8], new: &[u8]) -> f64 {
    let input = InternedInput::new(old, new);
    let total = input.after.len().max(input.before.len());
    if total == 0 {
        return 0.0;
    }
    let diff = Diff::compute(Algorithm::Histogram, &input);
    let kept = input.after.len() as u32 - diff.count_additions();
    f64::from(kept) / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_lines_count_as_added() {
        let old = b"a\nb\nc\n";
        let new = b"a\nx\nb\nc\ny";
        assert_eq!(added_lines(old, new), BTreeSet::from([2, 5]));
        assert!(added_lines(new, new).is_empty());
        assert_eq!(added_lines(b"", b"k\n"), BTreeSet::from([1]));
    }

    #[test]
    fn a_changed_line_is_added_even_when_it_moved() {
        let old = b"one\ntwo\nthree\n";
        let new = b"two\nthree\none changed\n";
        assert_eq!(added_lines(old, new), BTreeSet::from([3]));
    }

    #[test]
    fn similarity_is_the_share_of_kept_lines() {
        assert_eq!(similarity(b"a\nb\nc\nd\n", b"a\nb\nc\nd\n"), 1.0);
        assert_eq!(similarity(b"a\nb\nc\nd\n", b"a\nb\nX\nY\n"), 0.5);
        assert_eq!(similarity(b"", b""), 0.0);
        assert_eq!(similarity(b"a\n", b"b\n"), 0.0);
    }
}
