//! The clean-up (`audit --revoke FLAG,...`): the audit's selection planned under the guarded
//! revocation's policy, with the audit's own rule on top (the admin key in use is never
//! revoked, not even last), and, once carried out, the record of each audit key.
//!
//! Stage: audit (pure). Makes no request and prints nothing: the command carries the plan
//! out through `revoke::execute` (re-confirmation, audit log, DELETEs), and `report::audit`
//! shows the outcome per key.

use super::flags::Flag;
use super::targets::{Selection, IN_USE_REASON};
use super::AuditKey;
use crate::crosscheck::KeyKind;
use crate::revoke::execute::{Record, RevocationReport};
use crate::revoke::plan::{self, Plan, Policy};
use crate::revoke::{LeftAlone, Status, Subject};
use std::collections::HashMap;

/// The plan of `selection` under `policy`, and the key ids of the planned records that have
/// no target (for [`Cleanup::new`]). No step deletes the admin key in use: a step the plan
/// would run last as that key is left alone instead.
pub fn plan(selection: Selection, policy: &Policy) -> (Plan, Vec<String>) {
    let Selection {
        targets,
        left_alone,
        unplaced,
    } = selection;
    let mut plan = plan::plan(targets, left_alone, policy);
    // The audit withheld the admin key it recognised by the listing's full redacted form;
    // the plan recognises it by the shorter form a target shows. Either is enough to spare it.
    let (spared, steps): (Vec<_>, Vec<_>) = plan.steps.into_iter().partition(|s| s.self_key);
    plan.steps = steps;
    for step in spared {
        let reason = format!("{IN_USE_REASON} (its redacted form matches that key's)");
        plan.left_alone
            .push(LeftAlone::from_target(step.target, Status::Skipped, reason));
    }
    (plan, unplaced)
}

/// Where an audit key sits, as a revocation names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    Project(String),
    Admin,
    /// A project key only the admin listing showed.
    Unplaced,
}

fn place_of(k: &AuditKey) -> Place {
    match (k.key.key_kind, &k.key.project_id) {
        (KeyKind::Admin, _) => Place::Admin,
        (KeyKind::Project, Some(p)) => Place::Project(p.clone()),
        (KeyKind::Project, None) => Place::Unplaced,
    }
}

/// What a clean-up did (or, in a dry run, would do), key by key.
#[derive(Debug, Clone)]
pub struct Cleanup {
    /// The flags chosen with `--revoke`.
    pub flags: Vec<Flag>,
    pub revocation: RevocationReport,
    /// (place, key id) → index in `revocation.records`.
    index: HashMap<(Place, String), usize>,
}

impl Cleanup {
    /// Indexes `revocation`'s records by key. `unplaced`: the key ids of the records without
    /// a target, in their order (as [`plan()`] returned them; the plan and the executor keep
    /// what is left alone in the order given).
    pub fn new(flags: Vec<Flag>, revocation: RevocationReport, unplaced: &[String]) -> Cleanup {
        let mut index = HashMap::new();
        let mut unplaced = unplaced.iter();
        for (i, r) in revocation.records.iter().enumerate() {
            let at = match r.target.as_ref().map(|t| &t.subject) {
                Some(Subject::ProjectKey { project_id, key_id }) => {
                    (Place::Project(project_id.clone()), key_id.clone())
                }
                Some(Subject::AdminKey { key_id }) => (Place::Admin, key_id.clone()),
                Some(Subject::ServiceAccount { .. }) => continue,
                None => match unplaced.next() {
                    Some(id) => (Place::Unplaced, id.clone()),
                    None => continue,
                },
            };
            index.entry(at).or_insert(i);
        }
        Cleanup {
            flags,
            revocation,
            index,
        }
    }

    /// The record of `k`: `None` when it carries none of the chosen flags.
    pub fn record_of(&self, k: &AuditKey) -> Option<&Record> {
        let i = self.index.get(&(place_of(k), k.key.key_id.clone()))?;
        self.revocation.records.get(*i)
    }

    /// True when a planned revocation did not happen: the audit exits 3.
    pub fn any_failed(&self) -> bool {
        self.revocation.any_failed()
    }
}

#[cfg(test)]
mod tests;
