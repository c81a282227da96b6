//! Report: the formats of a cross-checked scan. JSON carries everything; SARIF carries ids
//! only (no names, no emails: SARIF is uploaded and shared) and makes a live key's results
//! `error` level; human output ends with an incident summary grouped by project.
//!
//! Stage: report. Reads a [`Report`] and a [`CrossCheckReport`]; never calls the API and
//! never sees a plaintext key.

pub mod human;

use super::sarif::{self, ExtraProperties, SECRET_FINGERPRINT};
use super::Report;
use crate::crosscheck::{Attribution, CrossCheck, CrossCheckReport, Status};
use crate::report::date::rfc3339;
use serde_json::{json, Map, Value};
use serde_sarif::sarif::ResultLevel;
use std::io::{self, Write};

/// The result property that holds a finding's cross-check.
pub const PROPERTY: &str = "crossCheck";

/// Which attribution fields a format may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// JSON and human output: everything.
    Private,
    /// SARIF: ids, kinds, flags and dates; no names, no emails.
    Shared,
}

fn time(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| json!(rfc3339(t)))
}

fn attribution(a: &Attribution, audience: Audience) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("keyKind".into(), json!(a.key_kind.as_str()));
    m.insert("projectId".into(), json!(a.project_id));
    m.insert("projectArchived".into(), json!(a.project_archived));
    m.insert("keyId".into(), json!(a.key_id));
    m.insert("ownerType".into(), json!(a.owner_type));
    m.insert("ownerId".into(), json!(a.owner_id));
    m.insert("createdAt".into(), time(Some(a.created_at)));
    m.insert("lastUsedAt".into(), time(a.last_used_at));
    if a.expires_at.is_some() {
        m.insert("expiresAt".into(), time(a.expires_at));
    }
    if audience == Audience::Private {
        m.insert("projectName".into(), json!(a.project_name));
        m.insert("keyName".into(), json!(a.key_name));
        m.insert("ownerName".into(), json!(a.owner_name));
        m.insert("ownerEmail".into(), json!(a.owner_email));
    }
    m
}

/// The attribution fields every `crossCheck` object has, null when unknown.
const FIELDS_PRIVATE: [&str; 12] = [
    "keyKind",
    "projectId",
    "projectName",
    "projectArchived",
    "keyId",
    "keyName",
    "ownerType",
    "ownerId",
    "ownerName",
    "ownerEmail",
    "createdAt",
    "lastUsedAt",
];

fn check_value(check: &CrossCheck, audience: Audience) -> Value {
    let mut m = Map::new();
    m.insert("status".into(), json!(check.status.as_str()));
    for field in FIELDS_PRIVATE {
        let shared_ok = !matches!(
            field,
            "projectName" | "keyName" | "ownerName" | "ownerEmail"
        );
        if audience == Audience::Private || shared_ok {
            m.insert(field.into(), Value::Null);
        }
    }
    if let Some(a) = &check.attribution {
        m.extend(attribution(a, audience));
    }
    m.insert(
        "candidates".into(),
        Value::Array(
            check
                .candidates
                .iter()
                .map(|c| Value::Object(attribution(c, audience)))
                .collect(),
        ),
    );
    if check.excluded > 0 {
        m.insert("excludedCandidates".into(), json!(check.excluded));
    }
    if check.created_after_leak {
        m.insert("createdAfterLeak".into(), json!(true));
    }
    if let Some(l) = check.liveness {
        m.insert("liveness".into(), json!(l));
    }
    if let Some(e) = &check.error {
        m.insert("error".into(), json!(e));
    }
    Value::Object(m)
}

/// The summary's `crossCheck` object.
fn summary_value(cc: &CrossCheckReport) -> Value {
    let c = cc.counts();
    json!({
        "live": c.live,
        "notFound": c.not_found,
        "ambiguous": c.ambiguous,
        "error": c.error,
        "projects": cc.projects,
        "keysListed": cc.keys_listed,
        "failedProjects": cc.failed_projects,
        "elapsedMs": cc.elapsed_ms,
        "authError": cc.auth_error,
    })
}

/// The JSON report (as `report::json`) with `crossCheck` on each finding and in the summary.
pub fn to_json(report: &Report, cc: &CrossCheckReport) -> Value {
    let mut value = super::json::to_json(report);
    if let Some(findings) = value["findings"].as_array_mut() {
        for (f, out) in report.findings.iter().zip(findings.iter_mut()) {
            if let (Some(check), Some(obj)) = (cc.get(f), out.as_object_mut()) {
                obj.insert(PROPERTY.into(), check_value(check, Audience::Private));
            }
        }
    }
    if let Some(summary) = value["summary"].as_object_mut() {
        summary.insert(PROPERTY.into(), summary_value(cc));
    }
    value
}

pub fn write_json<W: Write>(report: &Report, cc: &CrossCheckReport, mut out: W) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut out, &to_json(report, cc))?;
    writeln!(out)?;
    out.flush()
}

/// The SARIF log (one run, or the given runs of a git scan: see [`sarif::to_sarif_runs`])
/// with `properties.crossCheck` (ids only) on every result, and live keys' results at
/// `error` level.
pub fn to_sarif(
    report: &Report,
    runs: &[sarif::RunInfo],
    cc: &CrossCheckReport,
) -> Result<serde_sarif::sarif::Sarif, sarif::SarifError> {
    let mut log = sarif::to_sarif_runs(report, runs, |f| {
        let mut extra = ExtraProperties::new();
        if let Some(check) = cc.get(f) {
            extra.insert(PROPERTY.into(), check_value(check, Audience::Shared));
        }
        extra
    })?;
    let live: std::collections::HashSet<&str> = report
        .findings
        .iter()
        .filter(|f| cc.get(f).is_some_and(|c| c.status == Status::Live))
        .map(|f| f.fingerprint.as_str())
        .collect();
    for run in &mut log.runs {
        for result in run.results.iter_mut().flatten() {
            let fingerprint = result
                .partial_fingerprints
                .as_ref()
                .and_then(|p| p.get(SECRET_FINGERPRINT));
            if fingerprint.is_some_and(|fp| live.contains(fp.as_str())) {
                result.level = Some(ResultLevel::Error);
            }
        }
    }
    Ok(log)
}

pub fn write_sarif<W: Write>(
    report: &Report,
    runs: &[sarif::RunInfo],
    cc: &CrossCheckReport,
    mut out: W,
) -> io::Result<()> {
    let log =
        to_sarif(report, runs, cc).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    serde_json::to_writer_pretty(&mut out, &log)?;
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests;
