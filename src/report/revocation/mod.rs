//! Report: a revocation's results. Each finding's JSON object and each SARIF result get
//! `revocation` (`status`, `reason`, the action and its ids, the HTTP status and
//! `x-request-id`, and `livenessAfter` with `--verify-live`); the summaries count the
//! statuses; `keyhound revoke --format json` writes one document of all records. Human text
//! is in [`human`].
//!
//! Stage: report. Reads a [`RevocationReport`]; never calls the API and never sees a key.
//! The `revocation` object holds ids only (SARIF is shared): names and emails appear only in
//! the `keyhound revoke` JSON document, which is not uploaded.

pub mod human;

use super::sarif::SECRET_FINGERPRINT;
use super::Report;
use crate::crosscheck::CrossCheckReport;
use crate::report::date::rfc3339;
use crate::revoke::execute::{Record, RevocationReport};
use crate::revoke::{Subject, Target};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// The property that holds a finding's revocation, in JSON and SARIF.
pub const PROPERTY: &str = "revocation";

/// `service_account` for a key a service account owns (whichever action is planned for it),
/// else the kind of the subject.
fn key_kind(target: &Target) -> &'static str {
    match &target.subject {
        Subject::ProjectKey { .. }
            if target.details.owner_type.as_deref() == Some("service_account") =>
        {
            "service_account"
        }
        Subject::ProjectKey { .. } => "project",
        Subject::AdminKey { .. } => "admin",
        Subject::ServiceAccount { .. } => "service_account",
    }
}

/// The `revocation` object of one record: ids, status, reason; nothing personal.
pub fn record_value(r: &Record) -> Value {
    let subject = r.target.as_ref().map(|t| &t.subject);
    let mut m = Map::new();
    m.insert("status".into(), json!(r.status.as_str()));
    m.insert("reason".into(), json!(r.reason));
    m.insert("action".into(), json!(r.action.as_ref().map(|a| a.name())));
    m.insert("keyKind".into(), json!(r.target.as_ref().map(key_kind)));
    m.insert(
        "projectId".into(),
        json!(subject.and_then(Subject::project_id)),
    );
    m.insert("keyId".into(), json!(subject.and_then(Subject::key_id)));
    m.insert(
        "serviceAccountId".into(),
        json!(r.action.as_ref().and_then(|a| a.service_account_id())),
    );
    m.insert("selfRevocation".into(), json!(r.self_key));
    m.insert("httpStatus".into(), json!(r.trace.status));
    m.insert("requestId".into(), json!(r.trace.request_id));
    if let Some(l) = r.liveness_after {
        m.insert("livenessAfter".into(), json!(l));
    }
    Value::Object(m)
}

/// The summaries' `revocation` object.
pub fn summary_value(rev: &RevocationReport) -> Value {
    let mut v = json!(rev.counts());
    v["dryRun"] = json!(rev.dry_run);
    v["auditLog"] = json!(rev.audit_log.as_ref().map(|p| p.display().to_string()));
    v["auditLogError"] = json!(rev.audit_error);
    v
}

/// A cross-checked scan's JSON report, with `revocation` on each finding and in the summary.
pub fn scan_json(report: &Report, cc: &CrossCheckReport, rev: Option<&RevocationReport>) -> Value {
    let mut value = super::crosscheck::to_json(report, cc);
    let Some(rev) = rev else { return value };
    let records = rev.by_fingerprint();
    if let Some(findings) = value["findings"].as_array_mut() {
        for (f, out) in report.findings.iter().zip(findings.iter_mut()) {
            let record = records.get(f.fingerprint.as_str());
            if let (Some(r), Some(obj)) = (record, out.as_object_mut()) {
                obj.insert(PROPERTY.into(), record_value(r));
            }
        }
    }
    if let Some(summary) = value["summary"].as_object_mut() {
        summary.insert(PROPERTY.into(), summary_value(rev));
    }
    value
}

/// A cross-checked scan's SARIF log, with `properties.revocation` on each result.
pub fn scan_sarif(
    report: &Report,
    runs: &[super::sarif::RunInfo],
    cc: &CrossCheckReport,
    rev: Option<&RevocationReport>,
) -> Result<serde_sarif::sarif::Sarif, super::sarif::SarifError> {
    let mut log = super::crosscheck::to_sarif(report, runs, cc)?;
    let Some(rev) = rev else { return Ok(log) };
    let records = rev.by_fingerprint();
    for run in &mut log.runs {
        for result in run.results.iter_mut().flatten() {
            let record = result
                .partial_fingerprints
                .as_ref()
                .and_then(|p| p.get(SECRET_FINGERPRINT))
                .and_then(|fp| records.get(fp.as_str()));
            if let (Some(r), Some(props)) = (record, result.properties.as_mut()) {
                props
                    .additional_properties
                    .insert(PROPERTY.into(), record_value(r));
            }
        }
    }
    Ok(log)
}

/// Writes [`scan_json`], pretty-printed.
pub fn write_scan_json<W: Write>(
    report: &Report,
    cc: &CrossCheckReport,
    rev: Option<&RevocationReport>,
    mut out: W,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &scan_json(report, cc, rev))?;
    writeln!(out)?;
    out.flush()
}

/// Writes [`scan_sarif`], pretty-printed.
pub fn write_scan_sarif<W: Write>(
    report: &Report,
    runs: &[super::sarif::RunInfo],
    cc: &CrossCheckReport,
    rev: Option<&RevocationReport>,
    mut out: W,
) -> io::Result<()> {
    let log = scan_sarif(report, runs, cc, rev)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    serde_json::to_writer_pretty(&mut out, &log)?;
    writeln!(out)?;
    out.flush()
}

/// One record for `keyhound revoke --format json`: the `revocation` fields, the key's
/// redacted form and fingerprint, why it was proposed, and what the API says of it.
fn full_record(r: &Record) -> Value {
    let mut v = record_value(r);
    v["redacted"] = json!(r.redacted);
    v["fingerprint"] = json!(r.fingerprint);
    let t = r.target.as_ref();
    let d = t.map(|t| &t.details);
    let time = |s: Option<i64>| s.map(rfc3339);
    v["why"] = json!(t.map(|t| &t.why));
    v["keyName"] = json!(d.and_then(|d| d.key_name.as_ref()));
    v["projectName"] = json!(d.and_then(|d| d.project_name.as_ref()));
    v["ownerType"] = json!(d.and_then(|d| d.owner_type.as_ref()));
    v["ownerId"] = json!(d.and_then(|d| d.owner_id.as_ref()));
    v["ownerName"] = json!(d.and_then(|d| d.owner_name.as_ref()));
    v["ownerEmail"] = json!(d.and_then(|d| d.owner_email.as_ref()));
    v["createdAt"] = json!(time(d.and_then(|d| d.created_at)));
    v["lastUsedAt"] = json!(time(d.and_then(|d| d.last_used_at)));
    v
}

/// The `keyhound revoke --format json` document.
pub fn to_json(rev: &RevocationReport) -> Value {
    json!({
        "tool": { "name": "keyhound", "version": env!("CARGO_PKG_VERSION") },
        "revocations": rev.records.iter().map(full_record).collect::<Vec<_>>(),
        "summary": summary_value(rev),
    })
}

#[cfg(test)]
mod tests;
