//! `scan --cross-check --revoke` end to end, against the stateful mock Admin API: what is
//! deleted, what never is, the order, the audit log and the exit codes.

use crate::support::mock::{check_of, json_of, Api};
use crate::support::revoke::{deletes, org, plant, AuditFile, IN_USE};
use crate::support::tree::Tree;
use keyhound::mock::{Fault, FaultKind};
use serde_json::Value;

pub fn revocation_of<'a>(json: &'a Value, key: &str) -> &'a Value {
    let fp = keyhound::secret::sha256_hex(key.as_bytes());
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fingerprint"] == fp.as_str())
        .map(|f| &f["revocation"])
        .expect("a finding for the key")
}

pub const USER: &str = "/v1/organization/projects/proj_00000/api_keys/key_00000_00001";
pub const USER2: &str = "/v1/organization/projects/proj_00001/api_keys/key_00001_00002";
pub const ADMIN: &str = "/v1/organization/admin_api_keys/key_admin_000";
const ACCOUNT: &str = "/v1/organization/projects/proj_00001/service_accounts/svc_acct_00001_00000";

#[test]
fn a_dry_run_prints_the_plan_and_makes_no_delete_request() {
    let api = Api::from_org(org());
    let t = Tree::new();
    plant(&api, &t);
    let run = api.scan(t.path(), &["--revoke"]);
    assert_eq!(run.code, 1, "findings are still findings: {}", run.stderr);
    assert!(deletes(&api).is_empty(), "a dry run sends no DELETE");
    assert!(
        api.server.requests().iter().all(|r| r.method == "GET"),
        "nor anything else that changes state"
    );
    let out = &run.stdout;
    let plan = out
        .split("Revocation plan: 3 to revoke, 3 left alone\n")
        .nth(1);
    let plan = plan.unwrap_or_else(|| panic!("{out}"));
    assert!(plan.starts_with("DRY RUN: nothing is changed"), "{plan}");
    for expected in [
        "  1. delete project key key_00000_00001 of proj_00000\n",
        "\"key 1 of proj_00000\" in project \"Project 0\" (proj_00000)\n",
        "     owner user User 1 <user1@example.com> (user_0001); created 2024-03-26, \
         last used 2024-03-26T18:02:13Z\n",
        "     found at .env:1:16, src/app.py:1:8\n",
        "  2. delete project key key_00001_00002 of proj_00001\n",
        "  3. delete admin key key_admin_000\n",
        "project key key_00001_00000 of proj_00001 \"key 0 of proj_00001\", left alone: \
         owned by service account svc_acct_00001_00000: a service account's key cannot be \
         deleted on its own",
        "left alone: ambiguous: matches 2 listed keys (key_twin in proj_00000, \
         key_00002_00001 in proj_00002); ambiguous keys are never revoked",
        "left alone: not in the organization's listings: nothing to revoke",
        "Revocation (dry run): 3 would be revoked, 0 already revoked, 3 left alone; \
         nothing was changed",
    ] {
        assert!(plan.contains(expected), "{expected}\n---\n{plan}");
    }
    assert!(run.stderr.ends_with(
        "keyhound: revocation: dry run, 3 would be revoked, 0 already revoked, 3 left alone; \
         nothing was changed\n"
    ));
}

#[test]
fn yes_deletes_exactly_the_planned_keys_never_an_ambiguous_one_and_logs_each_action() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let audit = AuditFile::new();
    let run = audit.scan(&api, t.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(deletes(&api), [USER, USER2, ADMIN]);
    let confirmed: Vec<String> = api
        .server
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.contains("key_"))
        .map(|r| r.path)
        .collect();
    assert_eq!(confirmed, [USER, USER2, ADMIN], "each re-confirmed first");
    let json = json_of(&run);
    for k in [&p.user, &p.user2, &p.admin] {
        let r = revocation_of(&json, k);
        assert_eq!(r["status"], "revoked", "{r}");
        assert_eq!(r["httpStatus"], 200);
        assert!(r["requestId"].as_str().unwrap().starts_with("req_"));
    }
    let r = revocation_of(&json, &p.ambiguous);
    assert_eq!(r["status"], "skipped");
    assert!(r["reason"].as_str().unwrap().starts_with("ambiguous"));
    assert_eq!(r["action"], Value::Null);
    assert_eq!(revocation_of(&json, &p.unknown)["status"], "skipped");
    let r = revocation_of(&json, &p.service_account);
    assert_eq!(r["status"], "skipped");
    assert_eq!(r["keyId"], "key_00001_00000");
    let s = &json["summary"]["revocation"];
    assert_eq!(
        (s["revoked"].as_u64(), s["skipped"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        (s["failed"].as_u64(), s["dryRun"].as_bool()),
        (Some(0), Some(false))
    );
    api.server.with_org(|o| {
        let ids: Vec<&str> = o.all_keys().map(|k| k.id.as_str()).collect();
        for gone in ["key_00000_00001", "key_00001_00002", "key_admin_000"] {
            assert!(!ids.contains(&gone), "{gone} still listed");
        }
        for kept in ["key_twin", "key_00002_00001", "key_00001_00000", IN_USE] {
            assert!(ids.contains(&kept), "{kept} was deleted");
        }
    });
    let lines = audit.lines();
    assert_eq!(lines.len(), 3, "one line per action");
    let ids: Vec<&str> = lines.iter().map(|l| l["keyId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["key_00000_00001", "key_00001_00002", "key_admin_000"]);
    for l in &lines {
        assert_eq!(l["outcome"], "revoked");
        assert_eq!(l["httpStatus"], 200);
        for field in [
            "time",
            "action",
            "keyName",
            "redacted",
            "fingerprint",
            "requestId",
        ] {
            assert!(l[field].is_string(), "{field} in {l}");
        }
    }
    assert_eq!(lines[0]["projectId"], "proj_00000");
    assert_eq!(
        lines[0]["fingerprint"],
        keyhound::secret::sha256_hex(p.user.as_bytes())
    );
    let text = audit.text();
    for k in p.all().iter().chain([&api.admin.as_str()]) {
        assert!(!text.contains(k), "the audit log holds a key");
    }
    assert!(run.stderr.contains("  REVOKED "), "progress on stderr");
}

#[test]
fn a_service_account_s_key_is_revoked_only_by_deleting_its_account_when_allowed() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let audit = AuditFile::new();
    let run = audit.scan(&api, t.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        !deletes(&api)
            .iter()
            .any(|d| d.contains("key_00001_00000") || d.contains("service_accounts")),
        "without --delete-service-accounts neither the key nor its account is deleted"
    );
    assert!(run.stdout.contains("SKIPPED sk-svcac"), "{}", run.stdout);
    api.server.clear_requests();
    let run = audit.scan(
        &api,
        t.path(),
        &["--format", "json", "--delete-service-accounts"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        deletes(&api),
        [ACCOUNT],
        "only the account; the rest is already revoked"
    );
    assert!(
        run.stderr
            .contains("ALL keys of service account svc_acct_00001_00000 stop working"),
        "{}",
        run.stderr
    );
    let json = json_of(&run);
    let r = revocation_of(&json, &p.service_account);
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["action"], "delete_service_account");
    assert_eq!(r["serviceAccountId"], "svc_acct_00001_00000");
    let r = revocation_of(&json, &p.user);
    assert_eq!(r["status"], "already_revoked", "the audit log says so: {r}");
    api.server.with_org(|o| {
        let p1 = &o.projects[1];
        assert!(p1
            .service_accounts
            .iter()
            .all(|a| a.id != "svc_acct_00001_00000"));
        assert!(p1.keys.iter().all(|k| k.id != "key_00001_00000"));
    });
    let last = audit.lines().pop().unwrap();
    assert_eq!(last["action"], "delete_service_account");
    assert_eq!(last["serviceAccountId"], "svc_acct_00001_00000");
}

#[test]
fn running_the_same_revocation_twice_ends_with_every_key_revoked_or_already_revoked() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let audit = AuditFile::new();
    let args = ["--format", "json"];
    assert_eq!(audit.scan(&api, t.path(), &args).code, 1);
    api.server.clear_requests();
    let run = audit.scan(&api, t.path(), &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(deletes(&api).is_empty(), "nothing left to delete");
    let json = json_of(&run);
    for k in [&p.user, &p.user2, &p.admin] {
        assert_eq!(
            check_of(&json, k)["status"],
            "not_found",
            "gone from the listings"
        );
        let r = revocation_of(&json, k);
        assert_eq!(r["status"], "already_revoked", "{r}");
        let reason = r["reason"].as_str().unwrap();
        assert!(
            reason.contains(", as the audit log records; not in the organization's listings"),
            "{reason}"
        );
    }
    assert_eq!(revocation_of(&json, &p.ambiguous)["status"], "skipped");
    assert_eq!(
        audit.lines().len(),
        3,
        "the second run had no action to log"
    );
    // Keys still listed but gone by the time of the DELETE: 404 there is already revoked.
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    for path in [USER, ADMIN] {
        api.server
            .inject(Fault::new(path, 1, FaultKind::Status(404)).only("DELETE"));
    }
    let run = AuditFile::new().scan(&api, t.path(), &args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = json_of(&run);
    for k in [&p.user, &p.admin] {
        let r = revocation_of(&json, k);
        assert_eq!(
            (r["status"].as_str(), r["httpStatus"].as_u64()),
            (Some("already_revoked"), Some(404))
        );
    }
    assert_eq!(revocation_of(&json, &p.user2)["status"], "revoked");
}
