//! The HTTP client against the mock: pagination, filters, retries, errors, DELETEs, liveness.

use super::*;
use crate::mock::{Fault, FaultKind, MockServer, Org, OrgSpec};
use crate::openai::{ApiBase, HttpLiveness, LiveStatus, LivenessCheck, RetryPolicy};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        scale: 0.001,
        ..RetryPolicy::default()
    }
}

fn options(server: &MockServer) -> ClientOptions {
    ClientOptions {
        base: ApiBase::parse(&server.base_url()).unwrap(),
        retry: fast_retries(),
        ..ClientOptions::default()
    }
}

fn start(spec: OrgSpec) -> (MockServer, HttpAdminApi) {
    let org = Org::generate(&spec);
    let admin = org.admin_key.clone();
    let server = MockServer::start(org).unwrap();
    let api = HttpAdminApi::new(admin, options(&server));
    (server, api)
}

#[test]
fn lists_follow_after_until_has_more_is_false() {
    let (server, api) = start(OrgSpec {
        projects: 230,
        keys_per_project: 0,
        ..OrgSpec::default()
    });
    let projects = api.list_projects().unwrap();
    assert_eq!(projects.len(), 230);
    let queries: Vec<String> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        vec![
            "limit=100&include_archived=true",
            "limit=100&include_archived=true&after=proj_00099",
            "limit=100&include_archived=true&after=proj_00199",
        ]
    );

    let (server, api) = start(OrgSpec {
        projects: 1,
        keys_per_project: 1050,
        ..OrgSpec::default()
    });
    let keys = api.list_project_keys("proj_00000").unwrap();
    assert_eq!(keys.len(), 1050);
    let ids: std::collections::HashSet<&str> = keys.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids.len(), 1050);
    let log = server.requests();
    assert_eq!(log.len(), 11);
    assert_eq!(
        log[10].query,
        "limit=100&owner_project_access=any&after=key_00000_00999"
    );
    assert!(log.iter().all(
        |r| r.path == "/v1/organization/projects/proj_00000/api_keys"
            && r.query.starts_with("limit=100&owner_project_access=any")
    ));
}

#[test]
fn archived_projects_and_keys_of_owners_without_access_are_listed() {
    let (server, api) = start(OrgSpec {
        projects: 4,
        archived_every: 2,
        ..OrgSpec::default()
    });
    server.with_org(|o| o.projects[0].keys[1].owner_has_access = false);
    let projects = api.list_projects().unwrap();
    assert_eq!(projects.iter().filter(|p| p.is_archived()).count(), 2);
    let keys = api.list_project_keys("proj_00000").unwrap();
    assert_eq!(keys.len(), 4);
    assert_eq!(keys[1].owner_project_access.as_deref(), Some("inactive"));
}

#[test]
fn rate_limits_and_server_errors_are_retried_as_the_server_asks() {
    let (server, api) = start(OrgSpec::default());
    let path = "/v1/organization/projects";
    server.inject(Fault::new(
        path,
        1,
        FaultKind::RateLimit {
            retry_after: Some("1".into()),
            retry_after_ms: None,
        },
    ));
    server.inject(Fault::new(
        path,
        1,
        FaultKind::RateLimit {
            retry_after: None,
            retry_after_ms: Some("20".into()),
        },
    ));
    server.inject(Fault::new(path, 1, FaultKind::Status(503)));
    server.inject(Fault::new(path, 1, FaultKind::Close));
    assert_eq!(api.list_projects().unwrap().len(), 3);
    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![429, 429, 503, 0, 200]);
    assert_eq!(api.requests(), 5);
}

#[test]
fn persistent_failures_give_up_after_the_retry_budget() {
    let (server, api) = start(OrgSpec::default());
    server.inject(Fault::new(
        "/v1/organization/projects",
        100,
        FaultKind::Status(500),
    ));
    let err = api.list_projects().unwrap_err();
    match &err {
        ApiError::RetriesExhausted { attempts, last, .. } => {
            assert_eq!(*attempts, 6);
            assert!(matches!(**last, ApiError::Status { status: 500, .. }));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 6);
    assert!(err
        .to_string()
        .starts_with("GET /organization/projects: gave up after 6"));
}

#[test]
fn a_wrong_admin_key_is_rejected_once_with_the_api_code() {
    let (server, _) = start(OrgSpec::default());
    let wrong = Secret::new(crate::fake::FakeKeys::new(99).key(crate::fake::Family::Admin));
    let api = HttpAdminApi::new(wrong.clone(), options(&server));
    let err = api.list_projects().unwrap_err();
    assert!(err.is_auth());
    assert_eq!(
        err,
        ApiError::AuthRejected {
            endpoint: "GET /organization/projects".into(),
            status: 401,
            kind: Some("invalid_request_error".into()),
            code: Some("invalid_api_key".into()),
        }
    );
    assert_eq!(server.requests().len(), 1);
    assert!(!err.to_string().contains(wrong.expose()));
}

#[test]
fn a_malformed_body_names_the_endpoint_and_not_the_body() {
    let (server, api) = start(OrgSpec::default());
    server.inject(Fault::new(
        "/v1/organization/projects/proj_00001/api_keys",
        1,
        FaultKind::Malformed,
    ));
    let err = api.list_project_keys("proj_00001").unwrap_err();
    assert_eq!(
        err.to_string(),
        "GET /organization/projects/proj_00001/api_keys: malformed response: \
         unexpected data error at line 1 column 34"
    );
}

#[test]
fn redirects_are_not_followed() {
    let (server, api) = start(OrgSpec::default());
    let elsewhere = MockServer::start(Org::generate(&OrgSpec::default())).unwrap();
    for status in [301, 302, 307, 308] {
        server.inject(Fault::new(
            "/v1/organization/projects",
            1,
            FaultKind::Redirect {
                status,
                location: format!("{}/organization/projects", elsewhere.base_url()),
            },
        ));
        let err = api.list_projects().unwrap_err();
        assert_eq!(
            err,
            ApiError::Redirected {
                endpoint: "GET /organization/projects".into(),
                status
            }
        );
    }
    assert_eq!(server.requests().len(), 4);
    assert!(elsewhere.requests().is_empty());
}

#[test]
fn a_slow_answer_times_out_and_is_retried() {
    let (server, _) = start(OrgSpec::default());
    let api = HttpAdminApi::new(
        server.with_org(|o| o.admin_key.clone()),
        ClientOptions {
            timeout: Duration::from_millis(300),
            retry: RetryPolicy {
                max_retries: 1,
                ..fast_retries()
            },
            ..options(&server)
        },
    );
    server.inject(Fault::new(
        "/v1/organization/projects",
        1,
        FaultKind::Delay(Duration::from_secs(2)),
    ));
    assert_eq!(api.list_projects().unwrap().len(), 3);
    server.inject(Fault::new(
        "/v1/organization/projects",
        2,
        FaultKind::Delay(Duration::from_secs(2)),
    ));
    let err = api.list_projects().unwrap_err();
    assert!(
        matches!(&err, ApiError::RetriesExhausted { last, .. } if matches!(**last, ApiError::Timeout { .. })),
        "{err:?}"
    );
}

#[test]
fn admin_keys_are_deduplicated_and_project_keys_among_them_are_marked() {
    let (server, api) = start(OrgSpec {
        admin_keys: 3,
        ..OrgSpec::default()
    });
    server.with_org(|o| o.admin_listing_includes = Some("key_00000_00001".into()));
    let keys = api.list_admin_keys().unwrap();
    assert_eq!(keys.len(), 4);
    assert_eq!(keys.iter().filter(|k| k.is_admin_key()).count(), 3);
    assert_eq!(
        keys[0].expires_at,
        Some(crate::mock::org::EPOCH + 90 * 86_400)
    );
}

#[test]
fn deletes_change_the_state_and_map_400_and_404() {
    let (server, api) = start(OrgSpec {
        service_account_every: 2,
        admin_keys: 2,
        ..OrgSpec::default()
    });
    // key 0 and 2 belong to service accounts, 1 and 3 to users.
    let d = api
        .delete_project_key("proj_00000", "key_00000_00001")
        .result
        .unwrap();
    assert_eq!(d.object, "organization.project.api_key.deleted");
    assert!(d.deleted);
    let left: Vec<String> = api
        .list_project_keys("proj_00000")
        .unwrap()
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(
        left,
        vec!["key_00000_00000", "key_00000_00002", "key_00000_00003"]
    );
    let again = api.delete_project_key("proj_00000", "key_00000_00001");
    assert!(again.result.unwrap_err().is_not_found());
    assert_eq!(again.trace.status, Some(404));
    assert!(matches!(
        api.delete_project_key("proj_00000", "key_00000_00000")
            .result,
        Err(ApiError::BadRequest { .. })
    ));
    let accounts = api.list_service_accounts("proj_00000").unwrap();
    assert_eq!(accounts.len(), 2);
    let d = api
        .delete_service_account("proj_00000", &accounts[0].id)
        .result
        .unwrap();
    assert_eq!(d.object, "organization.project.service_account.deleted");
    assert_eq!(api.list_project_keys("proj_00000").unwrap().len(), 2);
    assert_eq!(api.list_service_accounts("proj_00000").unwrap().len(), 1);
    let d = api.delete_admin_key("key_admin_000").result.unwrap();
    assert_eq!(d.object, "organization.admin_api_key.deleted");
    assert_eq!(api.list_admin_keys().unwrap().len(), 1);
    assert!(api
        .delete_admin_key("key_admin_000")
        .result
        .unwrap_err()
        .is_not_found());
    let methods: Vec<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert!(methods.contains(&"DELETE".to_string()));
}

#[test]
fn the_organization_header_is_sent_only_when_set() {
    let (server, api) = start(OrgSpec::default());
    api.list_projects().unwrap();
    assert_eq!(server.requests()[0].header("openai-organization"), None);
    server.with_org(|o| o.organization_id = Some("org_123".into()));
    let with_org = |org: &str| {
        HttpAdminApi::new(
            server.with_org(|o| o.admin_key.clone()),
            ClientOptions {
                organization: Some(org.into()),
                ..options(&server)
            },
        )
    };
    server.clear_requests();
    with_org("org_123").list_projects().unwrap();
    assert_eq!(
        server.requests()[0].header("openai-organization"),
        Some("org_123")
    );
    let err = with_org("org_other").list_projects().unwrap_err();
    assert!(
        matches!(err, ApiError::AuthRejected { code: Some(ref c), .. } if c == "mismatched_organization")
    );
}

#[test]
fn the_verbose_log_has_one_line_per_attempt_and_no_header_value() {
    let (server, _) = start(OrgSpec::default());
    let admin = server.with_org(|o| o.admin_key.clone());
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let api = HttpAdminApi::new(
        admin.clone(),
        ClientOptions {
            log: Some(Arc::new(move |l: &str| {
                sink.lock().unwrap().push(l.to_string())
            })),
            ..options(&server)
        },
    );
    server.inject(Fault::new(
        "/v1/organization/projects",
        1,
        FaultKind::Status(502),
    ));
    api.list_projects().unwrap();
    let lines = lines.lock().unwrap().clone();
    assert_eq!(
        lines,
        vec![
            "keyhound: api: GET /v1/organization/projects?limit=100&include_archived=true -> 502 \
             (x-request-id req_000001, attempt 1)",
            "keyhound: api: GET /v1/organization/projects?limit=100&include_archived=true -> 200 \
             (x-request-id req_000002, attempt 2)",
        ]
    );
    for l in &lines {
        assert!(!l.contains(admin.expose()) && !l.contains("Bearer"));
    }
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
}

#[test]
fn liveness_tells_live_revoked_other_project_and_out_of_quota() {
    let (server, api) = start(OrgSpec::default());
    let live = HttpLiveness::new(options(&server));
    let (key, other) = server.with_org(|o| {
        o.projects[1].keys[2].out_of_quota = true;
        (
            o.projects[0].keys[0].value.clone(),
            o.projects[1].keys[2].value.clone(),
        )
    });
    assert_eq!(live.check(&key, None), LiveStatus::Live);
    assert_eq!(live.check(&key, Some("proj_00000")), LiveStatus::Live);
    assert_eq!(
        live.check(&key, Some("proj_00001")),
        LiveStatus::MismatchedProject
    );
    server.clear_requests();
    assert_eq!(live.check(&other, None), LiveStatus::Live);
    assert_eq!(
        server.requests().len(),
        1,
        "insufficient_quota is not retried"
    );
    api.delete_project_key("proj_00000", "key_00000_00000")
        .result
        .unwrap();
    assert_eq!(live.check(&key, None), LiveStatus::Revoked);
    server.inject(Fault::new("/v1/models", 100, FaultKind::Status(503)));
    assert_eq!(live.check(&other, None), LiveStatus::Unknown);
    let log = server.requests();
    assert!(log
        .iter()
        .all(|r| r.path == "/v1/models" || r.method == "DELETE"));
}
