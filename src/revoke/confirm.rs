//! Re-confirmation: just before a DELETE, ask the API whether the step still holds.
//!
//! Stage: revoke. One GET per step through [`AdminApi`]: the key (or the account) is still
//! listed, is still what the plan says (an admin key is an admin key; a service account's key
//! is still that account's), and the key in hand, if any, still matches its `redacted_value`.
//! A 404 means the key is already gone: nothing is deleted. Never sends the key anywhere.

use super::plan::{Action, Step};
use crate::crosscheck::redacted::Redacted;
use crate::openai::{AdminApi, Trace};
use crate::secret::Secret;

/// What the re-confirmation found.
#[derive(Debug)]
pub enum Confirmation {
    /// The step holds: delete.
    Go,
    /// The key (or account) is no longer listed: already revoked.
    Gone { reason: String, trace: Trace },
    /// The step no longer holds, or could not be checked: do not delete.
    Refused { reason: String, trace: Trace },
}

/// Re-confirms `step` against `api`.
pub fn confirm(api: &dyn AdminApi, step: &Step) -> Confirmation {
    let secret = step.target.secret.as_ref();
    match &step.action {
        Action::DeleteProjectKey { project_id, key_id } => {
            let got = api.get_project_key(project_id, key_id);
            settle(got.result, got.trace, |key| {
                matches_key(secret, &key.redacted_value, key_id)
            })
        }
        Action::DeleteAdminKey { key_id } => {
            let got = api.get_admin_key(key_id);
            settle(got.result, got.trace, |key| {
                if !key.is_admin_key() {
                    return Err(format!(
                        "{key_id} is no longer listed as an admin key; nothing was deleted"
                    ));
                }
                matches_key(secret, &key.redacted_value, key_id)
            })
        }
        Action::DeleteServiceAccount {
            project_id,
            service_account_id,
            via_key: Some(key_id),
        } => {
            let got = api.get_project_key(project_id, key_id);
            settle(got.result, got.trace, |key| {
                let owner = key.owner.service_account.as_ref().map(|a| a.id.as_str());
                if owner != Some(service_account_id.as_str()) {
                    return Err(format!(
                        "{key_id} is no longer owned by service account {service_account_id}; \
                         the account was not deleted"
                    ));
                }
                matches_key(secret, &key.redacted_value, key_id)
            })
        }
        Action::DeleteServiceAccount {
            project_id,
            service_account_id,
            via_key: None,
        } => {
            let got = api.get_service_account(project_id, service_account_id);
            settle(got.result, got.trace, |_| Ok(()))
        }
    }
}

fn settle<T>(
    result: Result<T, crate::openai::ApiError>,
    trace: Trace,
    check: impl FnOnce(&T) -> Result<(), String>,
) -> Confirmation {
    match result {
        Ok(found) => match check(&found) {
            Ok(()) => Confirmation::Go,
            Err(reason) => Confirmation::Refused { reason, trace },
        },
        Err(e) if e.is_not_found() => Confirmation::Gone {
            reason: "no longer listed (404 when re-confirmed): already revoked".into(),
            trace,
        },
        Err(e) => Confirmation::Refused {
            reason: format!("could not be re-confirmed, so it was not deleted: {e}"),
            trace,
        },
    }
}

/// With the key in hand, the listed `redacted_value` must still be one the key matches.
fn matches_key(secret: Option<&Secret>, redacted_value: &str, key_id: &str) -> Result<(), String> {
    let Some(secret) = secret else { return Ok(()) };
    if Redacted::parse(redacted_value).is_some_and(|r| r.matches(secret.expose())) {
        Ok(())
    } else {
        Err(format!(
            "the found key no longer matches {key_id}'s redacted_value; nothing was deleted"
        ))
    }
}
