//! Cross-check: attribute every found key to its project, key id and owner through the
//! organization's Admin API, without sending the found key anywhere (unless `--verify-live`).
//!
//! Stage: crosscheck, after the scan (never from scan threads). Lists the inventory through
//! [`AdminApi`] with bounded concurrency ([`inventory`]), indexes it by visible tail
//! ([`index`]), and matches each finding ([`attribute`]): one record → `live`, none →
//! `not_found`, several → `ambiguous` (after narrowing by the leak's date and, when asked, by
//! liveness), and `error` whenever the inventory that could hold the key is incomplete. It
//! produces data only: formats live in `report::crosscheck`, and nothing here knows HTTP.

pub mod attribute;
pub mod index;
pub mod inventory;
pub mod pool;
pub mod redacted;
pub mod settings;

use crate::finding::{Finding, Warning};
use crate::openai::{AdminApi, LiveStatus, LivenessCheck};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// What the cross-check concluded for one found key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Exactly one listed key matches: this one leaked, and it is still in the organization.
    Live,
    /// No listed key matches (revoked, another organization, or a family not listed).
    NotFound,
    /// Several listed keys match; every candidate is reported, none is singled out.
    Ambiguous,
    /// The inventory that could hold the key is incomplete; nothing can be concluded.
    Error,
}

impl Status {
    /// The name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Live => "live",
            Status::NotFound => "not_found",
            Status::Ambiguous => "ambiguous",
            Status::Error => "error",
        }
    }
}

/// Whether a listed key is a project key or an admin key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    Project,
    Admin,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Project => "project",
            KeyKind::Admin => "admin",
        }
    }
}

/// Whose a listed key is. Names and emails are personal data: SARIF leaves them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub key_kind: KeyKind,
    /// `None` for admin keys (and project keys seen only in the admin listing).
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub project_archived: Option<bool>,
    pub key_id: String,
    pub key_name: Option<String>,
    /// `user` or `service_account`.
    pub owner_type: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// Admin keys only.
    pub expires_at: Option<i64>,
}

impl Attribution {
    /// An attribution with nothing but its kind (for building test records).
    pub fn empty(key_kind: KeyKind) -> Attribution {
        Attribution {
            key_kind,
            project_id: None,
            project_name: None,
            project_archived: None,
            key_id: String::new(),
            key_name: None,
            owner_type: None,
            owner_id: None,
            owner_name: None,
            owner_email: None,
            created_at: 0,
            last_used_at: None,
            expires_at: None,
        }
    }
}

/// The cross-check of one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossCheck {
    pub status: Status,
    /// The matching key, when `status` is `live`.
    pub attribution: Option<Attribution>,
    /// Every remaining candidate, when there are several (or when the check is `error`).
    pub candidates: Vec<Attribution>,
    /// Candidates ruled out by evidence: created after the leak, or refused for their project.
    pub excluded: usize,
    /// Every candidate was created after the commit that introduced the leak. The date rule
    /// then rules nothing out (a commit's date is the committer's clock, and a key that
    /// matches must not look clean), but the evidence disagrees: revocation leaves it alone.
    pub created_after_leak: bool,
    /// What `GET /models` said, with `--verify-live`.
    pub liveness: Option<LiveStatus>,
    /// Why the status is `error`.
    pub error: Option<String>,
}

impl CrossCheck {
    /// An `error` check with `message` and no candidates.
    pub fn error(message: impl Into<String>) -> CrossCheck {
        CrossCheck {
            status: Status::Error,
            attribution: None,
            candidates: Vec::new(),
            excluded: 0,
            created_after_leak: false,
            liveness: None,
            error: Some(message.into()),
        }
    }

    /// True when the key may still work: live, ambiguous or unchecked, unless liveness saw it
    /// revoked. This is what `--fail-on live` fails on.
    pub fn may_be_live(&self) -> bool {
        self.liveness != Some(LiveStatus::Revoked) && self.status != Status::NotFound
    }
}

/// Counts per status, for the summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub live: usize,
    pub not_found: usize,
    pub ambiguous: usize,
    pub error: usize,
}

/// Everything the cross-check produced.
#[derive(Debug, Clone, Default)]
pub struct CrossCheckReport {
    /// By finding fingerprint.
    pub checks: HashMap<String, CrossCheck>,
    /// Listings that failed after retries (counted, and in SARIF notifications).
    pub warnings: Vec<Warning>,
    /// Set when the admin key was rejected: the command exits 2 after reporting.
    pub auth_error: Option<String>,
    /// Projects listed (archived ones included).
    pub projects: usize,
    /// Keys in the inventory (project and admin keys).
    pub keys_listed: usize,
    /// Ids of the projects whose keys could not be listed.
    pub failed_projects: Vec<String>,
    pub elapsed_ms: u64,
}

impl CrossCheckReport {
    /// The check of `finding`.
    pub fn get(&self, finding: &Finding) -> Option<&CrossCheck> {
        self.checks.get(&finding.fingerprint)
    }

    /// How many findings ended in each status.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for check in self.checks.values() {
            match check.status {
                Status::Live => c.live += 1,
                Status::NotFound => c.not_found += 1,
                Status::Ambiguous => c.ambiguous += 1,
                Status::Error => c.error += 1,
            }
        }
        c
    }
}

/// How the cross-check runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Requests in flight at once.
    pub concurrency: usize,
}

/// Cross-checks `findings`: lists what could hold them, then matches each. With `liveness`,
/// also asks the API about each found key (this sends the key to the API).
pub fn cross_check(
    findings: &[Finding],
    api: &dyn AdminApi,
    liveness: Option<&dyn LivenessCheck>,
    options: Options,
) -> CrossCheckReport {
    let started = Instant::now();
    let mut report = CrossCheckReport::default();
    if findings.is_empty() {
        return report;
    }
    let needs = inventory::Needs::of(findings);
    let mut inventory = match inventory::fetch(api, needs, options.concurrency) {
        Ok(inv) => inv,
        Err(e) => {
            let message = e.to_string();
            for f in findings {
                report
                    .checks
                    .insert(f.fingerprint.clone(), CrossCheck::error(message.clone()));
            }
            report.auth_error = Some(message);
            report.elapsed_ms = started.elapsed().as_millis() as u64;
            return report;
        }
    };
    report.warnings = inventory.warnings();
    report.projects = inventory.projects;
    report.failed_projects = inventory
        .failures
        .iter()
        .map(|f| f.project_id.clone())
        .collect();
    let index = index::KeyIndex::new(std::mem::take(&mut inventory.records));
    report.keys_listed = index.len();
    let checks = pool::run(options.concurrency, findings, |f| {
        attribute::attribute(f, &index, &inventory, liveness)
    });
    for (f, check) in findings.iter().zip(checks) {
        report.checks.insert(f.fingerprint.clone(), check);
    }
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    report
}

#[cfg(test)]
mod tests;
