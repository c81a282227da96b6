//! Carrying plans out against the in-memory Admin API: confirmation, 404s, failures, the
//! audit log, liveness afterwards.

use super::*;
use crate::openai::LiveStatus;
use crate::revoke::audit_log::AuditLog;
use crate::revoke::plan::{plan, Policy};
use crate::revoke::testing::{admin_key, org, project_key, target, Org};
use crate::secret::Secret;
use serde_json::Value;

fn everything(o: &Org) -> Vec<Target> {
    vec![
        target(admin_key("key_in_use"), &o.in_use, None),
        target(
            project_key("proj_1", "key_user"),
            &o.user,
            Some(("user", "user_1")),
        ),
        target(
            project_key("proj_1", "key_sa"),
            &o.sa,
            Some(("service_account", "sa_1")),
        ),
        target(
            project_key("proj_1", "key_sa2"),
            &o.sa2,
            Some(("service_account", "sa_1")),
        ),
        target(admin_key("key_admin"), &o.admin, None),
    ]
}

fn planned(o: &Org, targets: Vec<Target>, delete_service_accounts: bool) -> Plan {
    plan(
        targets,
        Vec::new(),
        &Policy {
            delete_service_accounts,
            admin_key: &o.in_use,
        },
    )
}

fn log_in(dir: &tempfile::TempDir) -> AuditLog {
    AuditLog::open(&dir.path().join("audit.jsonl")).unwrap()
}

fn lines(audit: &AuditLog) -> Vec<Value> {
    std::fs::read_to_string(audit.path())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn statuses(report: &RevocationReport) -> Vec<(String, Status)> {
    report
        .records
        .iter()
        .map(|r| {
            let what = r
                .target
                .as_ref()
                .map_or("-".into(), |t| t.subject.describe());
            (what, r.status)
        })
        .collect()
}

#[test]
fn a_dry_run_makes_no_call_at_all() {
    let o = org();
    let report = dry_run(planned(&o, everything(&o), true));
    assert!(o.calls().is_empty());
    assert!(report.dry_run && !report.any_failed());
    assert_eq!(report.counts().would_revoke, 5);
    assert!(report.records[4].reason.ends_with("revoked last"));
}

#[test]
fn each_step_is_confirmed_then_deleted_in_order_and_logged_one_line_per_action() {
    let o = org();
    let dir = tempfile::tempdir().unwrap();
    let audit = log_in(&dir);
    let mut seen = Vec::new();
    let report = execute(
        planned(&o, everything(&o), true),
        &o.api,
        &audit,
        None,
        &mut |r| seen.push(r.status),
    );
    assert_eq!(
        o.calls(),
        [
            "get_project_key proj_1 key_user",
            "delete_project_key proj_1 key_user",
            "get_project_key proj_1 key_sa",
            "delete_service_account proj_1 sa_1",
            // The account's deletion took its other key with it.
            "get_project_key proj_1 key_sa2",
            "get_admin_key key_admin",
            "delete_admin_key key_admin",
            "get_admin_key key_in_use",
            "delete_admin_key key_in_use",
        ]
    );
    assert_eq!(
        seen,
        [
            Status::Revoked,
            Status::Revoked,
            Status::AlreadyRevoked,
            Status::Revoked,
            Status::Revoked
        ]
    );
    assert!(!report.any_failed());
    let log = lines(&audit);
    assert_eq!(log.len(), 5, "one line per action");
    assert_eq!(log[0]["action"], "delete_project_key");
    assert_eq!(log[0]["projectId"], "proj_1");
    assert_eq!(log[0]["keyId"], "key_user");
    assert_eq!(log[0]["keyName"], "deploy key");
    assert_eq!(log[0]["redacted"], o.user.redacted());
    assert_eq!(log[0]["fingerprint"], o.user.fingerprint());
    assert_eq!(log[0]["outcome"], "revoked");
    assert_eq!(log[0]["request"], "delete");
    assert_eq!(log[0]["httpStatus"], 200);
    assert_eq!(log[1]["serviceAccountId"], "sa_1");
    assert_eq!(log[2]["outcome"], "already_revoked");
    assert_eq!(log[2]["request"], "confirm");
    assert_eq!(log[2]["httpStatus"], 404);
    assert_eq!(log[4]["keyId"], "key_in_use");
    let text = std::fs::read_to_string(audit.path()).unwrap();
    for secret in [&o.user, &o.sa, &o.sa2, &o.admin, &o.in_use] {
        assert!(!text.contains(secret.expose()), "the audit log holds a key");
    }
    // Appended: a second run adds its lines after the first's.
    let again = execute(
        planned(&o, everything(&o), true),
        &o.api,
        &audit,
        None,
        &mut |_| {},
    );
    assert_eq!(again.counts().already_revoked, 5);
    assert_eq!(lines(&audit).len(), 10);
}

#[test]
fn a_404_on_delete_is_already_revoked_and_other_failures_do_not_stop_the_rest() {
    let o = org();
    {
        let mut s = o.api.state.lock().unwrap();
        s.failures.insert(
            "delete_project_key proj_1 key_user".into(),
            ApiError::NotFound {
                endpoint: "DELETE x".into(),
            },
        );
        s.failures.insert(
            "delete_admin_key key_admin".into(),
            ApiError::Status {
                endpoint: "DELETE y".into(),
                status: 503,
            },
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let report = execute(
        planned(&o, everything(&o), false),
        &o.api,
        &log_in(&dir),
        None,
        &mut |_| {},
    );
    let s = statuses(&report);
    assert_eq!(s[0].1, Status::AlreadyRevoked);
    assert_eq!(report.records[0].reason, "already gone (404 on DELETE)");
    assert_eq!(s[1], ("admin key key_admin".into(), Status::Failed));
    assert_eq!(report.records[1].reason, "DELETE y: unexpected status 503");
    assert_eq!(s[2], ("admin key key_in_use".into(), Status::Revoked));
    assert_eq!(s[3].1, Status::Skipped, "service accounts are left alone");
    assert!(report.any_failed());
}

#[test]
fn a_key_that_no_longer_matches_or_changed_owner_is_not_deleted() {
    let o = org();
    let mut wrong = target(project_key("proj_1", "key_user"), &o.sa, None);
    wrong.fingerprint = Some("00".repeat(32));
    let moved = target(
        project_key("proj_1", "key_user"),
        &o.user,
        Some(("service_account", "sa_1")),
    );
    let dir = tempfile::tempdir().unwrap();
    let audit = log_in(&dir);
    let report = execute(
        planned(&o, vec![wrong], false),
        &o.api,
        &audit,
        None,
        &mut |_| {},
    );
    assert_eq!(report.records[0].status, Status::Failed);
    assert!(report.records[0]
        .reason
        .contains("no longer matches key_user"));
    let report = execute(
        planned(&o, vec![moved], true),
        &o.api,
        &audit,
        None,
        &mut |_| {},
    );
    assert!(report.records[0]
        .reason
        .contains("key_user is no longer owned by service account sa_1"));
    assert!(o.deletes().is_empty());
}

#[test]
fn a_400_for_a_key_not_known_to_be_a_service_account_s_fails_and_says_why() {
    let o = org();
    let unknown_owner = target(project_key("proj_1", "key_sa"), &o.sa, None);
    let dir = tempfile::tempdir().unwrap();
    let report = execute(
        planned(&o, vec![unknown_owner], false),
        &o.api,
        &log_in(&dir),
        None,
        &mut |_| {},
    );
    let r = &report.records[0];
    assert_eq!((r.status, r.trace.status), (Status::Failed, Some(400)));
    assert!(r
        .reason
        .contains("--delete-service-accounts deletes the whole account"));
    assert_eq!(o.deletes(), ["delete_project_key proj_1 key_sa"]);
}

#[test]
fn when_the_audit_log_cannot_be_written_no_further_delete_is_sent() {
    let o = org();
    let full = AuditLog::open(std::path::Path::new("/dev/full")).unwrap();
    let report = execute(
        planned(&o, everything(&o), false),
        &o.api,
        &full,
        None,
        &mut |_| {},
    );
    assert_eq!(o.deletes(), ["delete_project_key proj_1 key_user"]);
    assert_eq!(report.records[0].status, Status::Revoked);
    assert!(report.records[0]
        .reason
        .contains("its audit line could not be written"));
    assert_eq!(report.records[1].status, Status::Failed);
    assert!(report.records[1]
        .reason
        .starts_with("not attempted: the audit log could not be written"));
    assert!(report.audit_error.is_some());
}

struct Refused;

impl LivenessCheck for Refused {
    fn check(&self, _: &Secret, _: Option<&str>) -> LiveStatus {
        LiveStatus::Revoked
    }
}

#[test]
fn with_liveness_each_revoked_key_in_hand_is_checked_afterwards() {
    let o = org();
    let mut no_secret = target(admin_key("key_admin"), &o.admin, None);
    no_secret.secret = None;
    let targets = vec![
        target(project_key("proj_1", "key_user"), &o.user, None),
        no_secret,
    ];
    let dir = tempfile::tempdir().unwrap();
    let report = execute(
        planned(&o, targets, false),
        &o.api,
        &log_in(&dir),
        Some(&Refused),
        &mut |_| {},
    );
    let after: Vec<Option<LiveStatus>> = report.records.iter().map(|r| r.liveness_after).collect();
    assert_eq!(after, [Some(LiveStatus::Revoked), None]);
}
