//! `keyhound revoke --sarif FILE` end to end: a reviewed SARIF file in, every target looked
//! up and re-confirmed against the mock Admin API, and the exit codes.

use crate::support::mock::{json_of, Api};
use crate::support::revoke::{audit_lines, deletes, org, plant, revoke, AuditFile, IN_USE};
use crate::support::tree::{run_in, Run, Tree};
use keyhound::mock::{Fault, FaultKind};
use serde_json::Value;
use std::path::{Path, PathBuf};

const USER: &str = "/v1/organization/projects/proj_00000/api_keys/key_00000_00001";
const USER2: &str = "/v1/organization/projects/proj_00001/api_keys/key_00001_00002";
const ADMIN: &str = "/v1/organization/admin_api_keys/key_admin_000";

/// `scan --cross-check --format sarif` of `tree` into `dir/name`.
fn sarif_of(api: &Api, tree: &Path, dir: &Path, name: &str) -> PathBuf {
    let file = dir.join(name);
    let run = api.scan(tree, &["--format", "sarif", "-o", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    file
}

fn statuses(run: &Run) -> Vec<(String, String)> {
    json_of(run)["revocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let id = r["keyId"].as_str().unwrap_or("-").to_string();
            (id, r["status"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn a_reviewed_sarif_file_is_planned_dry_then_revoked_with_a_key_deleted_in_between() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let files = Tree::new();
    let sarif = sarif_of(&api, t.path(), files.path(), "scan.sarif");
    let file = sarif.to_str().unwrap();
    api.server.clear_requests();

    let run = revoke(&api, files.path(), &["--sarif", file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(deletes(&api).is_empty(), "a dry run sends no DELETE");
    let looked_up: Vec<String> = api.server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(looked_up.len(), 4, "one GET per live key: {looked_up:?}");
    let out = &run.stdout;
    assert!(
        out.contains("Revocation plan: 3 to revoke, 3 left alone\nDRY RUN"),
        "{out}"
    );
    // Names come from the API: the SARIF file has ids only.
    assert!(
        out.contains("\"key 1 of proj_00000\" in project proj_00000"),
        "{out}"
    );
    assert!(
        out.contains("owner user User 1 <user1@example.com> (user_0001)"),
        "{out}"
    );
    assert!(out.contains("found at .env:1, src/app.py:1"), "{out}");
    assert!(out.contains(&keyhound::secret::Secret::new(p.user.clone()).redacted()));
    assert!(out.contains("owned by service account svc_acct_00001_00000"));

    // Someone deletes a key between the review and the revocation.
    api.server
        .with_org(|o| o.projects[1].keys.retain(|k| k.id != "key_00001_00002"));
    let audit = AuditFile::new();
    let args = ["--sarif", file, "--format", "json"];
    let run = audit.revoke(&api, files.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(deletes(&api), [USER, ADMIN]);
    let s = statuses(&run);
    assert!(
        s.contains(&("key_00000_00001".into(), "revoked".into())),
        "{s:?}"
    );
    assert!(
        s.contains(&("key_00001_00002".into(), "already_revoked".into())),
        "{s:?}"
    );
    assert!(
        s.contains(&("key_admin_000".into(), "revoked".into())),
        "{s:?}"
    );
    assert!(
        s.contains(&("key_00001_00000".into(), "skipped".into())),
        "{s:?}"
    );
    let json = json_of(&run);
    let user = json["revocations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["keyId"] == "key_00000_00001")
        .unwrap()
        .clone();
    assert_eq!(user["ownerEmail"], "user1@example.com");
    assert_eq!(user["keyName"], "key 1 of proj_00000");
    assert_eq!(
        user["fingerprint"],
        keyhound::secret::sha256_hex(p.user.as_bytes())
    );
    assert_eq!(json["summary"]["revoked"], 2);
    assert_eq!(json["summary"]["alreadyRevoked"], 1);
    assert_eq!(audit.lines().len(), 2, "one line per action");

    api.server.clear_requests();
    let run = audit.revoke(&api, files.path(), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(deletes(&api).is_empty());
    let s = statuses(&run);
    for id in ["key_00000_00001", "key_00001_00002", "key_admin_000"] {
        assert!(s.contains(&(id.into(), "already_revoked".into())), "{s:?}");
    }
}

#[test]
fn every_run_of_a_sarif_file_is_read_and_each_key_revoked_once() {
    let api = Api::from_org(org());
    let (a, b) = (Tree::new(), Tree::new());
    let user = api.key(0, 1);
    a.write(".env", &user);
    b.write("x/.env", format!("{user}\n{}\n", api.key(1, 2)));
    let files = Tree::new();
    let mut runs = Vec::new();
    for (tree, name) in [(&a, "a.sarif"), (&b, "b.sarif")] {
        let file = sarif_of(&api, tree.path(), files.path(), name);
        let log: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        runs.push(log["runs"][0].clone());
    }
    let merged = files.path().join("sweep.sarif");
    let doc = serde_json::json!({"version": "2.1.0", "runs": runs});
    std::fs::write(&merged, doc.to_string()).unwrap();
    let audit = AuditFile::new();
    let run = audit.revoke(&api, files.path(), &["--sarif", merged.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(deletes(&api), [USER, USER2]);
    assert!(
        run.stdout.contains("found at .env:1, x/.env:1 (2 runs)"),
        "{}",
        run.stdout
    );
    assert!(run
        .stderr
        .ends_with("keyhound: revocation: 2 revoked, 0 already revoked, 0 failed, 0 left alone\n"));
}

#[test]
fn a_failed_revocation_is_exit_3_and_the_admin_key_in_use_goes_last() {
    let api = Api::from_org(org());
    api.server.inject(
        Fault::new(
            USER,
            100,
            FaultKind::StatusRetryAfterMs {
                status: 500,
                retry_after_ms: "1".into(),
            },
        )
        .only("DELETE"),
    );
    let t = Tree::new();
    plant(&api, &t);
    t.write("a/rotate.sh", format!("OPENAI_ADMIN_KEY={}\n", api.admin));
    let files = Tree::new();
    let sarif = sarif_of(&api, t.path(), files.path(), "scan.sarif");
    let audit = AuditFile::new();
    api.server.clear_requests();
    let run = audit.revoke(&api, files.path(), &["--sarif", sarif.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let in_use = format!("/v1/organization/admin_api_keys/{IN_USE}");
    let deleted: Vec<String> = deletes(&api).into_iter().filter(|d| d != USER).collect();
    assert_eq!(deleted, [USER2, ADMIN, in_use.as_str()]);
    assert_eq!(api.server.requests().pop().unwrap().path, in_use);
    assert!(run.stdout.contains("FAILED sk-proj-"), "{}", run.stdout);
    assert!(run
        .stdout
        .contains("this is the admin key keyhound is running with"));
    let lines = audit.lines();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["outcome"], "failed");
    assert_eq!(lines[3]["keyId"], IN_USE);
}

#[test]
fn a_missing_malformed_or_unchecked_sarif_file_is_exit_2_on_one_line() {
    let api = Api::from_org(org());
    let files = Tree::new();
    files.write("bad.sarif", "{\"runs\": [");
    files.write("plain.sarif", "{}");
    files.write(
        "other.sarif",
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "gitleaks"}},
            "results": [{"ruleId": "generic-api-key", "message": {"text": "x"}}]}]}"#,
    );
    let t = Tree::new();
    t.write(".env", api.key(0, 1));
    let unchecked = files.path().join("unchecked.sarif");
    let run = run_in(
        t.path(),
        &[
            "scan",
            "--format",
            "sarif",
            "-o",
            unchecked.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 1);
    for (args, expected) in [
        (
            vec!["--sarif", "missing.sarif"],
            "keyhound: error: cannot read SARIF file missing.sarif: no such file or directory\n",
        ),
        (
            vec!["--sarif", "bad.sarif"],
            "keyhound: error: bad.sarif is not a SARIF log keyhound can revoke from: not JSON \
             (line 1, column 10)\n",
        ),
        (
            vec!["--sarif", "plain.sarif"],
            "keyhound: error: plain.sarif is not a SARIF log keyhound can revoke from: no runs \
             array\n",
        ),
        (
            vec!["--sarif", "other.sarif"],
            "keyhound: error: other.sarif is not a SARIF log keyhound can revoke from: no run \
             of keyhound in it (tool.driver.name): write it with keyhound scan --cross-check \
             --format sarif\n",
        ),
        (
            vec!["--sarif", "unchecked.sarif"],
            "keyhound: error: unchecked.sarif holds no cross-checked result: write it with \
             keyhound scan --cross-check --format sarif\n",
        ),
        (
            vec!["--sarif", "bad.sarif", "--yes"],
            "keyhound: error: --yes needs --audit-log FILE: every revocation is logged, one \
             JSON line per action\n",
        ),
    ] {
        let run = revoke(&api, files.path(), &args);
        assert_eq!((run.code, run.stderr.as_str()), (2, expected));
    }
    assert!(api.server.requests().is_empty());
}

#[test]
fn a_rejected_admin_key_is_exit_2_before_any_delete() {
    let api = Api::from_org(org());
    let t = Tree::new();
    plant(&api, &t);
    let files = Tree::new();
    let sarif = sarif_of(&api, t.path(), files.path(), "scan.sarif");
    let wrong = keyhound::fake::FakeKeys::new(99).key(keyhound::fake::Family::Admin);
    let audit = files.path().join("audit.jsonl");
    let run: Run = crate::support::tree::keyhound()
        .current_dir(files.path())
        .env("OPENAI_ADMIN_KEY", &wrong)
        .args(["revoke", "--api-base", &api.server.base_url()])
        .args(["--sarif", sarif.to_str().unwrap(), "--yes", "--audit-log"])
        .arg(&audit)
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("the admin key was rejected (401"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains(&wrong));
    assert!(deletes(&api).is_empty());
    assert!(audit_lines(&audit).is_empty());
}
