//! The inventory's keys, indexed by their visible tail, so that matching a found key costs
//! O(1): one hash look-up per distinct tail length (in practice one: 4).
//!
//! Stage: cross-check (pure). Holds redacted forms and attributions, never a key.

use super::redacted::Redacted;
use super::Attribution;
use std::collections::{BTreeSet, HashMap};

/// One listed key: its parsed redacted form and whose it is.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub redacted: Redacted,
    pub attribution: Attribution,
}

/// Records by visible tail.
#[derive(Debug, Default)]
pub struct KeyIndex {
    records: Vec<KeyRecord>,
    by_tail: HashMap<String, Vec<usize>>,
    tail_lengths: BTreeSet<usize>,
}

impl KeyIndex {
    pub fn new(records: Vec<KeyRecord>) -> KeyIndex {
        let mut index = KeyIndex::default();
        for (i, r) in records.iter().enumerate() {
            let tail = r.redacted.tail().to_string();
            index.tail_lengths.insert(tail.chars().count());
            index.by_tail.entry(tail).or_default().push(i);
        }
        index.records = records;
        index
    }

    /// How many records the index holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the inventory held no key.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Every record whose redacted form `key` matches, in listing order.
    pub fn candidates(&self, key: &str) -> Vec<&KeyRecord> {
        let mut found: Vec<usize> = Vec::new();
        for &n in &self.tail_lengths {
            let Some(tail) = last_chars(key, n) else {
                continue;
            };
            if let Some(ids) = self.by_tail.get(tail) {
                found.extend(
                    ids.iter()
                        .copied()
                        .filter(|&i| self.records[i].redacted.matches(key)),
                );
            }
        }
        found.sort_unstable();
        found.into_iter().map(|i| &self.records[i]).collect()
    }
}

/// The last `n` characters of `s`, or `None` when it is shorter.
fn last_chars(s: &str, n: usize) -> Option<&str> {
    if n == 0 {
        return Some("");
    }
    s.char_indices().rev().nth(n - 1).map(|(i, _)| &s[i..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosscheck::KeyKind;

    fn record(redacted: &str, id: &str) -> KeyRecord {
        KeyRecord {
            redacted: Redacted::parse(redacted).unwrap(),
            attribution: Attribution {
                key_id: id.into(),
                ..Attribution::empty(KeyKind::Project)
            },
        }
    }

    #[test]
    fn candidates_are_found_by_tail_and_checked_by_head_and_length() {
        let index = KeyIndex::new(vec![
            record("sk-proj-****abcA", "a"),
            record("sk-proj-***abcA", "b"),
            record("sk-svcac****abcA", "c"),
            record("sk-proj-...zzzA", "d"),
            record("sk-proj-...bcA", "e"),
        ]);
        let ids = |key: &str| -> Vec<String> {
            index
                .candidates(key)
                .iter()
                .map(|r| r.attribution.key_id.clone())
                .collect()
        };
        assert_eq!(ids("sk-proj-WXYZabcA"), vec!["a", "e"]);
        assert_eq!(ids("sk-proj-XYZabcA"), vec!["b", "e"]);
        assert_eq!(ids("sk-proj-XYZabcB"), Vec::<String>::new());
        assert_eq!(ids("A"), Vec::<String>::new());
        assert_eq!(last_chars("héllo", 4), Some("éllo"));
    }
}
