//! Findings: what the scan reports, one per distinct key, with every place it was seen.
//!
//! Stage: dedupe. Occurrences ([`Occurrence`]) of the same key (same SHA-256) become one
//! [`Finding`]. Nothing here formats output; nothing here holds a key outside [`Secret`].

use crate::secret::Secret;
use serde::Serialize;

/// Where a key was seen. Lines and columns are 1-based; columns count UTF-16 code units (the
/// unit SARIF's `utf16CodeUnits` declares); `end_column` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Location {
    /// Path relative to the scan root, `/`-separated. For a key inside an archive, the
    /// archive's path.
    pub path: String,
    /// The member of the archive at `path` that holds the key (`config/.env`; nested
    /// archives are joined by `!/`); lines and columns are then within the member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
    /// Byte offset of the key's first byte in the file.
    pub byte_offset: u64,
    /// GitHub code scanning's `primaryLocationLineHash` of this line, when computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_hash: Option<String>,
    /// Where in git history this location lies; `None` for files of a tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<GitOrigin>,
    /// How the text holding the key was decoded (`base64`, `base64/base64`, `utf-16le`...);
    /// `None` when the key was there as is. Lines and columns refer to the encoded text for
    /// base64 and to the decoded text for UTF-16.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

impl Location {
    /// The path as shown to people: `path`, or `archive!/member` inside an archive.
    pub fn shown_path(&self) -> String {
        match &self.member {
            Some(member) => format!("{}!/{member}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Where in git history a location lies, for scans of git content: the earliest commit
/// holding the key at this path, and how widely history holds it there.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct GitOrigin {
    /// The earliest commit holding the key at this path (hex); empty when no commit holds
    /// the blob (an unreachable blob found by `--all-objects`).
    pub commit: String,
    /// That commit's committer time, in seconds since the Unix epoch (0 when `commit` is
    /// empty).
    pub time: i64,
    /// That commit's author. Personal data: JSON and human output only, never SARIF.
    pub author_name: String,
    pub author_email: String,
    /// The blob holding the key (hex).
    pub blob: String,
    /// How many swept commits hold the key at this path.
    pub commit_count: u64,
    /// `HEAD`'s tree holds the key at this path.
    pub present_at_head: bool,
    /// A ref reaches the commit (false for objects only `--all-objects` finds).
    pub reachable: bool,
    /// The repository's name, when a directory of several repositories was scanned.
    pub repository: Option<String>,
}

/// One occurrence of a key, as the match stage produces it.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// Index of the rule in the scan's rule set.
    pub rule: usize,
    pub secret: Secret,
    pub location: Location,
}

/// One distinct key and everywhere it was seen.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the rule in the scan's rule set.
    pub rule: usize,
    pub rule_id: String,
    /// The key family (`project`, `admin`, ...), from the rule.
    pub kind: String,
    pub secret: Secret,
    /// Lowercase hex SHA-256 of the full key.
    pub fingerprint: String,
    /// At most the first 8 and last 4 characters.
    pub redacted: String,
    /// Sorted by path, line, column.
    pub locations: Vec<Location>,
}

impl Finding {
    /// When the key entered version control: the earliest commit time among its git
    /// locations, or `None` when no location came from git. Keys created after this time
    /// cannot be the leaked key.
    pub fn introduced_at(&self) -> Option<i64> {
        self.locations
            .iter()
            .filter_map(|l| l.git.as_ref())
            .filter(|g| !g.commit.is_empty())
            .map(|g| g.time)
            .min()
    }
}

/// A problem with one file or one request that did not stop the scan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    /// The file concerned, relative to the scan root, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The archive member concerned, when the problem is inside an archive at `path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// What went wrong. Never holds a key.
    pub message: String,
}

impl Warning {
    /// A warning about no file in particular (an API request, a listing).
    pub fn general(message: impl Into<String>) -> Self {
        Warning {
            path: None,
            member: None,
            message: message.into(),
        }
    }

    /// The warning with any key-shaped word in its path, member or message redacted (the
    /// walker's and the git library's messages quote paths).
    pub fn redacted(self) -> Self {
        let redact = crate::secret::redact_keys_owned;
        Warning {
            path: self.path.map(redact),
            member: self.member.map(redact),
            message: redact(self.message),
        }
    }

    /// A warning about the file (or repository, or blob) reported as `path`.
    pub fn about(path: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            path: Some(path.into()),
            member: None,
            message: message.into(),
        }
    }
}

/// Counters for the summary line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanStats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub elapsed_ms: u64,
}

/// Groups occurrences by key into findings, in a deterministic order: by first location,
/// then fingerprint. The same key seen by two rules keeps the earlier rule.
pub fn dedupe(mut occurrences: Vec<Occurrence>, rule_ids: &[(&str, &str)]) -> Vec<Finding> {
    use std::collections::HashMap;
    occurrences.sort_by(|a, b| a.location.cmp(&b.location));
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut findings: Vec<Finding> = Vec::new();
    for occ in occurrences {
        let fingerprint = occ.secret.fingerprint();
        match by_key.get(&fingerprint) {
            Some(&i) => {
                let f = &mut findings[i];
                if occ.rule < f.rule {
                    f.rule = occ.rule;
                    f.rule_id = rule_ids[occ.rule].0.to_string();
                    f.kind = rule_ids[occ.rule].1.to_string();
                }
                if f.locations.last() != Some(&occ.location) {
                    f.locations.push(occ.location);
                }
            }
            None => {
                by_key.insert(fingerprint.clone(), findings.len());
                findings.push(Finding {
                    rule: occ.rule,
                    rule_id: rule_ids[occ.rule].0.to_string(),
                    kind: rule_ids[occ.rule].1.to_string(),
                    redacted: occ.secret.redacted(),
                    secret: occ.secret,
                    fingerprint,
                    locations: vec![occ.location],
                });
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(key: &str, path: &str, line: u64) -> Occurrence {
        Occurrence {
            rule: 0,
            secret: Secret::new(key),
            location: Location {
                path: path.into(),
                line,
                column: 1,
                end_line: line,
                end_column: 10,
                byte_offset: 0,
                line_hash: None,
                git: None,
                member: None,
                encoding: None,
            },
        }
    }

    #[test]
    fn one_finding_per_key_with_all_locations_in_order() {
        let ids = [("r", "k")];
        let found = dedupe(
            vec![
                occ("b", "z.txt", 1),
                occ("a", "a.txt", 9),
                occ("a", "a.txt", 2),
            ],
            &ids,
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].secret.expose(), "a");
        assert_eq!(
            found[0]
                .locations
                .iter()
                .map(|l| l.line)
                .collect::<Vec<_>>(),
            vec![2, 9]
        );
        assert_eq!(found[1].locations[0].path, "z.txt");
    }
}
