//! Carrying a plan out: re-confirm, delete, log, and (with the key in hand and liveness on)
//! check that the revoked key is refused.
//!
//! Stage: revoke. Steps run one after another, in the plan's order (the admin key in use
//! last): each is re-confirmed just before its DELETE, a 404 is "already revoked", a failure
//! is recorded and the next step runs. Each step's audit line is flushed and synced before
//! the next request; if the audit log cannot be written, no further DELETE is sent. A dry
//! run ([`dry_run`]) sends nothing at all.

use super::audit_log::{AuditLog, Entry};
use super::confirm::{confirm, Confirmation};
use super::plan::{Action, Plan, Step};
use super::{LeftAlone, Status, Target};
use crate::openai::{AdminApi, ApiError, Deleted, LiveStatus, LivenessCheck, Trace, Traced};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// What happened to one target (or one key left alone).
#[derive(Debug, Clone)]
pub struct Record {
    pub status: Status,
    /// Why, in ids only.
    pub reason: String,
    /// The planned deletion; `None` for what was left alone.
    pub action: Option<Action>,
    pub target: Option<Target>,
    pub redacted: String,
    pub fingerprint: Option<String>,
    /// The target is the admin key keyhound runs with (deleted last).
    pub self_key: bool,
    /// Status and `x-request-id` of the request that settled it.
    pub trace: Trace,
    /// True when that request was the DELETE (else the re-confirming GET, or none).
    pub deleted: bool,
    /// With `--verify-live`, what `GET /models` said of the key once it was revoked.
    pub liveness_after: Option<LiveStatus>,
}

/// Counts per status, for the summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub revoked: usize,
    pub already_revoked: usize,
    pub would_revoke: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Everything a revocation did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct RevocationReport {
    pub dry_run: bool,
    /// The planned steps in order, then what was left alone.
    pub records: Vec<Record>,
    pub audit_log: Option<PathBuf>,
    /// Set when the audit log could not be written (no DELETE was sent after that).
    pub audit_error: Option<String>,
}

impl RevocationReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.records {
            match r.status {
                Status::Revoked => c.revoked += 1,
                Status::AlreadyRevoked => c.already_revoked += 1,
                Status::WouldRevoke => c.would_revoke += 1,
                Status::Failed => c.failed += 1,
                Status::Skipped => c.skipped += 1,
            }
        }
        c
    }

    /// True when a planned revocation did not happen: the command exits 3.
    pub fn any_failed(&self) -> bool {
        self.records.iter().any(|r| r.status == Status::Failed)
    }

    /// The record of each key by fingerprint: its planned step, else what left it alone (a
    /// key planned and also left alone, by a conflict, is reported by its step).
    pub fn by_fingerprint(&self) -> HashMap<&str, &Record> {
        let mut index = HashMap::new();
        // Left-alone records come after the steps: the first record of a key wins.
        for r in &self.records {
            if let Some(fp) = r.fingerprint.as_deref() {
                index.entry(fp).or_insert(r);
            }
        }
        index
    }
}

fn record(step: &Step, status: Status, reason: String) -> Record {
    Record {
        status,
        reason,
        action: Some(step.action.clone()),
        target: Some(step.target.clone()),
        redacted: step.target.redacted.clone(),
        fingerprint: step.target.fingerprint.clone(),
        self_key: step.self_key,
        trace: Trace::default(),
        deleted: false,
        liveness_after: None,
    }
}

fn left_alone(l: LeftAlone) -> Record {
    Record {
        status: l.status,
        reason: l.reason,
        action: None,
        target: l.target,
        redacted: l.redacted,
        fingerprint: l.fingerprint,
        self_key: false,
        trace: Trace::default(),
        deleted: false,
        liveness_after: None,
    }
}

/// What a step would do, as a dry run reports it.
pub fn planned_reason(step: &Step) -> String {
    let mut s = step.action.describe();
    if step.self_key {
        s.push_str("; this is the admin key keyhound is running with: revoked last");
    }
    s
}

/// The plan as a dry run reports it: every step `would_revoke`. No request is made.
pub fn dry_run(plan: Plan) -> RevocationReport {
    let mut records: Vec<Record> = plan
        .steps
        .iter()
        .map(|s| record(s, Status::WouldRevoke, planned_reason(s)))
        .collect();
    records.extend(plan.left_alone.into_iter().map(left_alone));
    RevocationReport {
        dry_run: true,
        records,
        audit_log: None,
        audit_error: None,
    }
}

/// Carries `plan` out against `api`, logging each action to `audit`. `progress` sees each
/// step's record as soon as it is settled. With `liveness`, each revoked key held in hand is
/// checked to be refused (this sends the key to the API, as `--verify-live` says).
pub fn execute(
    plan: Plan,
    api: &dyn AdminApi,
    audit: &AuditLog,
    liveness: Option<&dyn LivenessCheck>,
    progress: &mut dyn FnMut(&Record),
) -> RevocationReport {
    let mut report = RevocationReport {
        dry_run: false,
        records: Vec::new(),
        audit_log: Some(audit.path().to_path_buf()),
        audit_error: None,
    };
    for step in &plan.steps {
        let mut done = match &report.audit_error {
            Some(e) => record(
                step,
                Status::Failed,
                format!("not attempted: the audit log could not be written ({e})"),
            ),
            None => run_step(api, step),
        };
        if report.audit_error.is_none() {
            if let Err(e) = audit.append(&Entry::of(&done)) {
                done.reason
                    .push_str(&format!("; its audit line could not be written ({e})"));
                report.audit_error = Some(e.to_string());
            }
        }
        if let (Some(check), Some(secret)) = (liveness, step.target.secret.as_ref()) {
            if matches!(done.status, Status::Revoked | Status::AlreadyRevoked) {
                done.liveness_after = Some(check.check(secret, None));
            }
        }
        progress(&done);
        report.records.push(done);
    }
    report
        .records
        .extend(plan.left_alone.into_iter().map(left_alone));
    report
}

/// Re-confirms and deletes one step.
fn run_step(api: &dyn AdminApi, step: &Step) -> Record {
    match confirm(api, step) {
        Confirmation::Gone { reason, trace } => Record {
            trace,
            ..record(step, Status::AlreadyRevoked, reason)
        },
        Confirmation::Refused { reason, trace } => Record {
            trace,
            ..record(step, Status::Failed, reason)
        },
        Confirmation::Go => {
            let done = delete(api, &step.action);
            let (status, reason) = outcome(step, &done.result);
            Record {
                trace: done.trace,
                deleted: true,
                ..record(step, status, reason)
            }
        }
    }
}

fn delete(api: &dyn AdminApi, action: &Action) -> Traced<Deleted> {
    match action {
        Action::DeleteProjectKey { project_id, key_id } => {
            api.delete_project_key(project_id, key_id)
        }
        Action::DeleteAdminKey { key_id } => api.delete_admin_key(key_id),
        Action::DeleteServiceAccount {
            project_id,
            service_account_id,
            ..
        } => api.delete_service_account(project_id, service_account_id),
    }
}

fn outcome(step: &Step, result: &Result<Deleted, ApiError>) -> (Status, String) {
    match result {
        Ok(d) if d.deleted => (
            Status::Revoked,
            match &step.action {
                Action::DeleteServiceAccount {
                    service_account_id, ..
                } => format!(
                    "service account {service_account_id} deleted: all its keys stopped working"
                ),
                _ => "deleted".to_string(),
            },
        ),
        Ok(_) => (
            Status::Failed,
            "the API answered the DELETE with deleted: false".into(),
        ),
        Err(e) if e.is_not_found() => (
            Status::AlreadyRevoked,
            "already gone (404 on DELETE)".into(),
        ),
        Err(e @ ApiError::BadRequest { .. })
            if matches!(step.action, Action::DeleteProjectKey { .. }) =>
        {
            (
                Status::Failed,
                format!(
                    "{e}: the API refuses to delete a service account's key on its own; \
                     --delete-service-accounts deletes the whole account"
                ),
            )
        }
        Err(e) => (Status::Failed, e.to_string()),
    }
}

#[cfg(test)]
mod tests;
