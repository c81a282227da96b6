//! `scan --cross-check` on the wire: failures, retries, redirects, and where the admin key
//! may go (never into an output, never to another host, never from OPENAI_BASE_URL).

use crate::sarif::schema_errors;
use crate::support::mock::{check_of, json_of, Api};
use crate::support::tree::Tree;
use keyhound::fake::{FakeKeys, Family};
use keyhound::mock::{Fault, FaultKind, Org, OrgSpec};

#[test]
fn a_rejected_admin_key_is_exit_2_after_the_report_is_written() {
    let api = Api::start(&OrgSpec::default());
    let t = Tree::new();
    let k = api.key(0, 0);
    t.write(".env", &k);
    let wrong = FakeKeys::new(4).key(Family::Admin);
    let run = api.scan_with(t.path(), Some(&wrong), &["--format", "json"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap();
    assert_eq!(
        last,
        "keyhound: error: GET /organization/projects: the admin key was rejected \
         (401 invalid_request_error/invalid_api_key): wrong or insufficient admin key"
    );
    let json = json_of(&run);
    let c = check_of(&json, &k);
    assert_eq!(c["status"], "error");
    assert!(c["error"]
        .as_str()
        .unwrap()
        .contains("admin key was rejected"));
    assert!(!run.stderr.contains(&wrong) && !run.stdout.contains(&wrong));
    assert_eq!(api.server.requests().len(), 1, "401 is not retried");
}

#[test]
fn a_project_that_cannot_be_listed_is_a_warning_and_its_possible_keys_are_errors() {
    let api = Api::start(&OrgSpec {
        projects: 3,
        ..OrgSpec::default()
    });
    let path = "/v1/organization/projects/proj_00001/api_keys";
    api.server.inject(Fault::new(
        path,
        1000,
        FaultKind::RateLimit {
            retry_after: None,
            retry_after_ms: Some("2".into()),
        },
    ));
    let t = Tree::new();
    let listed = api.key(0, 0);
    let unknown = FakeKeys::new(9).key(Family::Project);
    t.write("a.env", format!("{listed}\n{unknown}\n"));
    let run = api.scan(t.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = json_of(&run);
    for k in [&listed, &unknown] {
        let c = check_of(&json, k);
        assert_eq!(c["status"], "error", "never not_found: {c}");
        assert!(c["error"]
            .as_str()
            .unwrap()
            .starts_with("project proj_00001 could not be listed"));
    }
    assert_eq!(json["summary"]["warnings"], 1);
    assert_eq!(
        json["summary"]["crossCheck"]["failedProjects"],
        serde_json::json!(["proj_00001"])
    );
    assert!(
        run.stderr.contains(
            "keyhound: warning: cross-check: cannot list the keys of project proj_00001: \
         GET /organization/projects/proj_00001/api_keys: gave up after 6 attempts"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(api.statuses(path), vec![429; 6]);

    let run = api.scan(t.path(), &["--format", "sarif"]);
    let sarif = json_of(&run);
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("proj_00001"));
}

#[test]
fn rate_limited_and_failing_requests_are_retried_and_then_succeed() {
    let api = Api::start(&OrgSpec::default());
    let path = "/v1/organization/projects";
    api.server.inject(Fault::new(
        path,
        1,
        FaultKind::RateLimit {
            retry_after: Some("0".into()),
            retry_after_ms: None,
        },
    ));
    api.server.inject(Fault::new(
        path,
        1,
        FaultKind::RateLimit {
            retry_after: None,
            retry_after_ms: Some("5".into()),
        },
    ));
    let t = Tree::new();
    let k = api.key(2, 3);
    t.write("a.env", &k);
    let run = api.scan(t.path(), &["--format", "json", "-v"]);
    assert_eq!(
        check_of(&json_of(&run), &k)["status"],
        "live",
        "{}",
        run.stderr
    );
    assert_eq!(api.statuses(path), vec![429, 429, 200]);
    assert!(
        run.stderr.contains(
            "keyhound: api: GET /v1/organization/projects?limit=100&include_archived=true -> 429 \
         (x-request-id req_000001, attempt 1)"
        ),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("-> 200 (x-request-id req_000003, attempt 3)"));
}

#[test]
fn the_admin_key_appears_in_no_output_not_even_verbose() {
    let api = Api::start(&OrgSpec::default());
    let t = Tree::new();
    t.write(
        "a.env",
        format!(
            "{}\n{}\n",
            api.key(0, 0),
            FakeKeys::new(3).key(Family::Legacy)
        ),
    );
    let middle = &api.admin[api.admin.len() / 2 - 6..api.admin.len() / 2 + 6];
    let key_file = t.write("../admin-key-for-test", format!("{}\n", api.admin));
    for format in crate::hygiene::FORMATS {
        for extra in [&["-v"][..], &["--verify-live", "-v"][..]] {
            let mut args = vec!["--format", format];
            args.extend_from_slice(extra);
            let run = api.scan(t.path(), &args);
            assert_eq!(run.code, 1, "{}", run.stderr);
            assert!(
                run.stderr.contains("keyhound: api: GET"),
                "-v logs requests"
            );
            for shown in [&run.stdout, &run.stderr] {
                assert!(
                    !shown.contains(&api.admin),
                    "{format} {extra:?} shows the admin key"
                );
                assert!(
                    !shown.contains(middle),
                    "{format} {extra:?} shows part of it"
                );
                assert!(!shown.contains("Bearer"));
            }
        }
        let file_arg = key_file.to_str().unwrap();
        let run = api.scan_with(
            t.path(),
            None,
            &["--format", format, "--admin-key-file", file_arg],
            &[],
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(!run.stdout.contains(&api.admin) && !run.stderr.contains(&api.admin));
    }
    std::fs::remove_file(key_file).unwrap();
}

#[test]
fn the_organization_header_is_sent_only_with_organization() {
    let mut org = Org::generate(&OrgSpec::default());
    org.organization_id = Some("org-test".into());
    let api = Api::from_org(org);
    let t = Tree::new();
    let k = api.key(0, 0);
    t.write("a.env", &k);
    let run = api.scan(
        t.path(),
        &["--format", "json", "--organization", "org-test"],
    );
    assert_eq!(check_of(&json_of(&run), &k)["status"], "live");
    assert!(api
        .server
        .requests()
        .iter()
        .all(|r| r.header("openai-organization") == Some("org-test")));
    let run = api.scan(t.path(), &["--organization", "org-other"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("mismatched_organization"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_redirect_is_not_followed_and_leaves_the_keys_unchecked() {
    let api = Api::start(&OrgSpec::default());
    let elsewhere = Api::start(&OrgSpec::default());
    api.server.inject(Fault::new(
        "/v1/organization/projects",
        1,
        FaultKind::Redirect {
            status: 302,
            location: format!("{}/organization/projects", elsewhere.server.base_url()),
        },
    ));
    let t = Tree::new();
    let k = api.key(0, 0);
    t.write("a.env", &k);
    let run = api.scan(t.path(), &["--format", "json"]);
    let c = check_of(&json_of(&run), &k).clone();
    assert_eq!(c["status"], "error");
    assert!(
        run.stderr
            .contains("redirected (302); keyhound does not follow redirects"),
        "{}",
        run.stderr
    );
    assert!(elsewhere.server.requests().is_empty());
    assert_eq!(api.server.requests().len(), 1);
}

#[test]
fn plain_http_to_another_host_and_a_missing_admin_key_are_refused_before_scanning() {
    let api = Api::start(&OrgSpec::default());
    let t = Tree::new();
    t.write("a.env", api.key(0, 0));
    let run: crate::support::tree::Run = crate::support::tree::keyhound()
        .current_dir(t.path())
        .env("OPENAI_ADMIN_KEY", &api.admin)
        .args([
            "scan",
            "--cross-check",
            "--api-base",
            "http://api.openai.com/v1",
        ])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with(
        "keyhound: error: API base URL \"http://api.openai.com/v1\" is plain http://"
    ));
    let run = api.scan_with(t.path(), None, &[], &[]);
    assert_eq!(run.code, 2);
    assert!(run
        .stderr
        .contains("set OPENAI_ADMIN_KEY or pass --admin-key-file FILE"));
    assert!(api.server.requests().is_empty());
}

#[test]
fn openai_base_url_is_never_read_and_keyhound_api_base_is() {
    let api = Api::start(&OrgSpec::default());
    let decoy = Api::start(&OrgSpec::default());
    let t = Tree::new();
    let k = api.key(0, 0);
    t.write("a.env", &k);
    let mut cmd = crate::support::tree::keyhound();
    let out = cmd
        .current_dir(t.path())
        .env("OPENAI_ADMIN_KEY", &api.admin)
        .env("KEYHOUND_API_BASE", api.server.base_url())
        .env("OPENAI_BASE_URL", decoy.server.base_url())
        .args(["scan", "--cross-check", "--format", "json"])
        .output()
        .unwrap();
    let run: crate::support::tree::Run = out.into();
    assert_eq!(
        check_of(&json_of(&run), &k)["status"],
        "live",
        "{}",
        run.stderr
    );
    assert!(decoy.server.requests().is_empty());
}

#[test]
fn cross_check_options_without_cross_check_are_usage_errors() {
    let t = Tree::new();
    let run = crate::support::tree::run_in(t.path(), &["scan", "--verify-live", "."]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: --verify-live needs --cross-check\n"
    );
}
