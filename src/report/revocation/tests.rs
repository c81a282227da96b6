//! The revocation's formats: the `revocation` object, the `keyhound revoke` document, and
//! the human plan and summary.

use super::*;
use crate::fake::{FakeKeys, Family};
use crate::openai::{LiveStatus, Trace};
use crate::revoke::execute::dry_run;
use crate::revoke::plan::{plan, Policy};
use crate::revoke::{Details, LeftAlone, Status, Target};
use crate::secret::Secret;

fn secret(seed: u64, family: Family) -> Secret {
    Secret::new(FakeKeys::new(seed).key(family))
}

fn target(subject: Subject, key: &Secret, owner: Option<&str>) -> Target {
    Target {
        subject,
        details: Details {
            key_name: Some("deploy\u{1b}[2J key".into()),
            project_name: Some("Web".into()),
            owner_type: Some(
                if owner.is_some() {
                    "service_account"
                } else {
                    "user"
                }
                .into(),
            ),
            owner_id: Some(owner.unwrap_or("user_1").into()),
            owner_name: Some("Ada".into()),
            owner_email: Some("ada@example.com".into()),
            created_at: Some(1_711_471_533),
            last_used_at: None,
        },
        redacted: key.redacted(),
        fingerprint: Some(key.fingerprint()),
        why: "found at .env:1:5".into(),
        secret: Some(key.clone()),
    }
}

fn sample() -> (crate::revoke::plan::Plan, Vec<Secret>) {
    let user = secret(1, Family::Project);
    let sa = secret(2, Family::ServiceAccount);
    let admin = secret(3, Family::Admin);
    let gone = secret(4, Family::Project);
    let targets = vec![
        target(
            Subject::ProjectKey {
                project_id: "proj_1".into(),
                key_id: "key_1".into(),
            },
            &user,
            None,
        ),
        target(
            Subject::ProjectKey {
                project_id: "proj_1".into(),
                key_id: "key_2".into(),
            },
            &sa,
            Some("sa_1"),
        ),
        target(
            Subject::AdminKey {
                key_id: "key_in_use".into(),
            },
            &admin,
            None,
        ),
    ];
    let left = vec![LeftAlone {
        redacted: gone.redacted(),
        fingerprint: Some(gone.fingerprint()),
        status: Status::Skipped,
        reason: "not in the organization's listings: nothing to revoke".into(),
        target: None,
    }];
    let p = plan(
        targets,
        left,
        &Policy {
            delete_service_accounts: true,
            admin_key: &admin,
        },
    );
    (p, vec![user, sa, admin, gone])
}

#[test]
fn the_revocation_object_holds_ids_and_outcomes_only() {
    let (p, keys) = sample();
    let mut rev = dry_run(p);
    rev.records[0].trace = Trace {
        status: Some(200),
        request_id: Some("req_1".into()),
    };
    rev.records[0].liveness_after = Some(LiveStatus::Revoked);
    let v = record_value(&rev.records[0]);
    assert_eq!(v["status"], "would_revoke");
    assert_eq!(v["action"], "delete_project_key");
    assert_eq!(v["keyKind"], "project");
    assert_eq!(v["projectId"], "proj_1");
    assert_eq!(v["keyId"], "key_1");
    assert_eq!(v["serviceAccountId"], Value::Null);
    assert_eq!(v["selfRevocation"], false);
    assert_eq!(v["httpStatus"], 200);
    assert_eq!(v["requestId"], "req_1");
    assert_eq!(v["livenessAfter"], "revoked");
    assert_eq!(record_value(&rev.records[1])["serviceAccountId"], "sa_1");
    assert_eq!(record_value(&rev.records[1])["keyKind"], "service_account");
    assert_eq!(record_value(&rev.records[2])["selfRevocation"], true);
    let left = record_value(&rev.records[3]);
    assert_eq!(
        (left["status"].as_str(), left["action"].as_str()),
        (Some("skipped"), None)
    );
    let all: String = rev
        .records
        .iter()
        .map(|r| record_value(r).to_string())
        .collect();
    for personal in ["Ada", "ada@example.com", "deploy", "Web"] {
        assert!(!all.contains(personal), "{personal} in a revocation object");
    }
    let doc = to_json(&rev).to_string();
    assert!(
        doc.contains("ada@example.com"),
        "the revoke document has the owner"
    );
    for k in &keys {
        assert!(!doc.contains(k.expose()) && !all.contains(k.expose()));
    }
    let s = summary_value(&rev);
    assert_eq!(
        (s["wouldRevoke"].as_u64(), s["skipped"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(s["dryRun"], true);
}

#[test]
fn the_plan_names_each_key_its_owner_and_what_deleting_an_account_or_the_key_in_use_means() {
    let (p, keys) = sample();
    let mut out = Vec::new();
    human::write_plan(&p, None, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Revocation plan: 3 to revoke, 1 left alone\nDRY RUN"),
        "{text}"
    );
    assert!(
        text.contains("  1. delete project key key_1 of proj_1\n"),
        "{text}"
    );
    assert!(text.contains(&format!(
        "     {} \"deploy\u{fffd}[2J key\" in project \"Web\" (proj_1)\n",
        keys[0].redacted()
    )));
    assert!(text.contains(
        "     owner user Ada <ada@example.com> (user_1); created 2024-03-26, never used\n"
    ));
    assert!(text.contains("     ALL keys of service account sa_1 stop working"));
    assert!(text.contains("this is the admin key keyhound is running with: revoked last"));
    assert!(text.contains(&format!(
        "  - {}, left alone: not in the organization's listings",
        keys[3].redacted()
    )));
    for k in &keys {
        assert!(!text.contains(k.expose()));
    }
    let rev = dry_run(p);
    let mut out = Vec::new();
    human::write_summary(&rev, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\nRevocation (dry run): 3 would be revoked, 0 already revoked, 1 left alone; \
         nothing was changed\n"
    );
}

#[test]
fn the_summary_lists_what_was_revoked_and_what_was_not_and_why() {
    let (p, _) = sample();
    let mut rev = dry_run(p);
    rev.dry_run = false;
    rev.records[0].status = Status::Revoked;
    rev.records[0].reason = "deleted".into();
    rev.records[0].liveness_after = Some(LiveStatus::Revoked);
    rev.records[1].status = Status::Failed;
    rev.records[1].reason = "DELETE /x: gave up after 6 attempts".into();
    rev.records[2].status = Status::AlreadyRevoked;
    let mut out = Vec::new();
    human::write_summary(&rev, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1],
        "Revocation: 1 revoked, 1 already revoked, 1 failed, 1 left alone"
    );
    assert!(lines[2].starts_with("  REVOKED "), "{text}");
    assert!(lines[2].ends_with(" project key key_1 of proj_1 [refused afterwards]: deleted"));
    assert!(lines[3].starts_with("  ALREADY REVOKED "));
    assert!(lines[4].starts_with("  FAILED ") && lines[4].ends_with("gave up after 6 attempts"));
    assert!(lines[5].starts_with("  SKIPPED "));
    let mut err = Vec::new();
    human::write_summary_line(&rev, &mut err).unwrap();
    assert_eq!(
        String::from_utf8(err).unwrap(),
        "keyhound: revocation: 1 revoked, 1 already revoked, 1 failed, 1 left alone\n"
    );
}
