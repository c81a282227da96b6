//! The organization's inventory: every project (archived included), each project's keys, and
//! the admin keys, fetched with bounded concurrency.
//!
//! Stage: cross-check (and audit, which reads the [`Listing`] whole). Calls [`AdminApi`] only. A listing that fails after retries is kept as
//! a failure (the keys that could be there become `error`, never `not_found`); a rejected
//! admin key stops everything.

use super::index::KeyRecord;
use super::redacted::Redacted;
use super::{pool, Attribution, KeyKind};
use crate::finding::{Finding, Warning};
use crate::openai::{AdminApi, AdminApiKey, ApiError, Project, ProjectApiKey};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

/// Which listings the findings call for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// Some finding is not an admin key: list projects and their keys.
    pub projects: bool,
    /// Some finding is an admin key: list admin keys.
    pub admin: bool,
}

impl Needs {
    pub fn of(findings: &[Finding]) -> Needs {
        Needs {
            projects: findings.iter().any(|f| !is_admin_finding(f)),
            admin: findings.iter().any(is_admin_finding),
        }
    }
}

/// True for a finding of the admin-key family.
pub fn is_admin_finding(f: &Finding) -> bool {
    f.kind == "admin"
}

/// A project whose keys could not be listed.
#[derive(Debug, Clone)]
pub struct ProjectFailure {
    pub project_id: String,
    pub error: ApiError,
}

/// What was listed, and what could not be.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub records: Vec<KeyRecord>,
    /// Projects listed.
    pub projects: usize,
    pub failures: Vec<ProjectFailure>,
    /// The project listing itself failed: no project key can be concluded on.
    pub projects_error: Option<ApiError>,
    /// The admin-key listing failed.
    pub admin_error: Option<ApiError>,
    /// Listed project keys whose `redacted_value` holds no mask: they can match nothing, so
    /// a project key that matches nothing may still be one of them.
    pub unparsable_project: usize,
    /// The same for admin keys.
    pub unparsable_admin: usize,
}

impl Inventory {
    /// One warning per failed listing.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        let mut push = |message: String| out.push(Warning::general(message));
        if let Some(e) = &self.projects_error {
            push(format!("cross-check: cannot list projects: {e}"));
        }
        for f in &self.failures {
            push(format!(
                "cross-check: cannot list the keys of project {}: {}",
                f.project_id, f.error
            ));
        }
        if let Some(e) = &self.admin_error {
            push(format!("cross-check: cannot list admin keys: {e}"));
        }
        let unparsable = self.unparsable_project + self.unparsable_admin;
        if unparsable > 0 {
            push(format!(
                "cross-check: {unparsable} listed keys have a redacted_value keyhound cannot \
                 parse; they can match no found key"
            ));
        }
        out
    }
}

/// One listed project and what listing its keys gave (`K`: the keys as listed, or what
/// [`list_with`] made of them).
#[derive(Debug, Clone)]
pub struct ProjectListing<K = Vec<ProjectApiKey>> {
    pub project: Project,
    pub keys: Result<K, ApiError>,
}

/// The listings as the API gave them, before any matching: what `audit` reads whole and
/// what [`fetch`] turns into cross-check records.
#[derive(Debug, Clone)]
pub struct Listing<K = Vec<ProjectApiKey>> {
    /// Every listed project (archived included), in listing order, with its keys.
    pub projects: Vec<ProjectListing<K>>,
    /// The project listing itself failed (then `projects` is empty).
    pub projects_error: Option<ApiError>,
    /// The admin-key listing, when `needs.admin` asked for it.
    pub admin: Option<Result<Vec<AdminApiKey>, ApiError>>,
}

enum Job {
    Admin,
    Project(Project),
}

enum Done<K> {
    Admin(Result<Vec<AdminApiKey>, ApiError>),
    Project(Project, Result<K, ApiError>),
    Skipped,
}

/// Lists what `needs` asks for with at most `concurrency` requests at once: the projects
/// first, then every project's keys and the admin keys side by side. A listing that fails
/// after the client's retries is kept in the [`Listing`] as its error; `Err` only for a
/// rejected admin key (the remaining requests are then skipped).
pub fn list(api: &dyn AdminApi, needs: Needs, concurrency: usize) -> Result<Listing, ApiError> {
    list_with(api, needs, concurrency, |_, keys| keys)
}

/// As [`list`], with each project's keys handed to `convert` on the worker that listed them,
/// so that the listings of a large organization are never all held as they came.
pub fn list_with<K: Send>(
    api: &dyn AdminApi,
    needs: Needs,
    concurrency: usize,
    convert: impl Fn(&Project, Vec<ProjectApiKey>) -> K + Sync,
) -> Result<Listing<K>, ApiError> {
    let mut listing = Listing {
        projects: Vec::new(),
        projects_error: None,
        admin: None,
    };
    let mut jobs = Vec::new();
    if needs.admin {
        jobs.push(Job::Admin);
    }
    if needs.projects {
        match api.list_projects() {
            Ok(projects) => jobs.extend(projects.into_iter().map(Job::Project)),
            Err(e) if e.is_auth() => return Err(e),
            Err(e) => listing.projects_error = Some(e),
        }
    }
    let abort = AtomicBool::new(false);
    let done = pool::run(concurrency, &jobs, |job| {
        if abort.load(Ordering::Relaxed) {
            return Done::Skipped;
        }
        let d = match job {
            Job::Admin => Done::Admin(api.list_admin_keys()),
            Job::Project(p) => Done::Project(
                p.clone(),
                api.list_project_keys(&p.id).map(|keys| convert(p, keys)),
            ),
        };
        if let Done::Admin(Err(e)) | Done::Project(_, Err(e)) = &d {
            if e.is_auth() {
                abort.store(true, Ordering::Relaxed);
            }
        }
        d
    });
    for d in done {
        match d {
            Done::Skipped => {}
            Done::Admin(Err(e)) | Done::Project(_, Err(e)) if e.is_auth() => return Err(e),
            Done::Admin(admin) => listing.admin = Some(admin),
            Done::Project(project, keys) => listing.projects.push(ProjectListing { project, keys }),
        }
    }
    Ok(listing)
}

/// Lists what `needs` asks for (see [`list`]) and turns it into cross-check records. `Err`
/// only for a rejected admin key.
pub fn fetch(api: &dyn AdminApi, needs: Needs, concurrency: usize) -> Result<Inventory, ApiError> {
    let listing = list(api, needs, concurrency)?;
    let mut inv = Inventory {
        projects: listing.projects.len(),
        projects_error: listing.projects_error,
        ..Inventory::default()
    };
    let mut project_key_ids = HashSet::new();
    for ProjectListing { project, keys } in listing.projects {
        match keys {
            Err(error) => inv.failures.push(ProjectFailure {
                project_id: project.id,
                error,
            }),
            Ok(keys) => {
                for k in keys {
                    project_key_ids.insert(k.id.clone());
                    let redacted = k.redacted_value.clone();
                    push(&mut inv, &redacted, project_record(&project, k));
                }
            }
        }
    }
    let admin_listing = match listing.admin {
        Some(Ok(keys)) => keys,
        Some(Err(e)) => {
            inv.admin_error = Some(e);
            Vec::new()
        }
        None => Vec::new(),
    };
    // The admin listing has returned project keys too; a key listed under its project is
    // kept once, with its project.
    for k in admin_listing {
        if !project_key_ids.contains(&k.id) {
            let redacted = k.redacted_value.clone();
            push(&mut inv, &redacted, admin_record(k));
        }
    }
    Ok(inv)
}

fn push(inv: &mut Inventory, redacted: &str, attribution: Attribution) {
    match Redacted::parse(redacted) {
        Some(redacted) => inv.records.push(KeyRecord {
            redacted,
            attribution,
        }),
        None if attribution.key_kind == KeyKind::Admin => inv.unparsable_admin += 1,
        None => inv.unparsable_project += 1,
    }
}

/// Whose project key `k` of project `p` is.
pub fn project_record(p: &Project, k: ProjectApiKey) -> Attribution {
    let owner = &k.owner;
    let (owner_id, owner_name, owner_email) = match (&owner.user, &owner.service_account) {
        (Some(u), _) => (Some(u.id.clone()), u.name.clone(), u.email.clone()),
        (None, Some(s)) => (Some(s.id.clone()), s.name.clone(), None),
        (None, None) => (None, None, None),
    };
    Attribution {
        key_kind: KeyKind::Project,
        project_id: Some(p.id.clone()),
        project_name: p.name.clone(),
        project_archived: Some(p.is_archived()),
        key_id: k.id,
        key_name: k.name,
        owner_type: owner.kind.clone(),
        owner_id,
        owner_name,
        owner_email,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
        expires_at: None,
    }
}

/// Whose key `k` of the admin listing is (a project key there has no project).
pub fn admin_record(k: AdminApiKey) -> Attribution {
    Attribution {
        key_kind: if k.is_admin_key() {
            KeyKind::Admin
        } else {
            KeyKind::Project
        },
        project_id: None,
        project_name: None,
        project_archived: None,
        key_id: k.id,
        key_name: k.name,
        owner_type: k.owner.kind,
        owner_id: k.owner.id,
        owner_name: k.owner.name,
        owner_email: None,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
        expires_at: k.expires_at,
    }
}
