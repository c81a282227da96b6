//! `keyhound audit --revoke FLAG,...` when things go wrong, against the stateful mock: 404s
//! (already revoked), a key whose DELETE keeps failing (exit 3), running the clean-up twice,
//! and the usage errors found before any request.

use crate::support::cleanup::{
    cleanup_org, revocation_of, ADMIN_FOREVER, ADMIN_STALE, ARCH, CHOSEN, ORPHAN, PLANNED, STALE,
};
use crate::support::mock::{json_of, Api};
use crate::support::revoke::{deletes, AuditFile};
use keyhound::mock::{Fault, FaultKind};

#[test]
fn a_404_is_already_revoked_and_a_second_clean_up_finds_nothing_left_to_revoke() {
    let api = Api::from_org(cleanup_org());
    // Gone by the time of its DELETE, and gone by the time it is re-confirmed.
    api.server
        .inject(Fault::new(STALE, 1, FaultKind::Status(404)).only("DELETE"));
    api.server
        .inject(Fault::new(ARCH, 1, FaultKind::Status(404)).only("GET"));
    let run = AuditFile::new().clean_up(&api, CHOSEN, &["--format", "json"]);
    assert_eq!(run.code, 0, "already revoked is no failure: {}", run.stderr);
    assert_eq!(deletes(&api), [ORPHAN, STALE, ADMIN_STALE, ADMIN_FOREVER]);
    let json = json_of(&run);
    for id in ["key_stale", "key_arch"] {
        let r = revocation_of(&json, id);
        assert_eq!(
            (r["status"].as_str(), r["httpStatus"].as_u64()),
            (Some("already_revoked"), Some(404)),
            "{id}: {r}"
        );
    }
    assert_eq!(revocation_of(&json, "key_orphan")["status"], "revoked");

    let api = Api::from_org(cleanup_org());
    let audit = AuditFile::new();
    assert_eq!(audit.clean_up(&api, CHOSEN, &[]).code, 0);
    api.server.clear_requests();
    let run = audit.clean_up(&api, CHOSEN, &["--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(deletes(&api).is_empty(), "nothing left to delete");
    let json = json_of(&run);
    let s = &json["summary"]["revocation"];
    assert_eq!(
        (
            s["revoked"].as_u64(),
            s["failed"].as_u64(),
            s["skipped"].as_u64()
        ),
        (Some(0), Some(0), Some(2)),
        "only what policy leaves alone is still flagged"
    );
    assert_eq!(
        audit.lines().len(),
        5,
        "the second run had no action to log"
    );
}

#[test]
fn a_5xx_on_one_key_fails_it_the_others_are_still_revoked_and_the_exit_code_is_3() {
    let api = Api::from_org(cleanup_org());
    let fault = FaultKind::StatusRetryAfterMs {
        status: 503,
        retry_after_ms: "1".into(),
    };
    api.server
        .inject(Fault::new(STALE, 100, fault).only("DELETE"));
    let audit = AuditFile::new();
    let run = audit.clean_up(&api, CHOSEN, &["--format", "json", "--fail-on", "orphaned"]);
    assert_eq!(
        run.code, 3,
        "a failed revocation outranks --fail-on: {}",
        run.stderr
    );
    let others: Vec<&str> = PLANNED.into_iter().filter(|p| *p != STALE).collect();
    let sent = deletes(&api);
    assert_eq!(
        sent.iter().filter(|d| *d == STALE).count(),
        6,
        "retried, then given up"
    );
    assert_eq!(
        sent.iter().filter(|d| *d != STALE).collect::<Vec<_>>(),
        others
    );
    let json = json_of(&run);
    let r = revocation_of(&json, "key_stale");
    assert_eq!(
        (r["status"].as_str(), r["httpStatus"].as_u64()),
        (Some("failed"), Some(503))
    );
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .contains("gave up after 6 attempts"),
        "{r}"
    );
    for id in ["key_orphan", "key_arch", "admin_stale", "admin_forever"] {
        assert_eq!(revocation_of(&json, id)["status"], "revoked", "{id}");
    }
    let lines = audit.lines();
    assert_eq!(lines.len(), 5);
    let failed = lines.iter().find(|l| l["keyId"] == "key_stale").unwrap();
    assert_eq!(
        (failed["outcome"].as_str(), failed["httpStatus"].as_u64()),
        (Some("failed"), Some(503))
    );
    assert!(run
        .stderr
        .contains("keyhound: revocation: 4 revoked, 0 already revoked, 1 failed, 2 left alone\n"));
}

#[test]
fn clean_up_usage_errors_are_exit_2_before_any_request() {
    let api = Api::from_org(cleanup_org());
    let cases: [(&[&str], &str); 5] = [
        (
            &["--revoke", "stale,rotten"],
            "unknown flag \"rotten\" for --revoke (known: orphaned, archived-project, \
             admin-stale, admin-no-expiry, stale, legacy-format, many-keys-per-owner, \
             never-used)",
        ),
        (
            &["--revoke", "stale", "--yes"],
            "--yes needs --audit-log FILE: every revocation is logged, one JSON line per action",
        ),
        (&["--yes"], "--yes needs --revoke FLAG,..."),
        (
            &["--delete-service-accounts"],
            "--delete-service-accounts needs --revoke FLAG,...",
        ),
        (
            &[
                "--revoke",
                "stale",
                "--yes",
                "--audit-log",
                "no/such/dir/audit.jsonl",
            ],
            "cannot open audit log no/such/dir/audit.jsonl: no such file or directory",
        ),
    ];
    for (args, message) in cases {
        let run = api.audit(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            format!("keyhound: error: {message}\n"),
            "{args:?}"
        );
        assert!(run.stdout.is_empty());
    }
    let run = api.audit(&["--revoke"]);
    assert_eq!(run.code, 2, "a value is required: {}", run.stderr);
    assert!(
        api.server.requests().is_empty(),
        "no request before the flags are checked"
    );
}

#[test]
fn audit_help_documents_the_clean_up_and_its_exit_code() {
    let api = Api::from_org(cleanup_org());
    let run = api.audit(&["--help"]);
    assert_eq!(run.code, 0);
    for expected in [
        "Clean-up (revocation):",
        "--revoke <FLAG,...>",
        "--yes",
        "--audit-log <FILE>",
        "--delete-service-accounts",
        "3  a revocation of the clean-up (--revoke --yes) failed",
    ] {
        assert!(
            run.stdout.contains(expected),
            "{expected:?} not in\n{}",
            run.stdout
        );
    }
}
