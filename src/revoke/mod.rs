//! Revocation: plan, confirm and carry out the deletion of leaked keys, with an audit log.
//!
//! Stage: revoke, after the cross-check. Sees the Admin API only through
//! [`crate::openai::AdminApi`] (and [`crate::openai::LivenessCheck`] to see a revoked key
//! refused); knows nothing of findings' formats, of clap, or of HTTP. Nothing here prints:
//! formats live in `report::revocation`.
//!
//! # The interface: targets in, records out
//!
//! Every way into revocation builds the same input and hands it over:
//! - a list of [`Target`]s: what to delete ([`Subject`]: a project key, an admin key or a
//!   service account, by id), what to show of it ([`Details`], the redacted form, the
//!   fingerprint when known) and why it is proposed ([`Target::why`]);
//! - a list of [`LeftAlone`]: what the caller already knows must not be revoked (an
//!   ambiguous, not found or unchecked key), with the reason, so that the plan and the
//!   reports say why.
//!
//! [`from_scan`] builds them from a cross-checked scan (`scan --cross-check --revoke`),
//! [`from_sarif`] from a reviewed SARIF file (`keyhound revoke --sarif FILE`, then
//! [`lookup::resolve`] completes them from the API), [`crate::audit::targets`] from an audit's
//! flagged keys (`audit --revoke FLAG,...`, which also spares the admin key in use rather than
//! revoking it last: [`crate::audit::cleanup::plan`]). Then, always the same steps:
//! 1. [`plan::plan`] applies the policy: one step per key; a service account's key is left
//!    alone unless service accounts may be deleted (then the account is, and all its keys
//!    stop working); two different keys that name the same listed key are left alone; the
//!    admin key keyhound runs with is revoked last.
//! 2. The caller prints the plan. Without confirmation it stops there: [`execute::dry_run`]
//!    makes no request at all.
//! 3. [`execute::execute`] re-confirms each step just before its DELETE (the key is still
//!    listed, and the key in hand, if any, still matches it), deletes, reads a 404 as already
//!    revoked, and appends one line per action to the [`audit_log::AuditLog`], flushed and
//!    synced before the next request. A failure on one step never stops the others.
//!
//! The result is a [`execute::RevocationReport`]: one [`execute::Record`] per target and
//! per left-alone key, with a [`Status`] and a reason that holds ids only (it goes to SARIF).

pub mod audit_log;
mod confirm;
pub mod execute;
pub mod from_sarif;
pub mod from_scan;
pub mod lookup;
pub mod plan;
pub mod settings;
#[cfg(test)]
mod testing;

use crate::secret::Secret;
use serde::Serialize;

/// What a target asks to delete, by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A project key (a service account's key is deleted only with its account).
    ProjectKey { project_id: String, key_id: String },
    /// An organization admin key.
    AdminKey { key_id: String },
    /// A whole service account, and with it every key it owns.
    ServiceAccount {
        project_id: String,
        service_account_id: String,
    },
}

impl Subject {
    /// The project, for project keys and service accounts.
    pub fn project_id(&self) -> Option<&str> {
        match self {
            Subject::ProjectKey { project_id, .. } | Subject::ServiceAccount { project_id, .. } => {
                Some(project_id)
            }
            Subject::AdminKey { .. } => None,
        }
    }

    /// The key id, for keys.
    pub fn key_id(&self) -> Option<&str> {
        match self {
            Subject::ProjectKey { key_id, .. } | Subject::AdminKey { key_id } => Some(key_id),
            Subject::ServiceAccount { .. } => None,
        }
    }

    /// `project key key_1 of proj_1`, `admin key key_1`, `service account sa_1 of proj_1`.
    pub fn describe(&self) -> String {
        match self {
            Subject::ProjectKey { project_id, key_id } => {
                format!("project key {key_id} of {project_id}")
            }
            Subject::AdminKey { key_id } => format!("admin key {key_id}"),
            Subject::ServiceAccount {
                project_id,
                service_account_id,
            } => format!("service account {service_account_id} of {project_id}"),
        }
    }
}

/// What the plan shows of a target. Names and emails are personal data: they go to human and
/// JSON output and the audit log, never to SARIF or to a reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub key_name: Option<String>,
    pub project_name: Option<String>,
    /// `user` or `service_account`.
    pub owner_type: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    /// Unix seconds.
    pub created_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl Details {
    /// True when the owner is a service account (whose keys cannot be deleted alone).
    pub fn owned_by_service_account(&self) -> bool {
        self.owner_type.as_deref() == Some("service_account")
    }
}

/// One thing to revoke, as a caller proposes it.
#[derive(Debug, Clone)]
pub struct Target {
    pub subject: Subject,
    pub details: Details,
    /// At most the first 8 and the last 4 characters of the key.
    pub redacted: String,
    /// Lowercase hex SHA-256 of the key, when known (it recognises the admin key in use).
    pub fingerprint: Option<String>,
    /// Why it is proposed (`found at .env:3:16`); ids and paths only.
    pub why: String,
    /// The key itself, when the caller holds it (a scan): re-confirmation checks that the
    /// listed key still matches it, and `--verify-live` checks it is refused afterwards.
    pub secret: Option<Secret>,
}

/// Something that will not be revoked, and why.
#[derive(Debug, Clone)]
pub struct LeftAlone {
    pub redacted: String,
    pub fingerprint: Option<String>,
    /// [`Status::Skipped`] (by policy) or [`Status::AlreadyRevoked`] (known to be gone).
    pub status: Status,
    /// Ids only (it goes to SARIF).
    pub reason: String,
    /// The target the plan left alone, when it was one.
    pub target: Option<Target>,
}

impl LeftAlone {
    /// `target`, left alone with `status` and `reason`.
    pub fn from_target(target: Target, status: Status, reason: impl Into<String>) -> LeftAlone {
        LeftAlone {
            redacted: target.redacted.clone(),
            fingerprint: target.fingerprint.clone(),
            status,
            reason: reason.into(),
            target: Some(target),
        }
    }
}

/// How a revocation ended, as every output names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Deleted now.
    Revoked,
    /// Gone before keyhound deleted it (404 on re-confirmation or on DELETE).
    AlreadyRevoked,
    /// Planned; a dry run changed nothing.
    WouldRevoke,
    /// Planned, and the deletion did not happen (or could not be confirmed).
    Failed,
    /// Left alone by policy.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Revoked => "revoked",
            Status::AlreadyRevoked => "already_revoked",
            Status::WouldRevoke => "would_revoke",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}
