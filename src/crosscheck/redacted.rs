//! `redacted_value` as the Admin API writes it, parsed generally, and matched against a key.
//!
//! Stage: cross-check (pure). Real listings keep the first 8 characters, write one `*` per
//! hidden character and keep the last 4; error messages have shown `sk-proj-...sQoA` and
//! `sk-proj-****…abcd`. So: the visible head runs up to the first mask character (`*`, `.`,
//! `…`; none occurs in a key), the visible tail after the last one, and the total length is
//! known only when the mask is all `*`. Nothing here sees more of a key than it is handed.

/// A parsed `redacted_value`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Redacted {
    head: String,
    tail: String,
    /// The key's length in characters, when the mask preserves it.
    len: Option<usize>,
}

fn is_mask(c: char) -> bool {
    matches!(c, '*' | '.' | '…')
}

impl Redacted {
    /// Parses `value`; `None` when it holds no mask (nothing to match against), or when no
    /// tail is left visible: a family's head is the same for all its keys, so without a tail
    /// such a value would match every key of that head (and length), and a sole listed key
    /// redacted that way would be named as any found key's, and revoked.
    pub fn parse(value: &str) -> Option<Redacted> {
        let chars: Vec<char> = value.chars().collect();
        let first = chars.iter().position(|&c| is_mask(c))?;
        let last = chars.iter().rposition(|&c| is_mask(c))?;
        if last + 1 == chars.len() {
            return None;
        }
        let mask = &chars[first..=last];
        Some(Redacted {
            head: chars[..first].iter().collect(),
            tail: chars[last + 1..].iter().collect(),
            len: mask.iter().all(|&c| c == '*').then_some(chars.len()),
        })
    }

    /// The visible head (`sk-proj-`).
    pub fn head(&self) -> &str {
        &self.head
    }

    /// The visible tail (`excA`).
    pub fn tail(&self) -> &str {
        &self.tail
    }

    /// The key's length, when the mask preserves it.
    pub fn key_len(&self) -> Option<usize> {
        self.len
    }

    /// True when `key` could be the key this was redacted from: same head, same tail, at least
    /// as long as both, and exactly as long when the length is known.
    pub fn matches(&self, key: &str) -> bool {
        let n = key.chars().count();
        let shown = self.head.chars().count() + self.tail.chars().count();
        key.starts_with(&self.head)
            && key.ends_with(&self.tail)
            && n >= shown
            && self.len.is_none_or(|len| len == n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{FakeKeys, Family};
    use proptest::prelude::*;

    /// Every mask keyhound accepts, as the API or an error message could write it.
    fn masks(key: &str) -> Vec<String> {
        let c: Vec<char> = key.chars().collect();
        let head: String = c[..8].iter().collect();
        let tail: String = c[c.len() - 4..].iter().collect();
        vec![
            format!("{head}{}{tail}", "*".repeat(c.len() - 12)),
            format!("{head}...{tail}"),
            format!("{head}…{tail}"),
            format!("{head}****…{tail}"),
        ]
    }

    #[test]
    fn real_shapes_parse_into_head_tail_and_length() {
        let stars = format!("sk-proj-{}excA", "*".repeat(152));
        let r = Redacted::parse(&stars).unwrap();
        assert_eq!(
            (r.head(), r.tail(), r.key_len()),
            ("sk-proj-", "excA", Some(164))
        );
        let r = Redacted::parse("sk-proj-...sQoA").unwrap();
        assert_eq!(
            (r.head(), r.tail(), r.key_len()),
            ("sk-proj-", "sQoA", None)
        );
        let r = Redacted::parse("sk-abc...def").unwrap();
        assert_eq!((r.head(), r.tail()), ("sk-abc", "def"));
        let r = Redacted::parse("sk-proj-****…abcd").unwrap();
        assert_eq!((r.tail(), r.key_len()), ("abcd", None));
        assert_eq!(Redacted::parse("sk-proj-abcdef"), None);
    }

    #[test]
    fn a_value_with_no_visible_tail_matches_nothing() {
        let key = FakeKeys::new(21).key(Family::Project);
        for value in [
            format!("sk-proj-{}", "*".repeat(key.len() - 8)),
            "sk-proj-...".to_string(),
            "sk-proj-…".to_string(),
            "*".repeat(key.len()),
            "…".to_string(),
        ] {
            assert_eq!(Redacted::parse(&value), None, "{value}");
        }
    }

    #[test]
    fn length_is_enforced_only_when_known() {
        let r = Redacted::parse("sk-a**zz").unwrap();
        assert!(r.matches("sk-aXYzz"));
        assert!(!r.matches("sk-aXYZzz"));
        let r = Redacted::parse("sk-a...zz").unwrap();
        assert!(r.matches("sk-aXYZzz") && r.matches("sk-azz"));
        assert!(!r.matches("sk-az"), "head and tail may not overlap");
    }

    proptest! {
        #[test]
        fn a_key_matches_its_own_redacted_form_in_every_mask(seed in any::<u64>(), f in 0usize..8) {
            let key = FakeKeys::new(seed).key(Family::ALL[f]);
            for m in masks(&key) {
                let r = Redacted::parse(&m).unwrap();
                prop_assert!(r.matches(&key), "{} does not match its key", m);
            }
        }

        #[test]
        fn a_different_tail_never_matches(seed in any::<u64>(), f in 0usize..8, at in 0usize..4, c in "[A-Za-z0-9_-]") {
            let key = FakeKeys::new(seed).key(Family::ALL[f]);
            let mut other: Vec<char> = key.chars().collect();
            let i = other.len() - 1 - at;
            let c = c.chars().next().unwrap();
            prop_assume!(other[i] != c);
            other[i] = c;
            let other: String = other.into_iter().collect();
            for m in masks(&key) {
                prop_assert!(!Redacted::parse(&m).unwrap().matches(&other));
            }
        }

        #[test]
        fn a_star_mask_rejects_another_length(seed in any::<u64>(), extra in 1usize..20) {
            let key = FakeKeys::new(seed).key(Family::Project);
            let r = Redacted::parse(&masks(&key)[0]).unwrap();
            let longer = format!("{}{}{}", &key[..key.len() - 4], "x".repeat(extra), &key[key.len() - 4..]);
            prop_assert!(!r.matches(&longer));
        }

        #[test]
        fn parsing_any_text_never_panics(s in "\\PC{0,40}") {
            if let Some(r) = Redacted::parse(&s) {
                let _ = r.matches(&s);
            }
        }
    }
}
