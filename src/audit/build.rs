//! Listings → an [`AuditReport`]: one [`AuditKey`] per listed key, flagged, grouped and
//! sorted.
//!
//! Stage: audit (pure). Works on what
//! [`inventory::list_with`](crate::crosscheck::inventory::list_with) returned, each project's
//! keys already made into [`AuditKey`]s on the worker that listed them ([`project_keys`]);
//! makes no request and reads no clock.

use super::flags::{self, Flag, Flagged, KeyFacts, Thresholds};
use super::{AuditKey, AuditReport, Group, ProjectAudit};
use crate::crosscheck::inventory::{admin_record, project_record, Listing, ProjectListing};
use crate::crosscheck::redacted::Redacted;
use crate::crosscheck::KeyKind;
use crate::finding::Warning;
use crate::openai::{Project, ProjectApiKey};
use crate::secret::{Secret, VISIBLE_HEAD, VISIBLE_TAIL};
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

/// The audit keys of one project's listing, every flag raised but `many-keys-per-owner`
/// (which needs the whole project).
pub fn project_keys(project: &Project, keys: Vec<ProjectApiKey>, t: &Thresholds) -> Vec<AuditKey> {
    keys.into_iter()
        .map(|k| {
            let redacted = Redacted::parse(&k.redacted_value);
            let access = k.owner_project_access.clone();
            let service_account = k.owner.service_account.as_ref().map(|s| s.id.clone());
            let key = project_record(project, k);
            audit_key(key, redacted, access, service_account, false, t)
        })
        .collect()
}

/// The audit of `listing` (whose project keys `project_keys` made) at `t`. `in_use` marks
/// the admin key the audit runs with.
pub fn build(
    listing: Listing<Vec<AuditKey>>,
    in_use: Option<&Secret>,
    t: &Thresholds,
) -> AuditReport {
    let listed: usize = listing
        .projects
        .iter()
        .map(|p| p.keys.as_ref().map_or(0, Vec::len))
        .sum();
    let admin_listed = match &listing.admin {
        Some(Ok(keys)) => keys.len(),
        _ => 0,
    };
    let mut report = AuditReport {
        thresholds: Some(*t),
        projects_error: listing.projects_error,
        // Sized once: growing a vector of 100,000 keys by doubling would copy it and hold
        // both copies at its peak.
        keys: Vec::with_capacity(listed + admin_listed),
        ..AuditReport::default()
    };
    for ProjectListing { project, keys } in listing.projects {
        let mut audit = ProjectAudit {
            id: project.id.clone(),
            name: project.name.clone(),
            archived: project.is_archived(),
            created_at: project.created_at,
            archived_at: project.archived_at,
            error: None,
        };
        match keys {
            Ok(keys) => report.keys.extend(keys),
            Err(e) => audit.error = Some(e),
        }
        report.projects.push(audit);
    }
    let listed_ids: HashSet<&str> = report.keys.iter().map(|k| k.key.key_id.as_str()).collect();
    let mut admin_keys = Vec::new();
    match listing.admin {
        Some(Ok(keys)) => {
            // The admin listing has returned project keys too: those listed under their
            // project are kept there, once.
            for k in keys
                .into_iter()
                .filter(|k| !listed_ids.contains(k.id.as_str()))
            {
                let redacted = Redacted::parse(&k.redacted_value);
                let admin = k.is_admin_key();
                let matches_in_use = admin
                    && redacted
                        .as_ref()
                        .zip(in_use)
                        .is_some_and(|(r, key)| r.matches(key.expose()));
                let key = admin_record(k);
                admin_keys.push(audit_key(key, redacted, None, None, matches_in_use, t));
            }
        }
        Some(Err(e)) => report.admin_error = Some(e),
        None => {}
    }
    report.keys.extend(admin_keys);
    flag_many_keys(&mut report.keys, t.max_keys_per_owner);
    sort(&mut report);
    report.warnings = warnings(&report);
    report
}

/// The audit of one listed key: its shown form and every flag but `many-keys-per-owner`.
fn audit_key(
    key: crate::crosscheck::Attribution,
    redacted: Option<Redacted>,
    owner_project_access: Option<String>,
    service_account_id: Option<String>,
    admin_key_in_use: bool,
    t: &Thresholds,
) -> AuditKey {
    let service_account_id = service_account_id.or_else(|| {
        (key.owner_type.as_deref() == Some("service_account"))
            .then(|| key.owner_id.clone())
            .flatten()
    });
    let flags = flags::evaluate(
        &KeyFacts {
            admin: key.key_kind == KeyKind::Admin,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            expires_at: key.expires_at,
            owner_project_access: owner_project_access.as_deref(),
            project_archived: key.project_archived == Some(true),
            redacted: redacted.as_ref(),
        },
        t,
    );
    AuditKey {
        redacted: redacted.as_ref().map(shown),
        key,
        owner_project_access,
        service_account_id,
        admin_key_in_use,
        flags,
    }
}

/// `head…tail`, at most 8 + 4 characters of what the listing showed, whatever it showed.
fn shown(r: &Redacted) -> String {
    let head: String = r.head().chars().take(VISIBLE_HEAD).collect();
    let tail: Vec<char> = r.tail().chars().collect();
    let tail: String = tail[tail.len().saturating_sub(VISIBLE_TAIL)..]
        .iter()
        .collect();
    format!("{head}…{tail}")
}

/// Flags every key of an owner who holds more than `max` keys in one project.
fn flag_many_keys(keys: &mut [AuditKey], max: usize) {
    let owner_of = |k: &AuditKey| -> Option<(String, String)> {
        if k.key.key_kind != KeyKind::Project {
            return None;
        }
        Some((k.key.project_id.clone()?, k.key.owner_id.clone()?))
    };
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for k in keys.iter() {
        if let Some(owner) = owner_of(k) {
            *counts.entry(owner).or_default() += 1;
        }
    }
    for k in keys.iter_mut() {
        let Some(owner) = owner_of(k) else { continue };
        let n = counts.get(&owner).copied().unwrap_or(0);
        if n > max {
            let kind = k
                .key
                .owner_type
                .as_deref()
                .unwrap_or("owner")
                .replace('_', " ");
            k.flags.push(Flagged {
                flag: Flag::ManyKeysPerOwner,
                reason: format!(
                    "{kind} {} holds {n} keys in this project (more than {max})",
                    owner.1
                ),
            });
            k.flags.sort_by_key(|f| f.flag);
        }
    }
}

/// Groups riskiest first (by their riskiest key, then their total risk), keys riskiest first
/// within a group, then the longest unused (never used first), then by id.
fn sort(report: &mut AuditReport) {
    let mut group_risk: HashMap<Group, (u32, u64)> = HashMap::new();
    for k in &report.keys {
        let e = group_risk.entry(Group::of(k)).or_default();
        e.0 = e.0.max(k.risk());
        e.1 += u64::from(k.risk());
    }
    let rank = |g: &Group| group_risk.get(g).copied().unwrap_or_default();
    report.keys.sort_by_cached_key(|k| {
        let g = Group::of(k);
        let (max, total) = rank(&g);
        (
            Reverse(max),
            Reverse(total),
            g,
            Reverse(k.risk()),
            k.key.last_used_at.is_some(),
            k.key.last_used_at,
            k.key.created_at,
            k.key.key_id.clone(),
        )
    });
    report.projects.sort_by_cached_key(|p| {
        let g = Group::Project(p.id.clone());
        let has_keys = group_risk.contains_key(&g);
        let (max, total) = rank(&g);
        (!has_keys, Reverse(max), Reverse(total), g)
    });
}

fn warnings(report: &AuditReport) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Some(e) = &report.projects_error {
        out.push(Warning::general(format!(
            "audit: cannot list projects: {e}; no project key is in the report"
        )));
    }
    for p in &report.projects {
        if let Some(e) = &p.error {
            out.push(Warning::general(format!(
                "audit: cannot list the keys of project {}: {e}",
                p.id
            )));
        }
    }
    if let Some(e) = &report.admin_error {
        out.push(Warning::general(format!(
            "audit: cannot list admin keys: {e}; no admin key is in the report"
        )));
    }
    out
}
