//! JSON output. The shape is documented in README.md ("JSON output"); keep them in step.

use super::{date, Report};
use crate::finding::GitOrigin;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The report as a JSON value. Holds fingerprints and redacted forms, never a key.
pub fn to_json(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let locations: Vec<Value> = f
                .locations
                .iter()
                .map(|l| {
                    let mut location = json!({
                        "path": l.shown_path(),
                        "line": l.line,
                        "column": l.column,
                        "endLine": l.end_line,
                        "endColumn": l.end_column,
                        "byteOffset": l.byte_offset,
                    });
                    // Inside an archive: the archive's own path and the member, apart.
                    if let Some(member) = &l.member {
                        location["archive"] = json!(l.path);
                        location["member"] = json!(member);
                    }
                    if let Some(encoding) = &l.encoding {
                        location["encoding"] = json!(encoding);
                    }
                    if let Some(git) = &l.git {
                        location["git"] = git_json(git);
                    }
                    location
                })
                .collect();
            json!({
                "ruleId": f.rule_id,
                "kind": f.kind,
                "fingerprint": f.fingerprint,
                "redacted": f.redacted,
                "locations": locations,
            })
        })
        .collect();
    let occurrences: usize = report.findings.iter().map(|f| f.locations.len()).sum();
    json!({
        "tool": { "name": "keyhound", "version": env!("CARGO_PKG_VERSION") },
        "findings": findings,
        "warnings": report.warnings,
        "summary": {
            "keys": report.findings.len(),
            "occurrences": occurrences,
            "filesScanned": report.stats.files_scanned,
            "bytesScanned": report.stats.bytes_scanned,
            "warnings": report.warnings.len(),
            "elapsedMs": report.stats.elapsed_ms,
            "completed": report.completed,
        }
    })
}

/// A location's git provenance (README, "Git scans"). Author data is JSON's and human
/// output's only: SARIF never carries it.
fn git_json(git: &GitOrigin) -> Value {
    let mut v = json!({
        "blob": git.blob,
        "commitCount": git.commit_count,
        "presentAtHead": git.present_at_head,
        "reachable": git.reachable,
    });
    if !git.commit.is_empty() {
        v["commit"] = json!(git.commit);
        v["time"] = json!(git.time);
        v["date"] = json!(date::rfc3339(git.time));
        v["author"] = json!({ "name": git.author_name, "email": git.author_email });
    }
    if let Some(repository) = &git.repository {
        v["repository"] = json!(repository);
    }
    v
}

pub fn write_json<W: Write>(report: &Report, mut out: W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &to_json(report))?;
    writeln!(out)?;
    out.flush()
}
