//! The mock on the wire, with raw HTTP/1.1: defaults and errors the client never asks for.

use super::*;
use serde_json::Value;
use std::io::{Read, Write};

fn get(server: &MockServer, path: &str, auth: Option<&str>) -> (u16, String, Value) {
    let mut s = TcpStream::connect(server.addr()).unwrap();
    let auth = auth.map_or(String::new(), |a| format!("Authorization: Bearer {a}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head[9..12].parse().unwrap();
    (
        status,
        head.to_string(),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

fn server() -> (MockServer, String) {
    let mut org = Org::generate(&OrgSpec {
        projects: 4,
        archived_every: 2,
        ..OrgSpec::default()
    });
    org.projects[0].keys[3].owner_has_access = false;
    let admin = org.admin_key.expose().to_string();
    (MockServer::start(org).unwrap(), admin)
}

#[test]
fn archived_projects_are_hidden_unless_asked_for() {
    let (server, admin) = server();
    let (status, head, body) = get(&server, "/v1/organization/projects", Some(&admin));
    assert_eq!(status, 200);
    assert!(head.contains("x-request-id: req_000001"), "{head}");
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    let (_, _, body) = get(
        &server,
        "/v1/organization/projects?include_archived=true&limit=3",
        Some(&admin),
    );
    assert_eq!(body["data"].as_array().unwrap().len(), 3);
    assert_eq!(body["data"][1]["status"], "archived");
    assert_eq!(
        (body["first_id"].as_str(), body["last_id"].as_str()),
        (Some("proj_00000"), Some("proj_00002"))
    );
    assert_eq!(body["has_more"], true);
}

#[test]
fn owner_project_access_defaults_to_active() {
    let (server, admin) = server();
    let path = "/v1/organization/projects/proj_00000/api_keys";
    let count = |query: &str| {
        let (status, _, body) = get(&server, &format!("{path}{query}"), Some(&admin));
        assert_eq!(status, 200, "{body}");
        body["data"].as_array().unwrap().len()
    };
    assert_eq!(count(""), 3);
    assert_eq!(count("?owner_project_access=active"), 3);
    assert_eq!(count("?owner_project_access=inactive"), 1);
    assert_eq!(count("?owner_project_access=any"), 4);
    let (_, _, body) = get(&server, &format!("{path}?limit=2"), Some(&admin));
    let v = body["data"][0]["redacted_value"].as_str().unwrap();
    assert!(v.starts_with("sk-proj-****") && v.len() == 164, "{v}");
}

#[test]
fn bad_requests_unknown_objects_and_wrong_keys_get_spec_errors() {
    let (server, admin) = server();
    let (status, _, body) = get(&server, "/v1/organization/projects", Some("sk-wrong"));
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["param"], Value::Null);
    assert_eq!(get(&server, "/v1/organization/projects", None).0, 401);
    assert_eq!(
        get(&server, "/v1/organization/projects?limit=101", Some(&admin)).0,
        400
    );
    assert_eq!(
        get(
            &server,
            "/v1/organization/projects?after=proj_nope",
            Some(&admin)
        )
        .0,
        400
    );
    assert_eq!(
        get(
            &server,
            "/v1/organization/projects/proj_9/api_keys",
            Some(&admin)
        )
        .0,
        404
    );
    assert_eq!(
        get(
            &server,
            "/v1/organization/projects/proj_00001/service_accounts",
            Some(&admin)
        )
        .0,
        400,
        "archived projects have no service accounts"
    );
    assert_eq!(get(&server, "/v2/elsewhere", Some(&admin)).0, 404);
    let (_, _, empty) = get(
        &server,
        "/v1/organization/projects/proj_00000/service_accounts",
        Some(&admin),
    );
    assert_eq!(
        (empty["first_id"].clone(), empty["has_more"].clone()),
        (Value::Null, Value::Bool(false))
    );
    let log = server.requests();
    assert_eq!(log.len(), 8);
    assert!(log.iter().all(|r| r.header("authorization").is_none()));
    assert_eq!(log[0].status, 401);
}
