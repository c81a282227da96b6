//! Audit: every key of the organization (all projects, archived ones included, and the admin
//! keys) with its owner, dates and hygiene flags, grouped by project and sorted by risk.
//!
//! Stage: audit. Lists the organization through [`AdminApi`] with the cross-check's bounded
//! fetcher ([`crate::crosscheck::inventory::list_with`]), then flags each key ([`flags`]) against
//! the `now` it is handed. It produces data only: formats live in `report::audit`, nothing
//! here knows HTTP or clap, and nothing here deletes anything ([`targets`] selects what a
//! clean-up revokes, [`cleanup`] plans it under the revocation's policy and indexes its
//! outcome by key; the deleting is `revoke::execute`'s). It never holds a listed key:
//! listings carry redacted values, shown as at most 8 + 4 characters; the admin key in use is
//! only compared with them.

pub mod cleanup;
pub mod flags;
pub mod settings;
pub mod targets;

mod build;
#[cfg(test)]
mod tests;

use crate::crosscheck::inventory::{self, Needs};
use crate::crosscheck::Attribution;
use crate::finding::Warning;
use crate::openai::{AdminApi, ApiError};
use crate::secret::Secret;
use flags::{Flag, Flagged, Thresholds};
use std::collections::BTreeMap;
use std::time::Instant;

pub use build::build;

/// `--stale-days` when it is not given.
pub const DEFAULT_STALE_DAYS: u32 = 90;
/// `--max-keys-per-owner` when it is not given.
pub const DEFAULT_MAX_KEYS_PER_OWNER: usize = 10;

/// One listed key, whose it is, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditKey {
    /// Project, key, owner and dates, as the listing gave them.
    pub key: Attribution,
    /// The listing's `redacted_value` as `head…tail` (at most 8 + 4 characters), `None` when
    /// it held no mask (then nothing of it is shown).
    pub redacted: Option<String>,
    /// `owner_project_access` as listed (`active`, `inactive`); project keys only.
    pub owner_project_access: Option<String>,
    /// The owning service account, for a service account's key (deleting the account is the
    /// only way to revoke such a key).
    pub service_account_id: Option<String>,
    /// An admin key whose redacted form matches the admin key this audit runs with: a
    /// clean-up must never revoke it.
    pub admin_key_in_use: bool,
    /// In [`Flag::ALL`] order.
    pub flags: Vec<Flagged>,
}

impl AuditKey {
    /// The sum of the flags' weights (0: nothing to say).
    pub fn risk(&self) -> u32 {
        self.flags.iter().map(|f| f.flag.weight()).sum()
    }

    /// True when the key carries `flag`.
    pub fn has(&self, flag: Flag) -> bool {
        self.flags.iter().any(|f| f.flag == flag)
    }
}

/// One listed project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectAudit {
    pub id: String,
    pub name: Option<String>,
    pub archived: bool,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    /// Its keys could not be listed (after the client's retries): the audit is incomplete.
    pub error: Option<ApiError>,
}

/// Where a key belongs in the report: a project, or the admin keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Project(String),
    /// A key of the admin listing that is not an admin key, and that no project listed.
    NoProject,
    Admin,
}

impl Group {
    pub fn of(k: &AuditKey) -> Group {
        match (&k.key.key_kind, &k.key.project_id) {
            (crate::crosscheck::KeyKind::Admin, _) => Group::Admin,
            (_, Some(id)) => Group::Project(id.clone()),
            (_, None) => Group::NoProject,
        }
    }
}

/// Everything an audit found.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    pub thresholds: Option<Thresholds>,
    /// Every key, grouped (riskiest group first) and, within a group, riskiest first.
    pub keys: Vec<AuditKey>,
    /// Every listed project, in the order of its group in `keys` (projects without keys
    /// last).
    pub projects: Vec<ProjectAudit>,
    /// The project listing failed: no project key is in the report.
    pub projects_error: Option<ApiError>,
    /// The admin-key listing failed: no admin key is in the report.
    pub admin_error: Option<ApiError>,
    /// One per failed listing.
    pub warnings: Vec<Warning>,
    pub elapsed_ms: u64,
}

impl AuditReport {
    /// False when a listing failed: absent keys may exist.
    pub fn complete(&self) -> bool {
        self.projects_error.is_none()
            && self.admin_error.is_none()
            && self.projects.iter().all(|p| p.error.is_none())
    }

    /// Listings that failed.
    pub fn failed_listings(&self) -> usize {
        usize::from(self.projects_error.is_some())
            + usize::from(self.admin_error.is_some())
            + self.projects.iter().filter(|p| p.error.is_some()).count()
    }

    /// How many keys carry each flag, every flag present (0 when none).
    pub fn flag_counts(&self) -> BTreeMap<Flag, usize> {
        let mut counts: BTreeMap<Flag, usize> = Flag::ALL.iter().map(|&f| (f, 0)).collect();
        for k in &self.keys {
            for f in &k.flags {
                *counts.entry(f.flag).or_default() += 1;
            }
        }
        counts
    }

    /// True when some key carries one of `chosen`.
    pub fn any_flagged(&self, chosen: &[Flag]) -> bool {
        self.keys.iter().any(|k| chosen.iter().any(|&f| k.has(f)))
    }

    /// Keys with at least one flag.
    pub fn flagged(&self) -> usize {
        self.keys.iter().filter(|k| !k.flags.is_empty()).count()
    }
}

/// How an audit runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub thresholds: Thresholds,
    /// Admin API requests in flight at once.
    pub concurrency: usize,
}

/// Lists the whole organization and audits it. `in_use` is the admin key the requests carry,
/// compared (never sent, never shown) with the admin keys' redacted forms so that it is
/// marked. `Err` only for a rejected admin key; a listing that fails after retries is a
/// warning and makes the report incomplete.
pub fn run(
    api: &dyn AdminApi,
    in_use: Option<&Secret>,
    options: Options,
) -> Result<AuditReport, ApiError> {
    let started = Instant::now();
    let needs = Needs {
        projects: true,
        admin: true,
    };
    let t = options.thresholds;
    let listing = inventory::list_with(api, needs, options.concurrency, |project, keys| {
        build::project_keys(project, keys, &t)
    })?;
    let mut report = build(listing, in_use, &t);
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}
