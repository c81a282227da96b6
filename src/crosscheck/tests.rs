//! Cross-check against the in-memory Admin API: statuses, narrowing, partial failures.

use super::*;
use crate::fake::{FakeKeys, Family};
use crate::finding::{GitOrigin, Location};
use crate::mock::Redaction;
use crate::openai::memory::{InMemoryAdminApi, MemoryState};
use crate::openai::models::{AdminKeyOwner, OwnerUser};
use crate::openai::{AdminApiKey, ApiError, Project, ProjectApiKey, ProjectKeyOwner};
use crate::secret::Secret;
use std::sync::Mutex;

mod narrowing;

const OPTIONS: Options = Options { concurrency: 3 };

fn finding(key: &str, kind: &str, leaked_at: Option<i64>) -> Finding {
    let secret = Secret::new(key);
    Finding {
        rule: 0,
        rule_id: format!("openai.{kind}-key"),
        kind: kind.into(),
        fingerprint: secret.fingerprint(),
        redacted: secret.redacted(),
        secret,
        locations: vec![Location {
            path: ".env".into(),
            line: 1,
            column: 5,
            end_line: 1,
            end_column: 9,
            byte_offset: 4,
            line_hash: None,
            git: leaked_at.map(|time| GitOrigin {
                commit: "0123abcd".into(),
                time,
                ..GitOrigin::default()
            }),
            ..Default::default()
        }],
    }
}

fn project(id: &str, archived: bool) -> Project {
    Project {
        id: id.into(),
        name: Some(format!("name of {id}")),
        created_at: 1,
        archived_at: archived.then_some(5),
        status: Some(if archived { "archived" } else { "active" }.into()),
    }
}

fn key_record(id: &str, value: &str, created_at: i64) -> ProjectApiKey {
    ProjectApiKey {
        id: id.into(),
        redacted_value: Redaction::Stars.apply(value),
        name: Some(format!("name of {id}")),
        created_at,
        last_used_at: Some(created_at + 10),
        owner_project_access: Some("active".into()),
        owner: ProjectKeyOwner {
            kind: Some("user".into()),
            user: Some(OwnerUser {
                id: "user_1".into(),
                email: Some("ada@example.com".into()),
                name: Some("Ada".into()),
                role: Some("owner".into()),
                created_at: Some(1),
            }),
            service_account: None,
        },
    }
}

/// Two keys that share head, tail and length: what realistic tails make common.
fn twins(seed: u64) -> (String, String) {
    let mut gen = FakeKeys::new(seed);
    let a = gen.key_ending(Family::Project, 'A');
    let mut b = gen.key_ending(Family::Project, 'A');
    b.replace_range(b.len() - 4.., &a[a.len() - 4..]);
    (a, b)
}

/// A key `a` in `proj_a` and its twin (the same visible tail) in `proj_b`, both listed.
fn twin_projects(seed: u64) -> (String, InMemoryAdminApi) {
    let (a, b) = twins(seed);
    let api = api(
        vec![project("proj_a", false), project("proj_b", false)],
        vec![
            ("proj_a", key_record("key_a", &a, 100)),
            ("proj_b", key_record("key_b", &b, 100)),
        ],
    );
    (a, api)
}

fn api(projects: Vec<Project>, keys: Vec<(&str, ProjectApiKey)>) -> InMemoryAdminApi {
    let mut state = MemoryState {
        projects,
        ..MemoryState::default()
    };
    for (p, k) in keys {
        state.keys.entry(p.to_string()).or_default().push(k);
    }
    InMemoryAdminApi::new(state)
}

#[test]
fn one_matching_record_is_live_with_its_project_key_and_owner() {
    let key = FakeKeys::new(1).key(Family::Project);
    let other = FakeKeys::new(2).key(Family::Project);
    let api = api(
        vec![project("proj_a", false), project("proj_b", true)],
        vec![
            ("proj_a", key_record("key_other", &other, 100)),
            ("proj_b", key_record("key_1", &key, 100)),
        ],
    );
    let f = finding(&key, "project", None);
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    let check = report.get(&f).unwrap();
    assert_eq!(check.status, Status::Live);
    let a = check.attribution.as_ref().unwrap();
    assert_eq!(a.project_id.as_deref(), Some("proj_b"));
    assert_eq!(a.project_archived, Some(true));
    assert_eq!(a.key_id, "key_1");
    assert_eq!(a.owner_email.as_deref(), Some("ada@example.com"));
    assert_eq!((a.created_at, a.last_used_at), (100, Some(110)));
    assert_eq!(report.projects, 2);
    assert_eq!(report.keys_listed, 2);
    assert_eq!(report.counts().live, 1);
}

#[test]
fn several_matching_records_are_ambiguous_with_every_candidate() {
    let (a, api) = twin_projects(3);
    let f = finding(&a, "project", None);
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    let check = report.get(&f).unwrap();
    assert_eq!(check.status, Status::Ambiguous);
    let ids: Vec<&str> = check.candidates.iter().map(|c| c.key_id.as_str()).collect();
    assert_eq!(ids, vec!["key_a", "key_b"]);
    assert!(check.attribution.is_none());
    assert_eq!(report.counts().ambiguous, 1);
}

fn unavailable(endpoint: &str) -> ApiError {
    ApiError::RetriesExhausted {
        endpoint: endpoint.into(),
        attempts: 6,
        last: Box::new(ApiError::Status {
            endpoint: endpoint.into(),
            status: 503,
        }),
    }
}

#[test]
fn a_project_that_could_not_be_listed_makes_keys_error_never_not_found() {
    let key = FakeKeys::new(6).key(Family::Project);
    let unknown = FakeKeys::new(7).key(Family::Project);
    let api = api(
        vec![project("proj_a", false), project("proj_b", false)],
        vec![("proj_a", key_record("key_1", &key, 100))],
    );
    api.state
        .lock()
        .unwrap()
        .failures
        .insert("list_project_keys proj_b".into(), unavailable("GET /x"));
    let findings = vec![
        finding(&key, "project", None),
        finding(&unknown, "project", None),
    ];
    let report = cross_check(&findings, &api, None, OPTIONS);
    for f in &findings {
        let check = report.get(f).unwrap();
        assert_eq!(check.status, Status::Error);
        assert!(check
            .error
            .as_ref()
            .unwrap()
            .starts_with("project proj_b could not be listed"));
    }
    assert_eq!(report.get(&findings[0]).unwrap().candidates.len(), 1);
    assert_eq!(report.failed_projects, vec!["proj_b"]);
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].message.contains("proj_b"));
    assert!(report.auth_error.is_none());
}

#[test]
fn a_failed_project_listing_makes_every_project_key_error() {
    let key = FakeKeys::new(8).key(Family::Project);
    let api = api(vec![], vec![]);
    api.state.lock().unwrap().failures.insert(
        "list_projects".into(),
        unavailable("GET /organization/projects"),
    );
    let f = finding(&key, "project", None);
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    assert_eq!(report.get(&f).unwrap().status, Status::Error);
    assert_eq!(report.warnings.len(), 1);
}

#[test]
fn a_rejected_admin_key_stops_the_cross_check_and_marks_every_key_error() {
    let key = FakeKeys::new(9).key(Family::Project);
    let api = api(
        vec![project("proj_a", false), project("proj_b", false)],
        vec![],
    );
    api.state.lock().unwrap().failures.insert(
        "list_project_keys proj_a".into(),
        ApiError::AuthRejected {
            endpoint: "GET /organization/projects/proj_a/api_keys".into(),
            status: 403,
            kind: Some("invalid_request_error".into()),
            code: Some("insufficient_permissions".into()),
        },
    );
    let f = finding(&key, "project", None);
    let report = cross_check(
        std::slice::from_ref(&f),
        &api,
        None,
        Options { concurrency: 1 },
    );
    let message = report.auth_error.as_ref().unwrap();
    assert!(message.contains("403 invalid_request_error/insufficient_permissions"));
    assert_eq!(report.get(&f).unwrap().status, Status::Error);
    // With one worker, the listing stops at the rejection.
    let calls = api.state.lock().unwrap().calls.clone();
    assert_eq!(calls, vec!["list_projects", "list_project_keys proj_a"]);
}

fn admin_key(id: &str, value: &str) -> AdminApiKey {
    AdminApiKey {
        object: Some(AdminApiKey::OBJECT.into()),
        id: id.into(),
        name: Some("ops".into()),
        redacted_value: Redaction::Stars.apply(value),
        created_at: 10,
        expires_at: Some(99),
        last_used_at: None,
        owner: AdminKeyOwner {
            kind: Some("user".into()),
            id: Some("user_9".into()),
            name: Some("Grace".into()),
            role: Some("owner".into()),
            created_at: Some(1),
        },
    }
}

#[test]
fn admin_keys_are_matched_against_the_admin_listing_only() {
    let admin = FakeKeys::new(10).key(Family::Admin);
    let api = api(vec![project("proj_a", false)], vec![]);
    api.state.lock().unwrap().admin_keys = vec![admin_key("key_admin", &admin)];
    let f = finding(&admin, "admin", None);
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    let check = report.get(&f).unwrap();
    assert_eq!(check.status, Status::Live);
    let a = check.attribution.as_ref().unwrap();
    assert_eq!(
        (a.key_kind, a.project_id.as_deref()),
        (KeyKind::Admin, None)
    );
    assert_eq!(a.expires_at, Some(99));
    assert_eq!(
        api.state.lock().unwrap().calls,
        vec!["list_admin_keys"],
        "no project is listed for admin keys alone"
    );
    api.state
        .lock()
        .unwrap()
        .failures
        .insert("list_admin_keys".into(), unavailable("GET /a"));
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    assert_eq!(report.get(&f).unwrap().status, Status::Error);
}

#[test]
fn a_project_key_also_in_the_admin_listing_counts_once() {
    let key = FakeKeys::new(11).key(Family::Project);
    let api = api(
        vec![project("proj_a", false)],
        vec![("proj_a", key_record("key_1", &key, 100))],
    );
    let mut listed_twice = admin_key("key_1", &key);
    listed_twice.object = Some("organization.project.api_key".into());
    api.state.lock().unwrap().admin_keys = vec![listed_twice];
    let findings = vec![
        finding(&key, "project", None),
        finding(&FakeKeys::new(12).key(Family::Admin), "admin", None),
    ];
    let report = cross_check(&findings, &api, None, OPTIONS);
    let check = report.get(&findings[0]).unwrap();
    assert_eq!(check.status, Status::Live);
    assert_eq!(
        check.attribution.as_ref().unwrap().project_id.as_deref(),
        Some("proj_a")
    );
    assert_eq!(report.get(&findings[1]).unwrap().status, Status::NotFound);
}

#[test]
fn no_findings_means_no_requests() {
    let api = api(vec![project("proj_a", false)], vec![]);
    let report = cross_check(&[], &api, None, OPTIONS);
    assert!(report.checks.is_empty());
    assert!(api.state.lock().unwrap().calls.is_empty());
}

#[test]
fn an_unparsable_redacted_value_leaves_unmatched_keys_unchecked_not_absent() {
    let key = FakeKeys::new(13).key(Family::Project);
    let other = FakeKeys::new(14).key(Family::Project);
    let mut odd = key_record("key_odd", &other, 100);
    odd.redacted_value = "sk-proj-abcd".into();
    let api = api(
        vec![project("proj_a", false)],
        vec![("proj_a", key_record("key_1", &key, 100)), ("proj_a", odd)],
    );
    let findings = vec![
        finding(&key, "project", None),
        finding(&FakeKeys::new(15).key(Family::Project), "project", None),
    ];
    let report = cross_check(&findings, &api, None, OPTIONS);
    assert_eq!(report.get(&findings[0]).unwrap().status, Status::Live);
    let unmatched = report.get(&findings[1]).unwrap();
    assert_eq!(unmatched.status, Status::Error);
    assert!(unmatched
        .error
        .as_ref()
        .unwrap()
        .starts_with("1 listed keys have a redacted_value"));
    assert_eq!(report.warnings.len(), 1);
}

#[test]
fn a_listed_key_redacted_without_a_tail_is_never_named_as_the_leaked_key() {
    let key = FakeKeys::new(16).key(Family::Project);
    let other = FakeKeys::new(17).key(Family::Project);
    let mut blank = key_record("key_blank", &other, 100);
    blank.redacted_value = format!("sk-proj-{}", "*".repeat(other.len() - 8));
    let api = api(vec![project("proj_a", false)], vec![("proj_a", blank)]);
    let f = finding(&key, "project", None);
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    let check = report.get(&f).unwrap();
    // Unchecked (the listing cannot tell), never live: nothing would be revoked.
    assert_eq!(check.status, Status::Error);
    assert!(
        check.attribution.is_none() && check.candidates.iter().all(|c| c.key_id != "key_blank")
    );
}
