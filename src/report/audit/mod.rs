//! Report: the formats of an audit. JSON carries everything (shape in README.md, "Audit"),
//! CSV one row per key for spreadsheets, human output a table grouped by project; after a
//! clean-up (`--revoke`), JSON and CSV carry each key's revocation ([`cleanup`]).
//!
//! Stage: report. Reads an [`AuditReport`]; never calls the API, never sees a key (only the
//! listings' redacted forms, at most 8 + 4 characters). Owner names and emails are shown:
//! this is the organization's own report.

pub mod cleanup;
pub mod csv;
pub mod human;

use crate::audit::cleanup::Cleanup;
use crate::audit::flags::Flag;
use crate::audit::{AuditKey, AuditReport, Group, ProjectAudit};
use crate::report::date::rfc3339;
use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

fn time(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| json!(rfc3339(t)))
}

/// One key as a JSON object.
pub fn key_value(k: &AuditKey) -> Value {
    let a = &k.key;
    json!({
        "keyKind": a.key_kind.as_str(),
        "projectId": a.project_id,
        "projectName": a.project_name,
        "projectArchived": a.project_archived,
        "keyId": a.key_id,
        "keyName": a.key_name,
        "redacted": k.redacted,
        "ownerType": a.owner_type,
        "ownerId": a.owner_id,
        "ownerName": a.owner_name,
        "ownerEmail": a.owner_email,
        "serviceAccountId": k.service_account_id,
        "ownerProjectAccess": k.owner_project_access,
        "createdAt": time(Some(a.created_at)),
        "lastUsedAt": time(a.last_used_at),
        "expiresAt": time(a.expires_at),
        "adminKeyInUse": k.admin_key_in_use,
        "risk": k.risk(),
        "flags": k.flags.iter().map(|f| json!({"id": f.flag.id(), "reason": f.reason})).collect::<Vec<_>>(),
    })
}

fn project_value(p: &ProjectAudit, keys: usize, flagged: usize, risk: u32) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "archived": p.archived,
        "createdAt": time(Some(p.created_at)),
        "archivedAt": time(p.archived_at),
        "keys": p.error.is_none().then_some(keys),
        "flaggedKeys": p.error.is_none().then_some(flagged),
        "risk": risk,
        "error": p.error.as_ref().map(|e| e.to_string()),
    })
}

/// Per project id: (keys, flagged keys, highest risk).
fn per_project(report: &AuditReport) -> std::collections::HashMap<&str, (usize, usize, u32)> {
    let mut out: std::collections::HashMap<&str, (usize, usize, u32)> = Default::default();
    for k in &report.keys {
        if let Group::Project(_) = Group::of(k) {
            if let Some(id) = k.key.project_id.as_deref() {
                let e = out.entry(id).or_default();
                e.0 += 1;
                e.1 += usize::from(!k.flags.is_empty());
                e.2 = e.2.max(k.risk());
            }
        }
    }
    out
}

/// The JSON document. `keys` is serialized one key at a time, so that writing the report
/// of a large organization never holds it twice in memory.
#[derive(serde::Serialize)]
struct Document<'a> {
    tool: Value,
    audit: Value,
    projects: Vec<Value>,
    keys: Keys<'a>,
    warnings: &'a [crate::finding::Warning],
    summary: Value,
}

/// The keys, each with its `revocation` after a clean-up.
struct Keys<'a>(&'a [AuditKey], Option<&'a Cleanup>);

impl Serialize for Keys<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for k in self.0 {
            let mut v = key_value(k);
            if let Some(c) = self.1 {
                v["revocation"] = cleanup::key_value(c, k);
            }
            seq.serialize_element(&v)?;
        }
        seq.end()
    }
}

fn document<'a>(report: &'a AuditReport, clean: Option<&'a Cleanup>) -> Document<'a> {
    let stats = per_project(report);
    let projects: Vec<Value> = report
        .projects
        .iter()
        .map(|p| {
            let (keys, flagged, risk) = stats.get(p.id.as_str()).copied().unwrap_or_default();
            project_value(p, keys, flagged, risk)
        })
        .collect();
    let mut flags = Map::new();
    for (flag, n) in report.flag_counts() {
        flags.insert(flag.id().into(), json!(n));
    }
    let t = report.thresholds;
    let admin_keys = report
        .keys
        .iter()
        .filter(|k| Group::of(k) == Group::Admin)
        .count();
    let mut summary = json!({
        "projects": report.projects.len(),
        "archivedProjects": report.projects.iter().filter(|p| p.archived).count(),
        "keys": report.keys.len(),
        "projectKeys": report.keys.len() - admin_keys,
        "adminKeys": admin_keys,
        "flaggedKeys": report.flagged(),
        "flags": flags,
        "failedListings": report.failed_listings(),
        "complete": report.complete(),
        "elapsedMs": report.elapsed_ms,
    });
    if let Some(c) = clean {
        summary["revocation"] = cleanup::summary(c);
    }
    Document {
        tool: json!({ "name": "keyhound", "version": env!("CARGO_PKG_VERSION") }),
        audit: json!({
            "now": time(t.map(|t| t.now)),
            "staleDays": t.map(|t| t.stale_days),
            "maxKeysPerOwner": t.map(|t| t.max_keys_per_owner),
            "flagIds": Flag::ALL.map(Flag::id),
        }),
        projects,
        keys: Keys(&report.keys, clean),
        warnings: &report.warnings,
        summary,
    }
}

/// The JSON report as a value (for tests and small reports; [`write_json`] streams).
pub fn to_json(report: &AuditReport) -> Value {
    to_json_with(report, None)
}

/// [`to_json`], with each key's `revocation` and the summary's after a clean-up.
pub fn to_json_with(report: &AuditReport, clean: Option<&Cleanup>) -> Value {
    serde_json::to_value(document(report, clean)).unwrap_or(Value::Null)
}

/// Writes the JSON report, one key at a time.
pub fn write_json<W: Write>(report: &AuditReport, out: W) -> io::Result<()> {
    write_json_with(report, None, out)
}

/// [`write_json`], with each key's `revocation` and the summary's after a clean-up.
pub fn write_json_with<W: Write>(
    report: &AuditReport,
    clean: Option<&Cleanup>,
    mut out: W,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &document(report, clean))?;
    writeln!(out)?;
    out.flush()
}

#[cfg(test)]
mod tests;
