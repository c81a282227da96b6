//! Matching one finding against the indexed inventory, and narrowing the candidates with
//! evidence before calling a key ambiguous.
//!
//! Stage: cross-check. Evidence: a key created after the commit that introduced the leak
//! cannot be the leaked one; with `--verify-live`, `GET /models` as each candidate project
//! (`OpenAI-Project`) tells projects apart. Evidence only narrows: it never removes the last
//! candidate (a commit date is the committer's clock; a failed project check proves nothing),
//! so a key that could be live never reads `not_found`. Only the liveness check sees the
//! found key.

use super::index::KeyIndex;
use super::inventory::{is_admin_finding, Inventory};
use super::{Attribution, CrossCheck, KeyKind, Status};
use crate::finding::Finding;
use crate::openai::{LiveStatus, LivenessCheck};
use std::collections::BTreeSet;

/// The cross-check of `finding`.
pub fn attribute(
    finding: &Finding,
    index: &KeyIndex,
    inventory: &Inventory,
    liveness: Option<&dyn LivenessCheck>,
) -> CrossCheck {
    let mut candidates: Vec<Attribution> = index
        .candidates(finding.secret.expose())
        .into_iter()
        .map(|r| r.attribution.clone())
        .collect();
    let before = candidates.len();
    let mut created_after_leak = false;
    if let Some(leaked_at) = finding.introduced_at() {
        if candidates.iter().any(|c| c.created_at <= leaked_at) {
            candidates.retain(|c| c.created_at <= leaked_at);
        } else {
            created_after_leak = !candidates.is_empty();
        }
    }
    let mut confirmed_project = None;
    let mut live_status = None;
    if let Some(check) = liveness {
        let status = check.check(&finding.secret, None);
        live_status = Some(status);
        if status == LiveStatus::Live {
            let projects: BTreeSet<&str> = candidates
                .iter()
                .filter_map(|c| c.project_id.as_deref())
                .collect();
            if projects.len() > 1 {
                // Only a definite "not this project" rules a project out: a check that
                // failed (a 5xx, a 429 after retries, an unexpected answer) is no evidence,
                // and a key the API just accepted must not end up `not_found`.
                let (mut accepted, mut refused) = (BTreeSet::new(), BTreeSet::new());
                for p in projects {
                    match check.check(&finding.secret, Some(p)) {
                        LiveStatus::Live => accepted.insert(p.to_string()),
                        LiveStatus::MismatchedProject => refused.insert(p.to_string()),
                        LiveStatus::Revoked | LiveStatus::Unknown => false,
                    };
                }
                if accepted.len() == 1 {
                    confirmed_project = accepted.iter().next().cloned();
                    candidates
                        .retain(|c| c.project_id.as_ref().is_none_or(|p| accepted.contains(p)));
                } else {
                    candidates
                        .retain(|c| c.project_id.as_ref().is_none_or(|p| !refused.contains(p)));
                }
            }
        }
    }
    let excluded = before - candidates.len();
    let gap = incomplete(
        finding,
        inventory,
        confirmed_project.as_deref(),
        &candidates,
    );
    let mut check = CrossCheck {
        status: Status::NotFound,
        attribution: None,
        candidates: Vec::new(),
        excluded,
        created_after_leak,
        liveness: live_status,
        error: None,
    };
    if let Some(reason) = gap {
        check.status = Status::Error;
        check.error = Some(reason);
        check.candidates = candidates;
        return check;
    }
    match candidates.len() {
        0 => {}
        1 => {
            check.status = Status::Live;
            check.attribution = candidates.pop();
        }
        _ => {
            check.status = Status::Ambiguous;
            check.candidates = candidates;
        }
    }
    check
}

/// Why the inventory cannot settle `finding`, if it cannot: the listing that would hold it
/// failed. A project confirmed by liveness settles it whatever failed elsewhere (a key
/// belongs to one project).
fn incomplete(
    finding: &Finding,
    inventory: &Inventory,
    confirmed_project: Option<&str>,
    candidates: &[Attribution],
) -> Option<String> {
    let unreadable = |n: usize| {
        (n > 0 && candidates.is_empty()).then(|| {
            format!(
                "{n} listed keys have a redacted_value that could not be parsed, and this key \
                 could be one of them"
            )
        })
    };
    if is_admin_finding(finding) {
        let admin_candidates = candidates.iter().any(|c| c.key_kind == KeyKind::Admin);
        return match &inventory.admin_error {
            Some(e) if !admin_candidates => Some(format!("admin keys could not be listed: {e}")),
            _ => unreadable(inventory.unparsable_admin),
        };
    }
    let confirmed = confirmed_project.is_some_and(|p| {
        candidates
            .iter()
            .any(|c| c.project_id.as_deref() == Some(p))
    });
    if confirmed {
        return None;
    }
    if let Some(e) = &inventory.projects_error {
        return Some(format!("projects could not be listed: {e}"));
    }
    match inventory.failures.as_slice() {
        [] => unreadable(inventory.unparsable_project),
        [one] => Some(format!(
            "project {} could not be listed, and this key could belong there: {}",
            one.project_id, one.error
        )),
        many => {
            let ids: Vec<&str> = many.iter().take(5).map(|f| f.project_id.as_str()).collect();
            Some(format!(
                "{} projects could not be listed ({}{}), and this key could belong to one of them",
                many.len(),
                ids.join(", "),
                if many.len() > 5 { ", ..." } else { "" }
            ))
        }
    }
}
