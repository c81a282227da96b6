//! `scan --cross-check --revoke` when things go wrong or are delicate: failed DELETEs
//! (exit 3), the admin key in use (revoked last), liveness afterwards, and usage errors.

use crate::sarif::schema_errors;
use crate::support::mock::{json_of, Api};
use crate::support::revoke::{deletes, org, plant, AuditFile, IN_USE};
use crate::support::tree::Tree;
use keyhound::mock::{Fault, FaultKind};

use crate::revoke::{revocation_of, ADMIN, USER, USER2};

#[test]
fn a_400_on_delete_fails_that_key_says_why_and_exits_3() {
    let api = Api::from_org(org());
    api.server
        .inject(Fault::new(USER2, 1, FaultKind::Status(400)).only("DELETE"));
    let t = Tree::new();
    let p = plant(&api, &t);
    let audit = AuditFile::new();
    let run = audit.scan(&api, t.path(), &["--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let json = json_of(&run);
    let r = revocation_of(&json, &p.user2);
    assert_eq!(
        (r["status"].as_str(), r["httpStatus"].as_u64()),
        (Some("failed"), Some(400))
    );
    assert!(r["reason"]
        .as_str()
        .unwrap()
        .contains("refuses to delete a service account's key on its own"));
    assert_eq!(revocation_of(&json, &p.admin)["status"], "revoked");
}

#[test]
fn a_5xx_on_one_key_fails_it_the_others_are_still_revoked_and_the_exit_code_is_3() {
    let api = Api::from_org(org());
    api.server.inject(
        Fault::new(
            USER,
            100,
            FaultKind::StatusRetryAfterMs {
                status: 503,
                retry_after_ms: "1".into(),
            },
        )
        .only("DELETE"),
    );
    let t = Tree::new();
    let p = plant(&api, &t);
    let audit = AuditFile::new();
    let run = audit.scan(&api, t.path(), &["--format", "sarif"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(api.statuses(USER).iter().filter(|s| **s == 503).count(), 6);
    assert_eq!(deletes(&api).iter().filter(|d| *d != USER).count(), 2);
    let sarif = json_of(&run);
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    let by_fp = |key: &str| {
        let fp = keyhound::secret::sha256_hex(key.as_bytes());
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["partialFingerprints"]["secretSha256/v1"] == fp.as_str())
            .map(|r| r["properties"]["revocation"].clone())
            .unwrap()
    };
    let failed = by_fp(&p.user);
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["httpStatus"], 503);
    assert!(failed["reason"]
        .as_str()
        .unwrap()
        .contains("gave up after 6 attempts"));
    for k in [&p.user2, &p.admin] {
        assert_eq!(by_fp(k)["status"], "revoked");
    }
    assert_eq!(by_fp(&p.ambiguous)["status"], "skipped");
    let text = serde_json::to_string(&sarif).unwrap();
    for personal in ["@example.com", "User 1", "key 1 of proj_00000"] {
        assert!(!text.contains(personal), "SARIF holds {personal}");
    }
    let lines = audit.lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (
            lines[0]["outcome"].as_str(),
            lines[0]["httpStatus"].as_u64()
        ),
        (Some("failed"), Some(503))
    );
    assert!(run
        .stderr
        .contains("keyhound: revocation: 2 revoked, 0 already revoked, 1 failed"));
}

#[test]
fn the_admin_key_keyhound_runs_with_is_revoked_last() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    // The running admin key leaked too, and sorts first among the findings.
    t.write("a/rotate.sh", format!("OPENAI_ADMIN_KEY={}\n", api.admin));
    let audit = AuditFile::new();
    let run = audit.scan(&api, t.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let in_use = format!("/v1/organization/admin_api_keys/{IN_USE}");
    assert_eq!(deletes(&api), [USER, USER2, ADMIN, in_use.as_str()]);
    let last = api.server.requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("DELETE", in_use.as_str())
    );
    assert!(
        run.stderr
            .contains(&format!("  4. delete admin key {IN_USE}\n")),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("this is the admin key keyhound is running with: revoked last"));
    let json = json_of(&run);
    let r = revocation_of(&json, &api.admin);
    assert_eq!(
        (r["status"].as_str(), r["selfRevocation"].as_bool()),
        (Some("revoked"), Some(true))
    );
    assert_eq!(revocation_of(&json, &p.user)["selfRevocation"], false);
    assert_eq!(audit.lines().len(), 4);
    // The mock now refuses the deleted admin key, as the API does.
    assert_eq!(api.scan(t.path(), &[]).code, 2);
}

#[test]
fn verify_live_checks_that_each_revoked_key_is_refused_afterwards() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let audit = AuditFile::new();
    let run = audit.scan(&api, t.path(), &["--format", "json", "--verify-live"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = json_of(&run);
    // Liveness told the ambiguous key's projects apart, so it is revoked too; its twin is not.
    for k in [&p.user, &p.user2, &p.admin, &p.ambiguous] {
        let r = revocation_of(&json, k);
        assert_eq!(
            (r["status"].as_str(), r["livenessAfter"].as_str()),
            (Some("revoked"), Some("revoked"))
        );
    }
    assert!(!deletes(&api).iter().any(|d| d.ends_with("key_twin")));
    assert_eq!(revocation_of(&json, &p.unknown).get("livenessAfter"), None);
    assert!(
        run.stderr.contains("[refused afterwards]"),
        "{}",
        run.stderr
    );
}

#[test]
fn yes_without_audit_log_and_revoke_without_cross_check_are_exit_2_before_any_request() {
    let api = Api::from_org(org());
    let t = Tree::new();
    plant(&api, &t);
    let run = api.scan(t.path(), &["--revoke", "--yes"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: --yes needs --audit-log FILE: every revocation is logged, one JSON \
         line per action\n"
    );
    let run = crate::support::tree::run_in(t.path(), &["scan", "--revoke", "."]);
    assert_eq!(run.code, 2);
    assert!(run
        .stderr
        .starts_with("keyhound: error: --revoke needs --cross-check"));
    let run = crate::support::tree::run_in(t.path(), &["scan", "--yes", "."]);
    assert_eq!(run.stderr, "keyhound: error: --yes needs --revoke\n");
    let run = api.scan(
        t.path(),
        &[
            "--revoke",
            "--yes",
            "--audit-log",
            "no/such/dir/audit.jsonl",
        ],
    );
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: cannot open audit log no/such/dir/audit.jsonl: no such file or \
         directory\n"
    );
    // A device is read to learn earlier revocations; it must not be read without end.
    let run = api.scan(t.path(), &["--revoke", "--yes", "--audit-log", "/dev/full"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: audit log /dev/full is not a regular file\n"
    );
    assert!(api.server.requests().is_empty());
}
