//! The plan: which deletion each target calls for, which targets are left alone and why, and
//! in what order the deletions run.
//!
//! Stage: revoke (pure). No request is made here. The policy: a user's project key and an
//! admin key are deleted; a service account's key cannot be deleted on its own, so it is left
//! alone unless service accounts may be deleted (then the whole account is, and the plan says
//! that all its keys stop working); two different keys that name the same listed key, or one
//! key named as two listed keys, are left alone (nothing is singled out); the admin key
//! keyhound runs with is deleted last, because nothing can be done after it.

use super::{LeftAlone, Status, Subject, Target};
use crate::crosscheck::redacted::Redacted;
use crate::secret::Secret;
use std::collections::{BTreeMap, BTreeSet};

/// What the plan may do.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// Delete a whole service account to revoke one of its keys.
    pub delete_service_accounts: bool,
    /// The admin key keyhound runs with: a target with its fingerprint is deleted last.
    pub admin_key: &'a Secret,
}

/// One deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    DeleteProjectKey {
        project_id: String,
        key_id: String,
    },
    DeleteAdminKey {
        key_id: String,
    },
    /// Deletes the account and every key it owns. `via_key`: the leaked key that calls for
    /// it, re-confirmed to be still the account's before the account is deleted.
    DeleteServiceAccount {
        project_id: String,
        service_account_id: String,
        via_key: Option<String>,
    },
}

impl Action {
    /// The name in the audit log and the reports.
    pub fn name(&self) -> &'static str {
        match self {
            Action::DeleteProjectKey { .. } => "delete_project_key",
            Action::DeleteAdminKey { .. } => "delete_admin_key",
            Action::DeleteServiceAccount { .. } => "delete_service_account",
        }
    }

    pub fn project_id(&self) -> Option<&str> {
        match self {
            Action::DeleteProjectKey { project_id, .. }
            | Action::DeleteServiceAccount { project_id, .. } => Some(project_id),
            Action::DeleteAdminKey { .. } => None,
        }
    }

    pub fn service_account_id(&self) -> Option<&str> {
        match self {
            Action::DeleteServiceAccount {
                service_account_id, ..
            } => Some(service_account_id),
            _ => None,
        }
    }

    /// What it does, ids only: `delete service account sa_1 of proj_1 (all its keys stop
    /// working)`.
    pub fn describe(&self) -> String {
        match self {
            Action::DeleteProjectKey { project_id, key_id } => {
                format!("delete project key {key_id} of {project_id}")
            }
            Action::DeleteAdminKey { key_id } => format!("delete admin key {key_id}"),
            Action::DeleteServiceAccount {
                project_id,
                service_account_id,
                ..
            } => format!(
                "delete service account {service_account_id} of {project_id} \
                 (all its keys stop working)"
            ),
        }
    }
}

/// One planned deletion and the target it revokes.
#[derive(Debug, Clone)]
pub struct Step {
    pub action: Action,
    pub target: Target,
    /// The target is (or, without a fingerprint, may be) the admin key keyhound runs with.
    pub self_key: bool,
}

/// The deletions in order, and what is left alone.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub left_alone: Vec<LeftAlone>,
}

/// Why a service account's key is left alone without `--delete-service-accounts`.
pub fn service_account_reason(service_account: &str) -> String {
    format!(
        "owned by service account {service_account}: a service account's key cannot be deleted \
         on its own (the API answers 400); --delete-service-accounts deletes the whole account, \
         and all its keys stop working"
    )
}

/// Plans `targets` under `policy`; `left_alone` is carried over as it is.
pub fn plan(targets: Vec<Target>, mut left_alone: Vec<LeftAlone>, policy: &Policy) -> Plan {
    let (targets, conflicts) = without_conflicts(targets);
    left_alone.extend(conflicts);
    let admin_fingerprint = policy.admin_key.fingerprint();
    let mut steps = Vec::new();
    for target in targets {
        match decide(&target, policy) {
            Ok(action) => {
                let self_key = matches!(action, Action::DeleteAdminKey { .. })
                    && is_admin_key_in_use(&target, &admin_fingerprint, policy.admin_key);
                steps.push(Step {
                    action,
                    target,
                    self_key,
                });
            }
            Err(reason) => left_alone.push(LeftAlone::from_target(target, Status::Skipped, reason)),
        }
    }
    // Users' keys first, then service accounts, other admin keys, and the key in use last.
    steps.sort_by_key(|s| match (&s.action, s.self_key) {
        (_, true) => 3,
        (Action::DeleteProjectKey { .. }, _) => 0,
        (Action::DeleteServiceAccount { .. }, _) => 1,
        (Action::DeleteAdminKey { .. }, _) => 2,
    });
    Plan { steps, left_alone }
}

/// The deletion `target` calls for, or why it is left alone.
fn decide(target: &Target, policy: &Policy) -> Result<Action, String> {
    match &target.subject {
        Subject::AdminKey { key_id } => Ok(Action::DeleteAdminKey {
            key_id: key_id.clone(),
        }),
        Subject::ProjectKey { project_id, key_id } if target.details.owned_by_service_account() => {
            let Some(account) = &target.details.owner_id else {
                return Err(
                    "owned by a service account whose id is not known: a service \
                            account's key cannot be deleted on its own"
                        .into(),
                );
            };
            if !policy.delete_service_accounts {
                return Err(service_account_reason(account));
            }
            Ok(Action::DeleteServiceAccount {
                project_id: project_id.clone(),
                service_account_id: account.clone(),
                via_key: Some(key_id.clone()),
            })
        }
        Subject::ProjectKey { project_id, key_id } => Ok(Action::DeleteProjectKey {
            project_id: project_id.clone(),
            key_id: key_id.clone(),
        }),
        Subject::ServiceAccount {
            project_id,
            service_account_id,
        } => {
            if !policy.delete_service_accounts {
                return Err(format!(
                    "deleting service account {service_account_id} (all its keys stop working) \
                     needs --delete-service-accounts"
                ));
            }
            Ok(Action::DeleteServiceAccount {
                project_id: project_id.clone(),
                service_account_id: service_account_id.clone(),
                via_key: None,
            })
        }
    }
}

/// By fingerprint when the target has one; else when its redacted form could be the key's.
fn is_admin_key_in_use(target: &Target, fingerprint: &str, admin_key: &Secret) -> bool {
    match &target.fingerprint {
        Some(fp) => fp == fingerprint,
        None => Redacted::parse(&target.redacted).is_some_and(|r| r.matches(admin_key.expose())),
    }
}

/// One target per subject. A subject named by several different keys, or a key named as
/// several subjects, is left alone: the match is not unique.
fn without_conflicts(targets: Vec<Target>) -> (Vec<Target>, Vec<LeftAlone>) {
    let mut keys_of: BTreeMap<Subject, BTreeSet<String>> = BTreeMap::new();
    let mut subjects_of: BTreeMap<String, BTreeSet<Subject>> = BTreeMap::new();
    for t in &targets {
        if let Some(fp) = &t.fingerprint {
            keys_of
                .entry(t.subject.clone())
                .or_default()
                .insert(fp.clone());
            subjects_of
                .entry(fp.clone())
                .or_default()
                .insert(t.subject.clone());
        }
    }
    let mut seen = BTreeSet::new();
    let mut kept = Vec::new();
    let mut left = Vec::new();
    for t in targets {
        let keys = keys_of.get(&t.subject).map_or(0, BTreeSet::len);
        let named = t.fingerprint.as_ref().and_then(|fp| subjects_of.get(fp));
        if keys > 1 {
            let reason = format!(
                "{keys} different found keys match the listed {}: ambiguous, none is revoked",
                t.subject.describe()
            );
            left.push(LeftAlone::from_target(t, Status::Skipped, reason));
        } else if let Some(named) = named.filter(|n| n.len() > 1) {
            let all: Vec<String> = named.iter().map(Subject::describe).collect();
            let reason = format!(
                "the same key was attributed to {} listed keys ({}): ambiguous, none is revoked",
                named.len(),
                all.join(", ")
            );
            left.push(LeftAlone::from_target(t, Status::Skipped, reason));
        } else if seen.insert(t.subject.clone()) {
            kept.push(t);
        }
    }
    // A conflict reported once per key, not once per occurrence of it.
    let mut reported = BTreeSet::new();
    left.retain(|l| reported.insert((l.fingerprint.clone(), l.reason.clone())));
    (kept, left)
}

#[cfg(test)]
mod tests;
