//! `keyhound audit` on the wire: failed listings, a rejected admin key, and where keys may
//! never appear (no output format, no log line, no error).

use crate::support::audit::hygiene_org;
use crate::support::mock::{json_of, Api};
use crate::support::tree::{keyhound, Run, Tree};
use keyhound::fake::{FakeKeys, Family};
use keyhound::mock::{Fault, FaultKind, OrgSpec};

fn rate_limited(api: &Api, path: &str) {
    api.server.inject(Fault::new(
        path,
        1000,
        FaultKind::RateLimit {
            retry_after: None,
            retry_after_ms: Some("2".into()),
        },
    ));
}

#[test]
fn a_listing_that_fails_after_retries_is_a_warning_and_the_audit_says_incomplete() {
    let api = Api::start(&OrgSpec {
        projects: 3,
        ..OrgSpec::default()
    });
    let path = "/v1/organization/projects/proj_00001/api_keys";
    rate_limited(&api, path);
    let run = api.audit(&["--format", "json", "--fail-on", "orphaned"]);
    // A warning, not an abort; but --fail-on cannot pass on a listing it could not read.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the audit is incomplete (1 listings failed)"),
        "{}",
        run.stderr
    );
    let json = json_of(&run);
    assert_eq!(json["summary"]["complete"], false);
    assert_eq!(json["summary"]["failedListings"], 1);
    assert_eq!(
        json["summary"]["keys"],
        4 + 4 + 1,
        "the other listings are all there"
    );
    let warning = json["warnings"][0]["message"].as_str().unwrap();
    assert!(
        warning.starts_with(
            "audit: cannot list the keys of project proj_00001: GET \
             /organization/projects/proj_00001/api_keys: gave up after 6 attempts"
        ),
        "{warning}"
    );
    let failed = json["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "proj_00001")
        .unwrap();
    assert_eq!(failed["keys"], serde_json::Value::Null);
    assert!(failed["error"]
        .as_str()
        .unwrap()
        .contains("gave up after 6 attempts"));
    assert_eq!(api.statuses(path), vec![429; 6]);
    assert!(run
        .stderr
        .contains("keyhound: warning: audit: cannot list the keys of project proj_00001"));
    assert!(
        run.stderr.contains("; INCOMPLETE: 1 failed listings, "),
        "{}",
        run.stderr
    );

    let run = api.audit(&[]);
    assert_eq!(run.code, 0, "without --fail-on, warnings keep exit 0");
    assert!(
        run.stdout
            .contains("\nINCOMPLETE: 1 listing failed after retries"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("(proj_00001): keys could not be listed: GET"));

    // The admin-key listing and the project listing fail the same way.
    let api = Api::start(&OrgSpec::default());
    rate_limited(&api, "/v1/organization/admin_api_keys");
    rate_limited(&api, "/v1/organization/projects");
    let json = json_of(&api.audit(&["--format", "json"]));
    assert_eq!(json["summary"]["failedListings"], 2);
    assert_eq!(json["summary"]["keys"], 0);
    assert_eq!(json["warnings"].as_array().unwrap().len(), 2);
}

#[test]
fn a_rejected_admin_key_is_exit_2_on_one_line_and_leaks_nothing() {
    let api = Api::start(&OrgSpec::default());
    let wrong = FakeKeys::new(4).key(Family::Admin);
    let t = Tree::new();
    let out = t.path().join("audit.json");
    let out = out.to_str().unwrap();
    for format in ["human", "json", "csv"] {
        let run = api.audit_with(Some(&wrong), &["--format", format, "-o", out], &[]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert_eq!(
            run.stderr,
            "keyhound: error: audit: GET /organization/projects: the admin key was rejected \
             (401 invalid_request_error/invalid_api_key): wrong or insufficient admin key\n"
        );
        assert!(run.stdout.is_empty());
        assert_eq!(std::fs::read_to_string(out).unwrap(), "", "no report");
    }
    assert_eq!(api.server.requests().len(), 3, "401 is not retried");
    let run = api.audit_with(None, &[], &[]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: audit needs the organization's admin key: set OPENAI_ADMIN_KEY or \
         pass --admin-key-file FILE\n"
    );
}

#[test]
fn no_output_holds_a_key_or_the_admin_key() {
    let org = hygiene_org();
    let values: Vec<String> = org
        .all_keys()
        .map(|k| k.value.expose().to_string())
        .chain([org.admin_key.expose().to_string()])
        .collect();
    let api = Api::from_org(org);
    let t = Tree::new();
    let file = t.path().join("admin.key");
    std::fs::write(&file, format!("{}\n", api.admin)).unwrap();
    let file = file.to_str().unwrap();
    for format in ["human", "json", "csv"] {
        for extra in [&[][..], &["-v"][..], &["--admin-key-file", file][..]] {
            let mut args = vec!["--format", format];
            args.extend_from_slice(extra);
            let run = if extra.first() == Some(&"--admin-key-file") {
                api.audit_with(None, &args, &[])
            } else {
                api.audit(&args)
            };
            assert_eq!(run.code, 0, "{format} {extra:?}: {}", run.stderr);
            for v in &values {
                let middle = &v[v.len() / 2 - 6..v.len() / 2 + 6];
                for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                    assert!(
                        !text.contains(v.as_str()),
                        "{format} {extra:?} {name} holds a key"
                    );
                    assert!(
                        !text.contains(middle),
                        "{format} {extra:?} {name} holds part of a key"
                    );
                }
            }
            if extra == ["-v"] {
                assert!(
                    run.stderr.contains("GET /v1/organization/projects?"),
                    "{}",
                    run.stderr
                );
            }
        }
    }
}

#[test]
fn bad_clock_and_connection_options_are_usage_errors_before_any_request() {
    let api = Api::start(&OrgSpec::default());
    let run = api.audit_with(Some(&api.admin), &[], &[("KEYHOUND_NOW", "next tuesday")]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: KEYHOUND_NOW must be an RFC 3339 time (2024-03-26T16:45:33Z) or \
         Unix seconds\n"
    );
    let run: Run = keyhound()
        .env("OPENAI_ADMIN_KEY", &api.admin)
        .args(["audit", "--api-base", "http://api.example.com/v1"])
        .output()
        .expect("run keyhound")
        .into();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not loopback"), "{}", run.stderr);
    let run = api.audit(&["--stale-days", "0"]);
    assert_eq!(run.code, 2);
    assert!(api.server.requests().is_empty());
    let run = api.audit(&["-o", "/nonexistent-dir/audit.csv"]);
    assert_eq!(run.code, 2);
    assert!(run
        .stderr
        .starts_with("keyhound: error: cannot write /nonexistent-dir/audit.csv"));
    assert!(api.server.requests().is_empty());
}

#[test]
fn the_audit_reaches_every_project_with_bounded_concurrency() {
    let api = Api::start(&OrgSpec {
        projects: 120,
        keys_per_project: 150,
        archived_every: 7,
        ..OrgSpec::default()
    });
    let run = api.audit(&["--format", "json", "--api-concurrency", "8"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = json_of(&run);
    assert_eq!(json["summary"]["projects"], 120);
    assert_eq!(json["summary"]["archivedProjects"], 17);
    assert_eq!(json["summary"]["projectKeys"], 120 * 150);
    // 2 pages of projects, 2 pages of keys per project, 1 of admin keys.
    assert_eq!(api.server.requests().len(), 2 + 120 * 2 + 1);
}
