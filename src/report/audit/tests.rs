use super::*;
use crate::audit::flags::{Thresholds, DAY};
use crate::audit::{run, Options};
use crate::fake::{FakeKeys, Family};
use crate::mock::Redaction;
use crate::openai::memory::{InMemoryAdminApi, MemoryState};
use crate::openai::models::OwnerUser;
use crate::openai::{ApiError, Project, ProjectApiKey, ProjectKeyOwner};

const NOW: i64 = 1_719_187_200;

/// One project named to break things, holding one stale key and one fresh key, and a
/// second project whose listing fails.
fn report() -> (AuditReport, String) {
    let value = FakeKeys::new(5).key(Family::Project);
    let owner = ProjectKeyOwner {
        kind: Some("user".into()),
        user: Some(OwnerUser {
            id: "user_1".into(),
            email: Some("ada@example.com".into()),
            name: Some("=HYPERLINK(\"http://x\",\"Ada\")".into()),
            role: None,
            created_at: None,
        }),
        service_account: None,
    };
    let key = |id: &str, days: i64| ProjectApiKey {
        id: id.into(),
        redacted_value: Redaction::Stars.apply(&value),
        name: Some("ci, \"prod\"\nline\u{1b}[31m".into()),
        created_at: NOW - 400 * DAY,
        last_used_at: Some(NOW - days * DAY),
        owner_project_access: Some("active".into()),
        owner: owner.clone(),
    };
    let mut s = MemoryState {
        projects: vec![
            Project {
                id: "proj_x".into(),
                name: Some("-1+2 \u{7}bell".into()),
                created_at: NOW - 500 * DAY,
                archived_at: None,
                status: Some("active".into()),
            },
            Project {
                id: "proj_down".into(),
                name: Some("Down".into()),
                created_at: NOW - 500 * DAY,
                archived_at: None,
                status: None,
            },
        ],
        ..MemoryState::default()
    };
    s.keys.insert(
        "proj_x".into(),
        vec![key("key_old", 100), key("key_new", 1)],
    );
    s.failures.insert(
        "list_project_keys proj_down".into(),
        ApiError::Status {
            endpoint: "GET /organization/projects/proj_down/api_keys".into(),
            status: 503,
        },
    );
    let options = Options {
        thresholds: Thresholds {
            now: NOW,
            stale_days: 90,
            max_keys_per_owner: 10,
        },
        concurrency: 2,
    };
    let r = run(&InMemoryAdminApi::new(s), None, options).unwrap();
    (r, value)
}

#[test]
fn json_has_the_documented_shape() {
    let (r, value) = report();
    let v = to_json(&r);
    let text = serde_json::to_string(&v).unwrap();
    assert!(!text.contains(&value));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["audit"]["now"], "2024-06-24T00:00:00Z");
    assert_eq!(v["audit"]["staleDays"], 90);
    assert_eq!(v["audit"]["flagIds"].as_array().unwrap().len(), 8);
    let k = &v["keys"][0];
    let mut fields: Vec<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        vec![
            "adminKeyInUse",
            "createdAt",
            "expiresAt",
            "flags",
            "keyId",
            "keyKind",
            "keyName",
            "lastUsedAt",
            "ownerEmail",
            "ownerId",
            "ownerName",
            "ownerProjectAccess",
            "ownerType",
            "projectArchived",
            "projectId",
            "projectName",
            "redacted",
            "risk",
            "serviceAccountId",
        ]
    );
    assert_eq!(k["keyId"], "key_old");
    assert_eq!(k["risk"], 2);
    assert_eq!(k["flags"][0]["id"], "stale");
    assert_eq!(
        k["flags"][0]["reason"],
        "not used for 100 days (last used 2024-03-16; stale after 90 days)"
    );
    assert_eq!(k["lastUsedAt"], "2024-03-16T00:00:00Z");
    assert_eq!(k["expiresAt"], Value::Null);
    assert_eq!(v["projects"][0]["keys"], 2);
    assert_eq!(v["projects"][1]["id"], "proj_down");
    assert_eq!(v["projects"][1]["keys"], Value::Null);
    assert_eq!(
        v["projects"][1]["error"],
        "GET /organization/projects/proj_down/api_keys: unexpected status 503"
    );
    let s = &v["summary"];
    assert_eq!(s["complete"], false);
    assert_eq!(s["failedListings"], 1);
    assert_eq!(s["keys"], 2);
    assert_eq!(s["flaggedKeys"], 1);
    assert_eq!(s["flags"]["stale"], 1);
    assert_eq!(s["flags"]["orphaned"], 0);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn csv_fields_are_quoted_per_rfc_4180_and_guarded_against_formulas() {
    assert_eq!(csv::field("plain"), "plain");
    assert_eq!(csv::field("a,b"), "\"a,b\"");
    assert_eq!(csv::field("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(csv::field("two\nlines"), "\"two\nlines\"");
    assert_eq!(csv::field("=1+1"), "'=1+1");
    assert_eq!(csv::field("+1"), "'+1");
    assert_eq!(csv::field("-1"), "'-1");
    assert_eq!(csv::field("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(csv::field("\tx"), "'\tx");
    assert_eq!(csv::field("=A1,\"x\""), "\"'=A1,\"\"x\"\"\"");
    assert_eq!(csv::field("a=b"), "a=b");
    assert_eq!(csv::field(""), "");
    assert_eq!(csv::field("\u{1b}[2J\r"), "\u{fffd}[2J\u{fffd}");
}

#[test]
fn csv_has_a_header_and_one_crlf_row_per_key() {
    let (r, value) = report();
    let mut out = Vec::new();
    csv::write_csv(&r, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains(&value));
    assert!(text.starts_with(&format!("{}\r\n", csv::COLUMNS.join(","))));
    assert!(text.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"Ada\"\")\","));
    assert!(text.contains(",'-1+2 \u{fffd}bell,"));
    assert!(text.contains("\"ci, \"\"prod\"\"\nline\u{fffd}[31m\""));
    assert!(text.ends_with("\r\n"));
}

#[test]
fn human_output_groups_by_project_and_replaces_control_characters() {
    let (r, value) = report();
    let mut out = Vec::new();
    human::write_audit(&r, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains(&value));
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(text.starts_with("keyhound audit at 2024-06-24T00:00:00Z: stale after 90 days"));
    assert!(text.contains("\nINCOMPLETE: 1 listing failed after retries"));
    assert!(text.contains("\nProject \"-1+2 \u{fffd}bell\" (proj_x): 2 keys, 1 flagged\n"));
    assert!(text.contains("  RISK  KEY"), "{text}");
    assert!(text.contains(
        "        - stale: not used for 100 days (last used 2024-03-16; stale after 90 days)\n"
    ));
    assert!(text.contains(
        "\nProject \"Down\" (proj_down): keys could not be listed: GET \
         /organization/projects/proj_down/api_keys: unexpected status 503\n"
    ));
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("key_")).collect();
    assert!(
        rows[0].trim_start().starts_with("2  key_old"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].trim_start().starts_with("0  key_new"),
        "{}",
        rows[1]
    );
    let mut err = Vec::new();
    human::write_summary(&r, &mut err).unwrap();
    let err = String::from_utf8(err).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0]
        .starts_with("keyhound: warning: audit: cannot list the keys of project proj_down: "));
    assert!(
        lines[1].starts_with(
            "keyhound: audit: 2 keys (2 in 2 projects, 0 archived; 0 admin), 1 flagged \
             (1 stale); INCOMPLETE: 1 failed listings, "
        ),
        "{}",
        lines[1]
    );
}

/// A dry-run clean-up of [`report`] by `stale`: key_old would be revoked, key_new is not
/// chosen.
fn cleaned(r: &AuditReport) -> crate::audit::cleanup::Cleanup {
    use crate::audit::{cleanup, targets};
    let admin = crate::secret::Secret::new(FakeKeys::new(6).key(Family::Admin));
    let policy = crate::revoke::plan::Policy {
        delete_service_accounts: false,
        admin_key: &admin,
    };
    let flags = vec![Flag::Stale];
    let (plan, unplaced) = cleanup::plan(targets::revocation_targets(r, &flags), &policy);
    let rev = crate::revoke::execute::dry_run(plan);
    cleanup::Cleanup::new(flags, rev, &unplaced)
}

#[test]
fn after_a_clean_up_each_key_and_the_summary_carry_the_revocation() {
    let (r, value) = report();
    assert_eq!(
        to_json(&r)["keys"][0].get("revocation"),
        None,
        "no --revoke"
    );
    let c = cleaned(&r);
    let v = to_json_with(&r, Some(&c));
    assert!(!serde_json::to_string(&v).unwrap().contains(&value));
    let old = &v["keys"][0]["revocation"];
    assert_eq!(old["status"], "would_revoke");
    assert_eq!(old["action"], "delete_project_key");
    assert_eq!(
        (old["projectId"].as_str(), old["keyId"].as_str()),
        (Some("proj_x"), Some("key_old"))
    );
    assert_eq!(old["reason"], "delete project key key_old of proj_x");
    assert_eq!(v["keys"][1]["keyId"], "key_new");
    assert_eq!(v["keys"][1]["revocation"], Value::Null);
    let s = &v["summary"]["revocation"];
    assert_eq!(
        (s["wouldRevoke"].as_u64(), s["revoked"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(s["dryRun"], true);
    assert_eq!(s["auditLog"], Value::Null);
    assert_eq!(s["flags"], serde_json::json!(["stale"]));
    let mut streamed = Vec::new();
    write_json_with(&r, Some(&c), &mut streamed).unwrap();
    let streamed: Value = serde_json::from_slice(&streamed).unwrap();
    assert_eq!(streamed, v);
}

#[test]
fn after_a_clean_up_csv_ends_each_row_with_the_revocation_status() {
    let (r, _) = report();
    let c = cleaned(&r);
    let mut out = Vec::new();
    csv::write_csv_with(&r, Some(&c), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], format!("{},revocation", csv::COLUMNS.join(",")));
    let old = lines.iter().find(|l| l.contains(",key_old,")).unwrap();
    assert!(old.ends_with(",would_revoke"), "{old}");
    let new = lines.iter().find(|l| l.contains(",key_new,")).unwrap();
    // risk 0, no flags, no reasons, and (not chosen) an empty revocation cell.
    assert!(new.ends_with(",0,,,"), "{new}");
}
