//! Targets from a reviewed SARIF file (`keyhound revoke --sarif FILE`).
//!
//! Stage: revoke (reads one file, no request). Every run whose tool is keyhound is read (a
//! git sweep of many repositories writes several runs). Of each result only the
//! `secretSha256/v1` partial fingerprint, `properties.crossCheck` (`status`, `keyKind`,
//! `projectId`, `keyId`, `ownerType`, `ownerId`, `candidates`, `error`) and the location are
//! taken, checked for shape (ids are ids, the fingerprint is a SHA-256), and de-duplicated by
//! key id. Nothing else in the file is trusted: [`super::lookup::resolve`] and the
//! re-confirmation ask the API about every target before its DELETE.

use super::from_scan::{
    ambiguous_reason, created_after_leak_reason, error_reason, listed, not_found_reason,
};
use super::{Details, LeftAlone, Status, Subject, Target};
use crate::report::sarif::SECRET_FINGERPRINT;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How many places `why` names before "and N more".
const SHOWN_PLACES: usize = 3;

/// The file could not be used. Each is one line, and exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum SarifInputError {
    #[error("cannot read SARIF file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} is not a SARIF log keyhound can revoke from: {reason}")]
    Invalid { path: String, reason: String },
    #[error(
        "{path} holds no cross-checked result: write it with keyhound scan --cross-check \
         --format sarif"
    )]
    NotCrossChecked { path: String },
}

/// What a SARIF file proposes.
#[derive(Debug, Default)]
pub struct SarifInput {
    pub targets: Vec<Target>,
    pub left_alone: Vec<LeftAlone>,
    /// keyhound runs read.
    pub runs: usize,
    /// Their results.
    pub results: usize,
}

/// Reads and parses the SARIF file at `path`.
pub fn read(path: &Path) -> Result<SarifInput, SarifInputError> {
    let shown = path.display().to_string();
    let limit = crate::config::input::REPORT_FILE_LIMIT;
    let bytes = crate::config::input::read_bounded(path, limit).map_err(|e| {
        SarifInputError::Unreadable {
            path: shown.clone(),
            reason: crate::scan::walk::io_reason(&e),
        }
    })?;
    parse(&bytes, &shown)
}

/// Everything one key's results said.
#[derive(Default)]
struct Seen {
    /// Live attributions: the subject and the owner the file names.
    live: BTreeMap<Subject, (Option<String>, Option<String>)>,
    /// The first reason given by a result that is not live.
    not_live: Option<String>,
    cross_checked: bool,
    places: Vec<String>,
    runs: BTreeSet<usize>,
}

/// Parses SARIF `bytes`; `path` names the file in errors.
pub fn parse(bytes: &[u8], path: &str) -> Result<SarifInput, SarifInputError> {
    let invalid = |reason: String| SarifInputError::Invalid {
        path: path.to_string(),
        reason,
    };
    let log: Value = serde_json::from_slice(bytes).map_err(|e| {
        invalid(format!(
            "not JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let runs = log
        .get("runs")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("no runs array".into()))?;
    let mut order: Vec<String> = Vec::new();
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    let mut input = SarifInput::default();
    for (i, run) in runs.iter().enumerate() {
        let tool = run.pointer("/tool/driver/name").and_then(Value::as_str);
        if tool != Some("keyhound") {
            continue;
        }
        input.runs += 1;
        let results = match run.get("results") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(r)) => r,
            Some(_) => return Err(invalid(format!("runs[{i}].results is not an array"))),
        };
        for (j, result) in results.iter().enumerate() {
            input.results += 1;
            let at = format!("runs[{i}].results[{j}]");
            let fingerprint = result
                .get("partialFingerprints")
                .and_then(|p| p.get(SECRET_FINGERPRINT))
                .and_then(Value::as_str)
                .filter(|fp| is_sha256(fp))
                .ok_or_else(|| invalid(format!("{at} has no {SECRET_FINGERPRINT} fingerprint")))?;
            if !seen.contains_key(fingerprint) {
                order.push(fingerprint.to_string());
            }
            let entry = seen.entry(fingerprint.to_string()).or_default();
            entry.runs.insert(i);
            if let Some(place) = place_of(result) {
                entry.places.push(place);
            }
            match result.pointer("/properties/crossCheck") {
                None | Some(Value::Null) => {}
                Some(Value::Object(check)) => {
                    entry.cross_checked = true;
                    read_check(check, entry).map_err(|why| invalid(format!("{at}: {why}")))?;
                }
                Some(_) => return Err(invalid(format!("{at}: crossCheck is not an object"))),
            }
        }
    }
    // Another tool's SARIF proposes nothing: say so, rather than plan nothing and exit 0.
    if input.runs == 0 {
        return Err(invalid(
            "no run of keyhound in it (tool.driver.name): write it with keyhound scan \
             --cross-check --format sarif"
                .into(),
        ));
    }
    if input.results > 0 && seen.values().all(|s| !s.cross_checked) {
        return Err(SarifInputError::NotCrossChecked {
            path: path.to_string(),
        });
    }
    for fingerprint in order {
        let Some(s) = seen.remove(&fingerprint) else {
            continue;
        };
        let redacted = format!("sha256:{}", &fingerprint[..12]);
        let why = why(&s);
        if s.live.is_empty() {
            let reason = match (s.cross_checked, s.not_live) {
                (false, _) => "not cross-checked: nothing is revoked unchecked".to_string(),
                (true, reason) => reason.unwrap_or_default(),
            };
            input.left_alone.push(LeftAlone {
                redacted,
                fingerprint: Some(fingerprint),
                status: Status::Skipped,
                reason,
                target: None,
            });
            continue;
        }
        for (subject, (owner_type, owner_id)) in s.live {
            input.targets.push(Target {
                subject,
                details: Details {
                    owner_type,
                    owner_id,
                    ..Details::default()
                },
                redacted: redacted.clone(),
                fingerprint: Some(fingerprint.clone()),
                why: why.clone(),
                secret: None,
            });
        }
    }
    Ok(input)
}

/// Reads one `crossCheck` object into `entry`; `Err` says which field is wrong.
fn read_check(check: &Map<String, Value>, entry: &mut Seen) -> Result<(), String> {
    let text = |name: &str| -> Result<Option<&str>, String> {
        match check.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(format!("crossCheck.{name} is not a string")),
        }
    };
    let id = |name: &str| -> Result<Option<String>, String> {
        match text(name)? {
            None => Ok(None),
            Some(s) if is_id(s) => Ok(Some(s.to_string())),
            Some(_) => Err(format!("crossCheck.{name} is not an id")),
        }
    };
    let status = text("status")?.ok_or("crossCheck.status is missing")?;
    match status {
        "live" if check.get("createdAfterLeak") == Some(&Value::Bool(true)) => {
            entry.not_live.get_or_insert(created_after_leak_reason());
        }
        "live" => {
            let key_id = id("keyId")?.ok_or("a live crossCheck has no keyId")?;
            let subject = match text("keyKind")? {
                Some("admin") => Subject::AdminKey { key_id },
                Some("project") => Subject::ProjectKey {
                    project_id: id("projectId")?.ok_or("a live project key has no projectId")?,
                    key_id,
                },
                _ => return Err("crossCheck.keyKind is neither project nor admin".into()),
            };
            let owner = (text("ownerType")?.map(str::to_string), id("ownerId")?);
            entry.live.insert(subject, owner);
        }
        "ambiguous" | "not_found" | "error" => {
            let reason = match status {
                "ambiguous" => ambiguous_reason(&candidates(check)),
                "not_found" => not_found_reason(text("liveness")? == Some("live")),
                _ => error_reason(text("error")?),
            };
            entry.not_live.get_or_insert(reason);
        }
        _ => {
            return Err(format!(
                "crossCheck.status {status:?} is not a cross-check status"
            ))
        }
    }
    Ok(())
}

/// `key_1 in proj_1` for each candidate whose ids are ids.
fn candidates(check: &Map<String, Value>) -> Vec<String> {
    let Some(Value::Array(all)) = check.get("candidates") else {
        return Vec::new();
    };
    all.iter()
        .filter_map(|c| {
            let key = c
                .get("keyId")
                .and_then(Value::as_str)
                .filter(|s| is_id(s))?;
            let project = c
                .get("projectId")
                .and_then(Value::as_str)
                .filter(|s| is_id(s));
            Some(listed(key, project))
        })
        .collect()
}

/// `uri:line` of a result's first location (`archive!/member:line` inside an archive).
fn place_of(result: &Value) -> Option<String> {
    let physical = result.pointer("/locations/0/physicalLocation")?;
    let uri = physical.pointer("/artifactLocation/uri")?.as_str()?;
    let uri: String = uri.chars().filter(|c| !c.is_control()).take(200).collect();
    let member = result
        .pointer("/properties/archiveMember")
        .and_then(Value::as_str);
    let line = match member {
        Some(_) => result.pointer("/properties/memberLine"),
        None => physical.pointer("/region/startLine"),
    }
    .and_then(Value::as_u64)?;
    Some(match member {
        Some(m) => format!("{uri}!/{}:{line}", m.chars().take(200).collect::<String>()),
        None => format!("{uri}:{line}"),
    })
}

fn why(s: &Seen) -> String {
    let mut places: Vec<String> = s.places.iter().take(SHOWN_PLACES).cloned().collect();
    if s.places.len() > SHOWN_PLACES {
        places.push(format!("and {} more", s.places.len() - SHOWN_PLACES));
    }
    let mut why = match places.is_empty() {
        true => "in the SARIF file".to_string(),
        false => format!("found at {}", places.join(", ")),
    };
    if s.runs.len() > 1 {
        why.push_str(&format!(" ({} runs)", s.runs.len()));
    }
    why
}

/// 64 lowercase hex digits.
fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// An Admin API id (`proj_abc`, `key_abc`, `svc_acct_abc`, `user-abc`): letters, digits,
/// `_`, `-` and `.`, at most 200 characters.
fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests;
