//! The audit log: one JSON line per revocation action, appended, flushed and synced to disk
//! before the next request is sent.
//!
//! Stage: revoke (I/O to one file). A line holds the time (RFC 3339 UTC), the action, the
//! ids, the key's name, redacted form and fingerprint, the outcome, the HTTP status and the
//! `x-request-id` of the request that settled it. Never the key, never the admin key: the
//! entry is built from a [`Record`], which holds the key only inside a `Secret`, and the
//! `Secret` is not read here.

use super::execute::Record;
use super::{LeftAlone, Status};
use crate::config::input::{read_bounded, AUDIT_LOG_LIMIT};
use crate::report::date::rfc3339;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The audit log could not be opened or written.
#[derive(Debug, thiserror::Error)]
pub enum AuditLogError {
    #[error("cannot open audit log {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("cannot write audit log {path}: {reason}")]
    Write { path: String, reason: String },
}

/// An open audit log. Lines are appended: earlier runs' lines stay.
#[derive(Debug)]
pub struct AuditLog {
    file: File,
    path: PathBuf,
}

/// One line of the audit log.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry<'a> {
    pub time: String,
    pub action: &'a str,
    pub project_id: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub service_account_id: Option<&'a str>,
    pub key_name: Option<&'a str>,
    pub redacted: &'a str,
    pub fingerprint: Option<&'a str>,
    pub outcome: &'a str,
    /// Which request settled the outcome: `confirm` (the GET just before) or `delete`.
    pub request: &'a str,
    pub http_status: Option<u16>,
    pub request_id: Option<&'a str>,
    pub reason: &'a str,
}

impl<'a> Entry<'a> {
    /// The line for `record` (which must hold an action), stamped with the current time.
    pub fn of(record: &'a Record) -> Entry<'a> {
        let target = record.target.as_ref();
        Entry {
            time: now_rfc3339(),
            action: record.action.as_ref().map_or("none", |a| a.name()),
            project_id: record.action.as_ref().and_then(|a| a.project_id()),
            key_id: target.and_then(|t| t.subject.key_id()),
            service_account_id: record.action.as_ref().and_then(|a| a.service_account_id()),
            key_name: target.and_then(|t| t.details.key_name.as_deref()),
            redacted: &record.redacted,
            fingerprint: record.fingerprint.as_deref(),
            outcome: record.status.as_str(),
            request: if record.deleted { "delete" } else { "confirm" },
            http_status: record.trace.status,
            request_id: record.trace.request_id.as_deref(),
            reason: &record.reason,
        }
    }
}

impl AuditLog {
    /// Opens `path` for appending, creating it (readable by its owner only) when missing.
    pub fn open(path: &Path) -> Result<AuditLog, AuditLogError> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(|e| AuditLogError::Open {
            path: path.display().to_string(),
            reason: crate::scan::walk::io_reason(&e),
        })?;
        Ok(AuditLog {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Where the log is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry` as one line, then flushes and syncs it to disk: when this returns
    /// `Ok`, the line survives a crash.
    pub fn append(&self, entry: &Entry) -> Result<(), AuditLogError> {
        let mut line = serde_json::to_vec(entry).map_err(|e| self.write_error(e.to_string()))?;
        line.push(b'\n');
        // One write of the whole line: appends from two runs never interleave within a line.
        let mut file = &self.file;
        file.write_all(&line)
            .and_then(|()| file.flush())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| self.write_error(crate::scan::walk::io_reason(&e)))
    }

    fn write_error(&self, reason: String) -> AuditLogError {
        AuditLogError::Write {
            path: self.path.display().to_string(),
            reason,
        }
    }
}

/// What earlier runs' audit lines say was revoked: by fingerprint, the time it was.
#[derive(Debug, Clone, Default)]
pub struct History {
    revoked: HashMap<String, String>,
}

/// The fields of an audit line that [`History`] reads.
#[derive(Deserialize)]
struct Line {
    time: String,
    fingerprint: Option<String>,
    outcome: String,
}

impl History {
    /// Reads the audit log at `path`; a missing file is an empty history, and a line that
    /// does not parse (one cut short by a crash) is passed over. Anything but a regular
    /// file (`/dev/full`, a FIFO), or one past [`AUDIT_LOG_LIMIT`], is the one-line reason
    /// it cannot be the audit log.
    pub fn read(path: &Path) -> Result<History, String> {
        let shown = path.display();
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
            Ok(m) if !m.is_file() => {
                return Err(format!("audit log {shown} is not a regular file"))
            }
            _ => {}
        }
        let bytes = read_bounded(path, AUDIT_LOG_LIMIT).map_err(|e| {
            format!(
                "cannot read audit log {shown}: {}",
                crate::scan::walk::io_reason(&e)
            )
        })?;
        // A stray byte that is not UTF-8 spoils its line only, never the history.
        let text = String::from_utf8_lossy(&bytes);
        let mut revoked = HashMap::new();
        for line in text.lines() {
            let Ok(line) = serde_json::from_str::<Line>(line) else {
                continue;
            };
            let done = line.outcome == Status::Revoked.as_str()
                || line.outcome == Status::AlreadyRevoked.as_str();
            if let (true, Some(fp)) = (done, line.fingerprint) {
                revoked.entry(fp).or_insert(line.time);
            }
        }
        Ok(History { revoked })
    }

    /// When the key with `fingerprint` was revoked, if a line says so.
    pub fn revoked_at(&self, fingerprint: &str) -> Option<&str> {
        self.revoked.get(fingerprint).map(String::as_str)
    }

    /// Marks as already revoked what is left alone but was revoked by an earlier run (it is
    /// then no longer listed, so the cross-check cannot name it): running a revocation
    /// twice ends with every key revoked or already revoked.
    pub fn mark(&self, left: &mut [LeftAlone]) {
        for l in left.iter_mut().filter(|l| l.status == Status::Skipped) {
            if let Some(at) = l.fingerprint.as_deref().and_then(|fp| self.revoked_at(fp)) {
                l.status = Status::AlreadyRevoked;
                l.reason = format!("revoked at {at}, as the audit log records; {}", l.reason);
            }
        }
    }
}

/// The current time as RFC 3339 UTC with milliseconds (`2024-03-26T16:45:33.120Z`).
fn now_rfc3339() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let whole = rfc3339(secs);
    format!(
        "{}.{:03}Z",
        whole.trim_end_matches('Z'),
        now.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_is_rfc3339_utc_with_milliseconds() {
        let t = now_rfc3339();
        assert_eq!(t.len(), "2024-03-26T16:45:33.120Z".len(), "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
    }

    #[test]
    fn history_reads_what_earlier_lines_revoked_and_passes_over_a_cut_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        assert!(
            History::read(&path).unwrap().revoked.is_empty(),
            "no file, no history"
        );
        let line = |fp: &str, outcome: &str| {
            format!(r#"{{"time":"T-{fp}","fingerprint":"{fp}","outcome":"{outcome}"}}"#)
        };
        let text = [
            line("aa", "revoked"),
            line("bb", "failed"),
            line("cc", "already_revoked"),
            r#"{"time":"T","fingerprint":"dd","outc"#.to_string(),
        ]
        .join("\n");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\n\xff not text\n");
        bytes.extend_from_slice(line("ee", "revoked").as_bytes());
        std::fs::write(&path, bytes).unwrap();
        let h = History::read(&path).unwrap();
        assert_eq!(
            h.revoked_at("ee"),
            Some("T-ee"),
            "a stray byte spoils only its line"
        );
        assert_eq!(h.revoked_at("aa"), Some("T-aa"));
        assert_eq!(h.revoked_at("bb"), None);
        assert_eq!(h.revoked_at("cc"), Some("T-cc"));
        assert_eq!(h.revoked_at("dd"), None);
        let mut left = vec![
            LeftAlone {
                redacted: "sk-proj-…abcd".into(),
                fingerprint: Some("aa".into()),
                status: Status::Skipped,
                reason: "not in the organization's listings: nothing to revoke".into(),
                target: None,
            },
            LeftAlone {
                redacted: "sk-proj-…efgh".into(),
                fingerprint: Some("bb".into()),
                status: Status::Skipped,
                reason: "r".into(),
                target: None,
            },
        ];
        h.mark(&mut left);
        assert_eq!(left[0].status, Status::AlreadyRevoked);
        assert_eq!(
            left[0].reason,
            "revoked at T-aa, as the audit log records; not in the organization's listings: \
             nothing to revoke"
        );
        assert_eq!(left[1].status, Status::Skipped);
    }

    #[test]
    fn a_missing_directory_is_an_open_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/audit.jsonl");
        let err = AuditLog::open(&path).unwrap_err().to_string();
        assert!(err.starts_with("cannot open audit log "), "{err}");
        assert!(err.ends_with("no such file or directory"), "{err}");
    }

    #[test]
    fn an_audit_log_that_is_not_a_regular_file_is_refused_before_any_request() {
        let err = History::read(Path::new("/dev/full")).unwrap_err();
        assert_eq!(err, "audit log /dev/full is not a regular file");
        let dir = tempfile::tempdir().unwrap();
        let err = History::read(dir.path()).unwrap_err();
        assert!(err.ends_with("is not a regular file"), "{err}");
    }
}
