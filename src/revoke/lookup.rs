//! Completing targets from the API before planning: what a SARIF file leaves out (names,
//! owner, last use, the redacted form) and what changed since (a key deleted in between).
//!
//! Stage: revoke. One GET per target through [`AdminApi`], with bounded concurrency; never a
//! DELETE. A target no longer listed is left alone as already revoked; a target that could
//! not be looked up stays planned (it is re-confirmed before its DELETE anyway); a rejected
//! admin key stops everything.

use super::{Details, LeftAlone, Status, Subject, Target};
use crate::crosscheck::pool;
use crate::crosscheck::redacted::Redacted;
use crate::openai::{AdminApi, AdminApiKey, ApiError, ProjectApiKey};
use crate::secret::{VISIBLE_HEAD, VISIBLE_TAIL};
use std::sync::atomic::{AtomicBool, Ordering};

enum Found {
    Project(ProjectApiKey),
    Admin(AdminApiKey),
    Account,
}

/// `targets` with their details and redacted form from the API, and the ones already gone.
/// `Err` only for a rejected admin key.
pub fn resolve(
    api: &dyn AdminApi,
    targets: Vec<Target>,
    concurrency: usize,
) -> Result<(Vec<Target>, Vec<LeftAlone>), ApiError> {
    let abort = AtomicBool::new(false);
    let found = pool::run(concurrency, &targets, |t| {
        if abort.load(Ordering::Relaxed) {
            return None;
        }
        let result = match &t.subject {
            Subject::ProjectKey { project_id, key_id } => api
                .get_project_key(project_id, key_id)
                .result
                .map(Found::Project),
            Subject::AdminKey { key_id } => api.get_admin_key(key_id).result.map(Found::Admin),
            Subject::ServiceAccount {
                project_id,
                service_account_id,
            } => api
                .get_service_account(project_id, service_account_id)
                .result
                .map(|_| Found::Account),
        };
        if result.as_ref().is_err_and(ApiError::is_auth) {
            abort.store(true, Ordering::Relaxed);
        }
        Some(result)
    });
    let mut kept = Vec::new();
    let mut gone = Vec::new();
    for (mut target, found) in targets.into_iter().zip(found) {
        match found {
            // Skipped after a rejected admin key, whose own result returns below.
            None => {}
            Some(Err(e)) if e.is_auth() => return Err(e),
            Some(Err(e)) if e.is_not_found() => {
                let reason = format!(
                    "{} is no longer listed: already revoked",
                    target.subject.describe()
                );
                gone.push(LeftAlone::from_target(
                    target,
                    Status::AlreadyRevoked,
                    reason,
                ));
            }
            Some(Err(e)) => {
                target.why.push_str(&format!(
                    "; could not be looked up ({e}), it is re-confirmed before its DELETE"
                ));
                kept.push(target);
            }
            Some(Ok(found)) => {
                complete(&mut target, found);
                kept.push(target);
            }
        }
    }
    Ok((kept, gone))
}

fn complete(target: &mut Target, found: Found) {
    let (details, redacted_value) = match found {
        Found::Project(k) => {
            let owner = &k.owner;
            let (owner_id, owner_name, owner_email) = match (&owner.user, &owner.service_account) {
                (Some(u), _) => (Some(u.id.clone()), u.name.clone(), u.email.clone()),
                (None, Some(s)) => (Some(s.id.clone()), s.name.clone(), None),
                (None, None) => (None, None, None),
            };
            let details = Details {
                key_name: k.name,
                project_name: target.details.project_name.take(),
                owner_type: owner.kind.clone(),
                owner_id,
                owner_name,
                owner_email,
                created_at: Some(k.created_at),
                last_used_at: k.last_used_at,
            };
            (details, k.redacted_value)
        }
        Found::Admin(k) => {
            let details = Details {
                key_name: k.name,
                project_name: None,
                owner_type: k.owner.kind,
                owner_id: k.owner.id,
                owner_name: k.owner.name,
                owner_email: None,
                created_at: Some(k.created_at),
                last_used_at: k.last_used_at,
            };
            (details, k.redacted_value)
        }
        Found::Account => return,
    };
    target.details = details;
    if let Some(short) = shortened(&redacted_value) {
        target.redacted = short;
    }
}

/// A listed `redacted_value` (`sk-proj-` + 152 `*` + `excA`) as keyhound shows keys:
/// at most the first 8 and last 4 characters, `…` between.
fn shortened(redacted_value: &str) -> Option<String> {
    let r = Redacted::parse(redacted_value)?;
    let head: String = r.head().chars().take(VISIBLE_HEAD).collect();
    let tail: Vec<char> = r.tail().chars().collect();
    let tail: String = tail[tail.len().saturating_sub(VISIBLE_TAIL)..]
        .iter()
        .collect();
    Some(format!("{head}…{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_redacted_values_shorten_to_eight_and_four() {
        let stars = format!("sk-proj-{}excA", "*".repeat(152));
        assert_eq!(shortened(&stars).as_deref(), Some("sk-proj-…excA"));
        assert_eq!(
            shortened("sk-admin-LONGHEAD...abcdef").as_deref(),
            Some("sk-admin…cdef")
        );
        assert_eq!(shortened("no mask here"), None);
    }
}
