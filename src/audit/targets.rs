//! What a clean-up of the audit would select: the flagged keys as revocation targets.
//!
//! Stage: audit (pure). Selects, never deletes: the guarded revocation machinery (plan,
//! confirmation, audit log, executor) takes these targets and decides how each is revoked.
//! The admin key the audit ran with is never a target.

use super::flags::Flag;
use super::{AuditKey, AuditReport};
use crate::crosscheck::KeyKind;

/// One key a clean-up by flags would revoke, with what revoking it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationTarget {
    /// `Project` (DELETE the project key, or its service account) or `Admin` (DELETE the
    /// admin key).
    pub key_kind: KeyKind,
    /// `None` for an admin key.
    pub project_id: Option<String>,
    pub key_id: String,
    /// `user` or `service_account`, as listed.
    pub owner_type: Option<String>,
    /// For a service account's key: the account, whose deletion is the only way to revoke
    /// the key (and revokes every key it owns).
    pub service_account_id: Option<String>,
    /// `head…tail`, for the plan a person confirms.
    pub redacted: Option<String>,
    /// The chosen flags the key carries (at least one), in [`Flag::ALL`] order.
    pub flags: Vec<Flag>,
}

/// A flagged key that is not a target, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    pub key_id: String,
    pub reason: &'static str,
}

/// The targets of a clean-up by `chosen` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// In the report's order (riskiest first).
    pub targets: Vec<RevocationTarget>,
    pub withheld: Vec<Withheld>,
}

/// Every key of `report` that carries one of `chosen`, except the admin key in use (and a
/// project key the admin listing alone returned, which has no project to delete it from).
pub fn revocation_targets(report: &AuditReport, chosen: &[Flag]) -> Targets {
    let mut out = Targets::default();
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
        if let Some(reason) = withheld(k) {
            out.withheld.push(Withheld {
                key_id: k.key.key_id.clone(),
                reason,
            });
            continue;
        }
        out.targets.push(RevocationTarget {
            key_kind: k.key.key_kind,
            project_id: k.key.project_id.clone(),
            key_id: k.key.key_id.clone(),
            owner_type: k.key.owner_type.clone(),
            service_account_id: k.service_account_id.clone(),
            redacted: k.redacted.clone(),
            flags,
        });
    }
    out
}

fn withheld(k: &AuditKey) -> Option<&'static str> {
    if k.admin_key_in_use {
        return Some("the admin key this audit runs with is never revoked by an audit");
    }
    if k.key.key_kind == KeyKind::Project && k.key.project_id.is_none() {
        return Some("listed only among the admin keys: its project is unknown");
    }
    None
}
