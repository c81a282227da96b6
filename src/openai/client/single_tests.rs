//! The client's calls for one object (GET and DELETE by id) and their traces: the status
//! and `x-request-id` an audit log records.

use super::*;
use crate::mock::{Fault, FaultKind, MockServer, Org, OrgSpec};
use crate::openai::{ApiBase, RetryPolicy};

fn options(server: &MockServer) -> ClientOptions {
    ClientOptions {
        base: ApiBase::parse(&server.base_url()).unwrap(),
        retry: RetryPolicy {
            scale: 0.001,
            ..RetryPolicy::default()
        },
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
fn single_objects_are_fetched_by_id_with_the_reply_s_status_and_request_id() {
    let (server, api) = start(OrgSpec {
        service_account_every: 2,
        ..OrgSpec::default()
    });
    let got = api.get_project_key("proj_00001", "key_00001_00001");
    let key = got.result.unwrap();
    assert_eq!(key.id, "key_00001_00001");
    assert_eq!(key.owner.kind.as_deref(), Some("user"));
    assert_eq!(got.trace.status, Some(200));
    assert_eq!(got.trace.request_id.as_deref(), Some("req_000001"));
    let admin = api.get_admin_key("key_admin_000").result.unwrap();
    assert!(admin.is_admin_key());
    let sa = api
        .get_service_account("proj_00001", "svc_acct_00001_00000")
        .result
        .unwrap();
    assert_eq!(sa.id, "svc_acct_00001_00000");
    for missing in [
        api.get_project_key("proj_00001", "key_nope")
            .result
            .map(|_| ()),
        api.get_project_key("proj_nope", "key_00001_00001")
            .result
            .map(|_| ()),
        api.get_admin_key("key_nope").result.map(|_| ()),
        api.get_service_account("proj_00001", "svc_nope")
            .result
            .map(|_| ()),
    ] {
        assert!(missing.unwrap_err().is_not_found());
    }
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        &paths[..3],
        [
            "/v1/organization/projects/proj_00001/api_keys/key_00001_00001",
            "/v1/organization/admin_api_keys/key_admin_000",
            "/v1/organization/projects/proj_00001/service_accounts/svc_acct_00001_00000",
        ]
    );
}

#[test]
fn a_call_whose_retries_run_out_keeps_the_last_reply_s_trace() {
    let (server, api) = start(OrgSpec::default());
    let path = "/v1/organization/projects/proj_00000/api_keys/key_00000_00001";
    server.inject(Fault::new(path, 100, FaultKind::Status(503)));
    let done = api.delete_project_key("proj_00000", "key_00000_00001");
    assert!(matches!(
        done.result,
        Err(ApiError::RetriesExhausted { attempts: 6, .. })
    ));
    assert_eq!(done.trace.status, Some(503));
    assert_eq!(done.trace.request_id.as_deref(), Some("req_000006"));
    assert_eq!(
        done.result.unwrap_err().status(),
        Some(503),
        "the error says the last status too"
    );
}

#[test]
fn deleting_the_admin_key_in_use_makes_the_mock_refuse_it_afterwards() {
    let mut org = Org::generate(&OrgSpec::default());
    let mut in_use = org.admin_keys[0].clone();
    in_use.id = "key_admin_in_use".into();
    in_use.value = org.admin_key.clone();
    org.admin_keys.push(in_use);
    let admin = org.admin_key.clone();
    let server = MockServer::start(org).unwrap();
    let api = HttpAdminApi::new(admin, options(&server));
    assert!(api.delete_admin_key("key_admin_in_use").result.is_ok());
    assert!(api.list_projects().unwrap_err().is_auth());
}
