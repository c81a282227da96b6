use super::flags::{Flag, Thresholds, DAY};
use super::*;
use crate::crosscheck::KeyKind;
use crate::fake::{FakeKeys, Family};
use crate::mock::Redaction;
use crate::openai::memory::{InMemoryAdminApi, MemoryState};
use crate::openai::models::{AdminKeyOwner, OwnerServiceAccount, OwnerUser};
use crate::openai::{AdminApiKey, Project, ProjectApiKey, ProjectKeyOwner};

pub(super) const NOW: i64 = 1_719_187_200; // 2024-06-24T00:00:00Z

pub(super) fn thresholds() -> Thresholds {
    Thresholds {
        now: NOW,
        stale_days: 90,
        max_keys_per_owner: 3,
    }
}

pub(super) fn options() -> Options {
    Options {
        thresholds: thresholds(),
        concurrency: 3,
    }
}

pub(super) fn project(id: &str, archived: bool) -> Project {
    Project {
        id: id.into(),
        name: Some(format!("Name of {id}")),
        created_at: NOW - 500 * DAY,
        archived_at: archived.then_some(NOW - 10 * DAY),
        status: Some(if archived { "archived" } else { "active" }.into()),
    }
}

pub(super) fn user(id: &str) -> ProjectKeyOwner {
    ProjectKeyOwner {
        kind: Some("user".into()),
        user: Some(OwnerUser {
            id: id.into(),
            email: Some(format!("{id}@example.com")),
            name: Some(format!("User {id}")),
            role: None,
            created_at: None,
        }),
        service_account: None,
    }
}

pub(super) fn key(
    id: &str,
    owner: ProjectKeyOwner,
    last_used_days_ago: Option<i64>,
) -> ProjectApiKey {
    let value = FakeKeys::new(id.len() as u64).key(Family::Project);
    ProjectApiKey {
        id: id.into(),
        redacted_value: Redaction::Stars.apply(&value),
        name: Some(format!("key {id}")),
        created_at: NOW - 200 * DAY,
        last_used_at: last_used_days_ago.map(|d| NOW - d * DAY),
        owner_project_access: Some("active".into()),
        owner,
    }
}

pub(super) fn admin_key(id: &str, value: &str, expires: bool) -> AdminApiKey {
    AdminApiKey {
        object: Some(AdminApiKey::OBJECT.into()),
        id: id.into(),
        name: Some(format!("admin {id}")),
        redacted_value: Redaction::Stars.apply(value),
        created_at: NOW - 20 * DAY,
        expires_at: expires.then_some(NOW + 30 * DAY),
        last_used_at: Some(NOW - DAY),
        owner: AdminKeyOwner {
            kind: Some("user".into()),
            id: Some("user_owner".into()),
            name: Some("Owner".into()),
            ..AdminKeyOwner::default()
        },
    }
}

/// proj_a: a fresh key, a stale one, an orphaned one, a service account's never-used key;
/// proj_b (archived): one recent key; proj_c: four keys of one user (more than 3);
/// two admin keys, the first the one in use.
pub(super) fn org() -> (MemoryState, crate::secret::Secret) {
    let mut s = MemoryState {
        projects: vec![
            project("proj_a", false),
            project("proj_b", true),
            project("proj_c", false),
        ],
        ..MemoryState::default()
    };
    let mut orphan = key("key_orphan", user("user_gone"), Some(2));
    orphan.owner_project_access = Some("inactive".into());
    let svc = ProjectKeyOwner {
        kind: Some("service_account".into()),
        user: None,
        service_account: Some(OwnerServiceAccount {
            id: "svc_1".into(),
            name: Some("deploy bot".into()),
            role: None,
            created_at: None,
        }),
    };
    s.keys.insert(
        "proj_a".into(),
        vec![
            key("key_fresh", user("user_1"), Some(1)),
            key("key_stale", user("user_1"), Some(120)),
            orphan,
            key("key_svc", svc, None),
        ],
    );
    s.keys.insert(
        "proj_b".into(),
        vec![key("key_arch", user("user_2"), Some(3))],
    );
    s.keys.insert(
        "proj_c".into(),
        (0..4)
            .map(|i| key(&format!("key_many_{i}"), user("user_3"), Some(5)))
            .collect(),
    );
    let in_use = FakeKeys::new(99).key_ending(Family::Admin, 'A');
    let other = FakeKeys::new(98).key_ending(Family::Admin, 'Q');
    s.admin_keys = vec![
        admin_key("key_admin_in_use", &in_use, true),
        admin_key("key_admin_forever", &other, false),
    ];
    (s, crate::secret::Secret::new(in_use))
}

fn flags_of(r: &AuditReport, id: &str) -> Vec<&'static str> {
    let k = r
        .keys
        .iter()
        .find(|k| k.key.key_id == id)
        .unwrap_or_else(|| panic!("no key {id}"));
    k.flags.iter().map(|f| f.flag.id()).collect()
}

#[test]
fn every_key_of_the_organization_is_listed_and_flagged() {
    let (state, in_use) = org();
    let api = InMemoryAdminApi::new(state);
    let r = run(&api, Some(&in_use), options()).unwrap();
    assert!(r.complete() && r.warnings.is_empty());
    assert_eq!(r.keys.len(), 11);
    assert_eq!(r.projects.len(), 3);
    assert_eq!(flags_of(&r, "key_fresh"), Vec::<&str>::new());
    assert_eq!(flags_of(&r, "key_stale"), vec!["stale"]);
    assert_eq!(flags_of(&r, "key_orphan"), vec!["orphaned"]);
    assert_eq!(flags_of(&r, "key_svc"), vec!["stale", "never-used"]);
    assert_eq!(flags_of(&r, "key_arch"), vec!["archived-project"]);
    assert_eq!(flags_of(&r, "key_many_0"), vec!["many-keys-per-owner"]);
    assert_eq!(flags_of(&r, "key_admin_in_use"), Vec::<&str>::new());
    assert_eq!(flags_of(&r, "key_admin_forever"), vec!["admin-no-expiry"]);
    let many = r
        .keys
        .iter()
        .find(|k| k.key.key_id == "key_many_3")
        .unwrap();
    assert_eq!(
        many.flags[0].reason,
        "user user_3 holds 4 keys in this project (more than 3)"
    );
    let svc = r.keys.iter().find(|k| k.key.key_id == "key_svc").unwrap();
    assert_eq!(svc.service_account_id.as_deref(), Some("svc_1"));
    assert_eq!(svc.key.owner_type.as_deref(), Some("service_account"));
    let admin: Vec<bool> = r
        .keys
        .iter()
        .filter(|k| k.key.key_kind == KeyKind::Admin)
        .map(|k| k.admin_key_in_use)
        .collect();
    assert_eq!(admin.iter().filter(|&&b| b).count(), 1);
    // Shown redacted forms hold 8 + 4 characters at most.
    for k in &r.keys {
        let shown = k.redacted.as_deref().unwrap();
        assert_eq!(shown.chars().count(), 13, "{shown}");
    }
}

#[test]
fn many_keys_per_owner_starts_above_the_maximum() {
    for (max, flagged) in [(3, true), (4, false), (5, false)] {
        let (state, _) = org();
        let api = InMemoryAdminApi::new(state);
        let mut o = options();
        o.thresholds.max_keys_per_owner = max;
        let r = run(&api, None, o).unwrap();
        let n = r
            .keys
            .iter()
            .filter(|k| k.has(Flag::ManyKeysPerOwner))
            .count();
        assert_eq!(n, if flagged { 4 } else { 0 }, "max {max}");
    }
}

#[test]
fn groups_and_keys_come_riskiest_first() {
    let (state, in_use) = org();
    let r = run(&InMemoryAdminApi::new(state), Some(&in_use), options()).unwrap();
    let order: Vec<&str> = r.keys.iter().map(|k| k.key.key_id.as_str()).collect();
    assert_eq!(
        order,
        vec![
            // proj_a: riskiest key 3 (orphaned; stale + never-used), total 8. Equal risks:
            // the never-used key first, then the longest unused.
            "key_svc",
            "key_orphan",
            "key_stale",
            "key_fresh",
            // proj_b: 3, total 3; ties with the admin keys, and projects come first.
            "key_arch",
            "key_admin_forever",
            "key_admin_in_use",
            // proj_c: 1 each, total 4.
            "key_many_0",
            "key_many_1",
            "key_many_2",
            "key_many_3",
        ]
    );
    let projects: Vec<&str> = r.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(projects, vec!["proj_a", "proj_b", "proj_c"]);
}

#[test]
fn a_failed_listing_is_a_warning_and_makes_the_audit_incomplete() {
    let (mut state, _) = org();
    state.failures.insert(
        "list_project_keys proj_b".into(),
        ApiError::Status {
            endpoint: "GET /organization/projects/proj_b/api_keys".into(),
            status: 500,
        },
    );
    state.failures.insert(
        "list_admin_keys".into(),
        ApiError::Timeout {
            endpoint: "GET /organization/admin_api_keys".into(),
        },
    );
    let r = run(&InMemoryAdminApi::new(state), None, options()).unwrap();
    assert!(!r.complete());
    assert_eq!(r.failed_listings(), 2);
    assert_eq!(r.keys.len(), 8, "the other projects' keys are all there");
    let messages: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "audit: cannot list the keys of project proj_b: \
             GET /organization/projects/proj_b/api_keys: unexpected status 500",
            "audit: cannot list admin keys: GET /organization/admin_api_keys: timed out; \
             no admin key is in the report",
        ]
    );
    assert_eq!(r.projects.last().map(|p| p.id.as_str()), Some("proj_b"));

    let (mut state, _) = org();
    state.failures.insert(
        "list_projects".into(),
        ApiError::Timeout {
            endpoint: "GET /organization/projects".into(),
        },
    );
    let r = run(&InMemoryAdminApi::new(state), None, options()).unwrap();
    assert!(!r.complete());
    assert_eq!(r.keys.len(), 2, "only the admin keys");
}

#[test]
fn a_rejected_admin_key_stops_the_audit() {
    let (mut state, _) = org();
    state.failures.insert(
        "list_project_keys proj_a".into(),
        ApiError::AuthRejected {
            endpoint: "GET /organization/projects/proj_a/api_keys".into(),
            status: 403,
            kind: None,
            code: None,
        },
    );
    let err = run(&InMemoryAdminApi::new(state), None, options()).unwrap_err();
    assert!(err.is_auth());
}

#[test]
fn a_project_key_in_the_admin_listing_is_kept_once_under_its_project() {
    let (mut state, in_use) = org();
    let listed = state.keys["proj_a"][0].clone();
    state.admin_keys.push(AdminApiKey {
        object: Some("organization.project.api_key".into()),
        id: listed.id.clone(),
        name: listed.name.clone(),
        redacted_value: listed.redacted_value.clone(),
        created_at: listed.created_at,
        expires_at: None,
        last_used_at: listed.last_used_at,
        owner: AdminKeyOwner::default(),
    });
    let r = run(&InMemoryAdminApi::new(state), Some(&in_use), options()).unwrap();
    assert_eq!(r.keys.len(), 11);
}

#[test]
fn a_listed_value_is_shown_as_8_and_4_characters_at_most_and_never_without_a_mask() {
    let (mut state, _) = org();
    let full = FakeKeys::new(7).key(Family::Project);
    let keys = state.keys.get_mut("proj_a").unwrap();
    // A listing that (wrongly) shows the whole key, or far more than 8 + 4 characters.
    keys[0].redacted_value = full.clone();
    keys[1].redacted_value = format!("{}***{}", &full[..40], &full[full.len() - 30..]);
    let r = run(&InMemoryAdminApi::new(state), None, options()).unwrap();
    let shown = |id: &str| {
        r.keys
            .iter()
            .find(|k| k.key.key_id == id)
            .unwrap()
            .redacted
            .clone()
    };
    assert_eq!(shown("key_fresh"), None);
    assert_eq!(
        shown("key_stale"),
        Some(format!("{}…{}", &full[..8], &full[full.len() - 4..]))
    );
}
