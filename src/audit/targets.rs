//! What a clean-up of the audit selects: the keys carrying a chosen flag, as the guarded
//! revocation's own [`Target`]s, and the flagged keys an audit never revokes, left alone with
//! the reason.
//!
//! Stage: audit (pure). Selects, never deletes: the revocation machinery (plan, confirmation,
//! audit log, executor) takes these targets and decides how each is revoked (a service
//! account's key only with its whole account, and only when allowed). Never a target: the
//! admin key the audit runs with, an admin key whose listing shows no redacted form to tell it
//! from that key, and a project key that only the admin listing showed (its project is
//! unknown). The audit holds no key: targets carry no secret and no fingerprint.

use super::flags::Flag;
use super::{AuditKey, AuditReport};
use crate::crosscheck::KeyKind;
use crate::revoke::{Details, LeftAlone, Status, Subject, Target};
use std::collections::HashMap;

/// Why the admin key the audit runs with is left alone.
pub const IN_USE_REASON: &str = "the admin key this audit runs with is never revoked by an audit";

/// Why an admin key whose listing shows no redacted form is left alone.
pub const UNRECOGNISABLE_REASON: &str = "its listing shows no redacted form, so it cannot be \
     told apart from the admin key this audit runs with: an audit never revokes it";

/// How many of a service account's other keys `why` names before "and N more".
const SHOWN_KEYS: usize = 3;

/// The targets of a clean-up by flags, and the flagged keys left alone.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// In the report's order (riskiest first).
    pub targets: Vec<Target>,
    /// Keys carrying a chosen flag that are not targets, each with the reason.
    pub left_alone: Vec<LeftAlone>,
    /// The key ids of the entries of `left_alone` that have no target (no [`Subject`] can
    /// name a key without its project), in their order there.
    pub unplaced: Vec<String>,
}

/// Every key of `report` that carries one of `chosen`: a target, or left alone when an audit
/// must never revoke it. Keys carrying none of `chosen` are not mentioned.
pub fn revocation_targets(report: &AuditReport, chosen: &[Flag]) -> Selection {
    let accounts = service_account_keys(report);
    let mut out = Selection::default();
    for k in &report.keys {
        let flags: Vec<Flag> = k
            .flags
            .iter()
            .map(|f| f.flag)
            .filter(|f| chosen.contains(f))
            .collect();
        if flags.is_empty() {
            continue;
        }
        let target = target_of(k, &flags, &accounts);
        match (withheld(k), target) {
            (None, Some(target)) => out.targets.push(target),
            (Some(reason), Some(target)) => {
                out.left_alone
                    .push(LeftAlone::from_target(target, Status::Skipped, reason));
            }
            (reason, None) => {
                let reason = reason.unwrap_or_else(|| unplaced_reason(&k.key.key_id));
                out.left_alone.push(LeftAlone {
                    redacted: shown(k),
                    fingerprint: None,
                    status: Status::Skipped,
                    reason,
                    target: None,
                });
                out.unplaced.push(k.key.key_id.clone());
            }
        }
    }
    out
}

/// Why an audit never revokes `k`, if it never does.
fn withheld(k: &AuditKey) -> Option<String> {
    match k.key.key_kind {
        KeyKind::Admin if k.admin_key_in_use => Some(IN_USE_REASON.into()),
        KeyKind::Admin if k.redacted.is_none() => Some(UNRECOGNISABLE_REASON.into()),
        KeyKind::Project if k.key.project_id.is_none() => Some(unplaced_reason(&k.key.key_id)),
        _ => None,
    }
}

fn unplaced_reason(key_id: &str) -> String {
    format!(
        "{key_id} is listed only among the admin keys, without its project: it cannot be \
         deleted through a project"
    )
}

fn shown(k: &AuditKey) -> String {
    k.redacted.clone().unwrap_or_else(|| "(not shown)".into())
}

/// `k` as a target, `None` when no subject names it (a project key without its project).
fn target_of(
    k: &AuditKey,
    flags: &[Flag],
    accounts: &HashMap<(&str, &str), Vec<&str>>,
) -> Option<Target> {
    let a = &k.key;
    let subject = match (a.key_kind, &a.project_id) {
        (KeyKind::Admin, _) => Subject::AdminKey {
            key_id: a.key_id.clone(),
        },
        (KeyKind::Project, Some(project_id)) => Subject::ProjectKey {
            project_id: project_id.clone(),
            key_id: a.key_id.clone(),
        },
        (KeyKind::Project, None) => return None,
    };
    let ids: Vec<&str> = flags.iter().map(|f| f.id()).collect();
    let mut why = format!("flagged {}", ids.join(", "));
    let account = k.service_account_id.as_deref();
    if let (Some(project), Some(account)) = (a.project_id.as_deref(), account) {
        if let Some(keys) = accounts.get(&(project, account)) {
            why.push_str(&format!(
                "; service account {account} holds {} in {project}: {}",
                counted(keys.len()),
                listed(keys)
            ));
        }
    }
    let owned_by_account = a.owner_type.as_deref() == Some("service_account");
    Some(Target {
        subject,
        details: Details {
            key_name: a.key_name.clone(),
            project_name: a.project_name.clone(),
            owner_type: a.owner_type.clone(),
            // The plan deletes a service account's key through its account: name the account.
            owner_id: if owned_by_account {
                k.service_account_id.clone().or_else(|| a.owner_id.clone())
            } else {
                a.owner_id.clone()
            },
            owner_name: a.owner_name.clone(),
            owner_email: a.owner_email.clone(),
            created_at: Some(a.created_at),
            last_used_at: a.last_used_at,
        },
        redacted: shown(k),
        fingerprint: None,
        why,
        secret: None,
    })
}

fn counted(n: usize) -> String {
    format!("{n} {}", if n == 1 { "key" } else { "keys" })
}

fn listed(keys: &[&str]) -> String {
    let mut s = keys[..keys.len().min(SHOWN_KEYS)].join(", ");
    if keys.len() > SHOWN_KEYS {
        s.push_str(&format!(" and {} more", keys.len() - SHOWN_KEYS));
    }
    s
}

/// Per (project, service account): the ids of the account's keys the audit listed, so that
/// the plan shows what deleting the account takes with it.
fn service_account_keys(report: &AuditReport) -> HashMap<(&str, &str), Vec<&str>> {
    let mut out: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for k in &report.keys {
        let project = k.key.project_id.as_deref();
        if let (Some(project), Some(account)) = (project, k.service_account_id.as_deref()) {
            out.entry((project, account))
                .or_default()
                .push(k.key.key_id.as_str());
        }
    }
    out
}
