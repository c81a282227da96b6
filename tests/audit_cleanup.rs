//! `keyhound audit --revoke FLAG,...` end to end against the stateful mock, the clock fixed by
//! KEYHOUND_NOW: the plan and the dry run, exactly the planned DELETEs with `--yes`, service
//! accounts, the admin key in use, 404s, a failing key, the audit log, and usage errors.

use crate::support::audit::parse_csv;
use crate::support::cleanup::{
    cleanup_org, holds_a_key, listed, revocation_of, values, ACCOUNT, ADMIN_FOREVER, ADMIN_IN_USE,
    ADMIN_STALE, CHOSEN, PLANNED, PLANNED_IDS, STALE,
};
use crate::support::mock::{json_of, Api};
use crate::support::revoke::{deletes, AuditFile};
use serde_json::Value;

const IN_USE_REASON: &str = "the admin key this audit runs with is never revoked by an audit";

#[test]
fn a_dry_run_prints_the_plan_after_the_tables_and_sends_no_delete() {
    let api = Api::from_org(cleanup_org());
    let run = api.audit(&["--revoke", CHOSEN]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = api.server.requests();
    assert!(deletes(&api).is_empty(), "a dry run sends no DELETE");
    assert!(
        requests.iter().all(|r| r.method == "GET"),
        "nor anything else that changes state"
    );
    assert!(
        requests
            .iter()
            .all(|r| !r.path.contains("/api_keys/") && !r.path.contains("/admin_api_keys/")),
        "a dry run re-confirms nothing: only the listings are read"
    );
    let out = &run.stdout;
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in\n{out}"))
    };
    let tables = at("\nAdmin keys: 3 keys, 3 flagged\n");
    let heading = at(
        "\nClean-up: the keys flagged stale, orphaned, archived-project, \
                      admin-stale, admin-no-expiry; the admin key this audit runs with is \
                      never revoked\n",
    );
    assert!(tables < heading, "the plan follows the tables");
    let plan = &out[heading..];
    let mut last = 0;
    for expected in [
        "\nRevocation plan: 5 to revoke, 2 left alone\n",
        "DRY RUN: nothing is changed; --yes --audit-log FILE carries the plan out.\n",
        "  1. delete project key key_orphan of proj_a\n",
        "     owner user User user_gone <user_gone@example.com> (user_gone); created \
         2023-05-21, last used 2024-06-23T00:00:00Z\n",
        "     flagged orphaned\n",
        "  2. delete project key key_stale of proj_a\n",
        "     flagged stale\n",
        "  3. delete project key key_arch of proj_old\n",
        "     flagged archived-project\n",
        "  4. delete admin key admin_stale\n",
        "     flagged admin-stale\n",
        "  5. delete admin key admin_forever\n",
        "     flagged admin-no-expiry\n",
        "Not revoked:\n",
        &format!(" admin key admin_in_use \"name of admin_in_use\", left alone: {IN_USE_REASON}\n"),
        " project key key_svc_stale of proj_a \"name of key_svc_stale\", left alone: owned by \
         service account svc_1: a service account's key cannot be deleted on its own",
        "\nRevocation (dry run): 5 would be revoked, 0 already revoked, 2 left alone; nothing \
         was changed\n",
    ] {
        let found = plan[last..]
            .find(expected)
            .unwrap_or_else(|| panic!("{expected:?} (in order) not in\n{plan}"));
        last += found + expected.len();
    }
    assert!(
        !plan.contains("key_fresh"),
        "unflagged keys are not in the plan"
    );
    assert!(run.stderr.ends_with(
        "keyhound: revocation: dry run, 5 would be revoked, 0 already revoked, 2 left alone; \
         nothing was changed\n"
    ));
}

#[test]
fn a_dry_run_in_json_puts_the_plan_on_stderr_and_each_key_s_revocation_in_the_document() {
    let api = Api::from_org(cleanup_org());
    let run = api.audit(&[
        "--revoke",
        CHOSEN,
        "--format",
        "json",
        "--fail-on",
        "orphaned",
    ]);
    assert_eq!(
        run.code, 1,
        "a dry run keeps --fail-on's code: {}",
        run.stderr
    );
    assert!(deletes(&api).is_empty());
    assert!(run
        .stderr
        .contains("Revocation plan: 5 to revoke, 2 left alone\n"));
    let json = json_of(&run);
    for id in PLANNED_IDS {
        let r = revocation_of(&json, id);
        assert_eq!(r["status"], "would_revoke", "{id}: {r}");
        assert_eq!(r["httpStatus"], Value::Null, "no request for {id}");
    }
    let r = revocation_of(&json, "admin_in_use");
    assert_eq!(
        (
            r["status"].as_str(),
            r["reason"].as_str(),
            r["keyKind"].as_str()
        ),
        (Some("skipped"), Some(IN_USE_REASON), Some("admin"))
    );
    assert_eq!(revocation_of(&json, "key_svc_stale")["status"], "skipped");
    assert_eq!(revocation_of(&json, "key_fresh"), &Value::Null);
    let s = &json["summary"]["revocation"];
    assert_eq!(
        (
            s["wouldRevoke"].as_u64(),
            s["skipped"].as_u64(),
            s["dryRun"].as_bool()
        ),
        (Some(5), Some(2), Some(true))
    );
    assert_eq!(s["flags"].as_array().map(Vec::len), Some(5));
}

#[test]
fn yes_deletes_exactly_the_planned_keys_each_re_confirmed_and_logged_without_a_key() {
    let api = Api::from_org(cleanup_org());
    let secrets = values(&api);
    let audit = AuditFile::new();
    let run = audit.clean_up(&api, CHOSEN, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(deletes(&api), PLANNED);
    let single: Vec<(String, String)> = api
        .server
        .requests()
        .into_iter()
        .filter(|r| PLANNED.contains(&r.path.as_str()))
        .map(|r| (r.method, r.path))
        .collect();
    let expected: Vec<(String, String)> = PLANNED
        .iter()
        .flat_map(|p| {
            [
                ("GET".to_string(), p.to_string()),
                ("DELETE".into(), p.to_string()),
            ]
        })
        .collect();
    assert_eq!(
        single, expected,
        "each key re-confirmed just before its DELETE"
    );
    let json = json_of(&run);
    for id in PLANNED_IDS {
        let r = revocation_of(&json, id);
        assert_eq!(
            (r["status"].as_str(), r["httpStatus"].as_u64()),
            (Some("revoked"), Some(200)),
            "{id}: {r}"
        );
        assert!(r["requestId"].as_str().unwrap().starts_with("req_"));
    }
    assert_eq!(revocation_of(&json, "admin_in_use")["status"], "skipped");
    let s = &json["summary"]["revocation"];
    assert_eq!(
        (
            s["revoked"].as_u64(),
            s["failed"].as_u64(),
            s["dryRun"].as_bool()
        ),
        (Some(5), Some(0), Some(false))
    );
    let left = listed(&api);
    for gone in PLANNED_IDS {
        assert!(!left.iter().any(|id| id == gone), "{gone} still listed");
    }
    for kept in [
        "key_fresh",
        "key_svc_stale",
        "key_svc_fresh",
        "admin_in_use",
    ] {
        assert!(left.iter().any(|id| id == kept), "{kept} was deleted");
    }
    let lines = audit.lines();
    assert_eq!(lines.len(), 5, "one line per action");
    let first = &lines[0];
    assert_eq!(first["action"], "delete_project_key");
    assert_eq!(first["projectId"], "proj_a");
    assert_eq!(first["keyId"], "key_orphan");
    assert_eq!(first["keyName"], "name of key_orphan");
    assert_eq!(first["outcome"], "revoked");
    assert_eq!(first["request"], "delete");
    assert_eq!(first["httpStatus"], 200);
    assert_eq!(
        first["fingerprint"],
        Value::Null,
        "an audit holds no key to hash"
    );
    assert_eq!(lines[4]["action"], "delete_admin_key");
    assert_eq!(lines[4]["keyId"], "admin_forever");
    for text in [audit.text(), run.stdout.clone(), run.stderr.clone()] {
        assert!(
            !holds_a_key(&secrets, &text),
            "a key in the output or the log"
        );
    }
    assert!(run.stderr.contains("  REVOKED sk-admin…"), "{}", run.stderr);
    // The admin key in use still works: the next audit runs, without the revoked keys.
    let again = api.audit(&["--format", "json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(json_of(&again)["summary"]["keys"], 4);
}

#[test]
fn a_service_account_is_deleted_only_with_delete_service_accounts_and_takes_all_its_keys() {
    let api = Api::from_org(cleanup_org());
    let audit = AuditFile::new();
    let run = audit.clean_up(&api, "stale", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        deletes(&api),
        [STALE],
        "the service account's key left alone"
    );
    assert!(run.stdout.contains(
        "left alone: owned by service account svc_1: a service account's key cannot be deleted \
         on its own (the API answers 400); --delete-service-accounts deletes the whole account"
    ));
    assert!(listed(&api).iter().any(|id| id == "key_svc_stale"));

    let api = Api::from_org(cleanup_org());
    let audit = AuditFile::new();
    let run = audit.clean_up(&api, "stale", &["--delete-service-accounts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(deletes(&api), [STALE, ACCOUNT]);
    for expected in [
        "  2. delete service account svc_1 of proj_a (all its keys stop working)\n",
        "     flagged stale; service account svc_1 holds 2 keys in proj_a: key_svc_stale, \
         key_svc_fresh\n",
        "     ALL keys of service account svc_1 stop working, not only this one\n",
        "\nRevocation: 2 revoked, 0 already revoked, 0 failed, 0 left alone\n",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?} not in\n{}",
            run.stdout
        );
    }
    let left = listed(&api);
    assert!(
        !left.iter().any(|id| id.starts_with("key_svc_")),
        "every key of the account is gone: {left:?}"
    );
    let lines = audit.lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (
            lines[1]["action"].as_str(),
            lines[1]["serviceAccountId"].as_str(),
            lines[1]["keyId"].as_str()
        ),
        (
            Some("delete_service_account"),
            Some("svc_1"),
            Some("key_svc_stale")
        )
    );
}

#[test]
fn the_admin_key_in_use_is_never_deleted_even_when_flagged() {
    let api = Api::from_org(cleanup_org());
    let audit = AuditFile::new();
    let run = audit.clean_up(&api, "admin-stale,admin-no-expiry", &["--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(deletes(&api), [ADMIN_STALE, ADMIN_FOREVER]);
    assert!(
        api.server.requests().iter().all(|r| r.path != ADMIN_IN_USE),
        "not even looked up"
    );
    api.server.with_org(|o| {
        assert!(!o.admin_key_revoked);
        assert!(o.admin_keys.iter().any(|k| k.id == "admin_in_use"));
    });
    assert!(run.stderr.contains(&format!(
        " admin key admin_in_use \"name of admin_in_use\", left alone: {IN_USE_REASON}\n"
    )));
    let rows = parse_csv(&run.stdout);
    let header = &rows[0];
    assert_eq!(header.last().map(String::as_str), Some("revocation"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let status = |id: &str| {
        let row = rows.iter().find(|r| r[col("key_id")] == id).expect("a row");
        row[col("revocation")].clone()
    };
    assert_eq!(status("admin_in_use"), "skipped");
    assert_eq!(status("admin_stale"), "revoked");
    assert_eq!(status("admin_forever"), "revoked");
    assert_eq!(status("key_stale"), "", "not chosen");
    assert!(rows.iter().all(|r| r.len() == header.len()));
}
