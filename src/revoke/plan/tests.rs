//! The plan's policy: order, service accounts, conflicts, the admin key in use.

use super::*;
use crate::fake::Family;
use crate::revoke::testing::{admin_key, key, project_key, target};

fn policy(admin: &Secret, delete_service_accounts: bool) -> Policy<'_> {
    Policy {
        delete_service_accounts,
        admin_key: admin,
    }
}

#[test]
fn users_keys_come_first_then_service_accounts_other_admin_keys_and_the_key_in_use_last() {
    let in_use = key(1, Family::Admin);
    let other_admin = key(2, Family::Admin);
    let user = key(3, Family::Project);
    let sa = key(4, Family::ServiceAccount);
    let targets = vec![
        target(admin_key("key_in_use"), &in_use, None),
        target(admin_key("key_admin"), &other_admin, None),
        target(
            project_key("proj_1", "key_sa"),
            &sa,
            Some(("service_account", "sa_1")),
        ),
        target(
            project_key("proj_1", "key_user"),
            &user,
            Some(("user", "u")),
        ),
    ];
    let plan = plan(targets, Vec::new(), &policy(&in_use, true));
    let actions: Vec<String> = plan.steps.iter().map(|s| s.action.describe()).collect();
    assert_eq!(
        actions,
        [
            "delete project key key_user of proj_1",
            "delete service account sa_1 of proj_1 (all its keys stop working)",
            "delete admin key key_admin",
            "delete admin key key_in_use",
        ]
    );
    let selfs: Vec<bool> = plan.steps.iter().map(|s| s.self_key).collect();
    assert_eq!(selfs, [false, false, false, true]);
    assert_eq!(
        plan.steps[1].action,
        Action::DeleteServiceAccount {
            project_id: "proj_1".into(),
            service_account_id: "sa_1".into(),
            via_key: Some("key_sa".into()),
        }
    );
    assert!(plan.left_alone.is_empty());
}

#[test]
fn a_service_account_s_key_is_left_alone_unless_accounts_may_be_deleted() {
    let admin = key(1, Family::Admin);
    let sa = key(4, Family::ServiceAccount);
    let owned = target(
        project_key("proj_1", "key_sa"),
        &sa,
        Some(("service_account", "sa_1")),
    );
    let plan = plan(vec![owned.clone()], Vec::new(), &policy(&admin, false));
    assert!(plan.steps.is_empty());
    let l = &plan.left_alone[0];
    assert_eq!(l.status, Status::Skipped);
    assert_eq!(l.reason, service_account_reason("sa_1"));
    assert!(l
        .reason
        .contains("--delete-service-accounts deletes the whole account"));
    assert_eq!(l.fingerprint, owned.fingerprint);

    let mut unknown = owned;
    unknown.details.owner_id = None;
    let plan = super::plan(vec![unknown], Vec::new(), &policy(&admin, true));
    assert!(
        plan.steps.is_empty(),
        "an account that is not named is not deleted"
    );
    assert!(plan.left_alone[0].reason.contains("whose id is not known"));

    let account = Target {
        subject: Subject::ServiceAccount {
            project_id: "proj_1".into(),
            service_account_id: "sa_9".into(),
        },
        fingerprint: None,
        secret: None,
        ..target(admin_key("x"), &sa, None)
    };
    let plan = super::plan(vec![account.clone()], Vec::new(), &policy(&admin, false));
    assert!(plan.left_alone[0]
        .reason
        .ends_with("needs --delete-service-accounts"));
    let plan = super::plan(vec![account], Vec::new(), &policy(&admin, true));
    assert_eq!(
        plan.steps[0].action,
        Action::DeleteServiceAccount {
            project_id: "proj_1".into(),
            service_account_id: "sa_9".into(),
            via_key: None,
        }
    );
}

#[test]
fn two_keys_naming_one_listed_key_or_one_key_named_twice_are_left_alone() {
    let admin = key(1, Family::Admin);
    let (a, b, c) = (
        key(2, Family::Project),
        key(3, Family::Project),
        key(4, Family::Project),
    );
    let targets = vec![
        target(project_key("proj_1", "key_1"), &a, None),
        target(project_key("proj_1", "key_1"), &b, None),
        target(project_key("proj_1", "key_2"), &c, None),
        target(project_key("proj_2", "key_3"), &c, None),
        // The same key named twice for the same listed key: one step.
        target(project_key("proj_1", "key_4"), &admin, None),
        target(project_key("proj_1", "key_4"), &admin, None),
    ];
    let plan = plan(targets, Vec::new(), &policy(&key(9, Family::Admin), false));
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(
        plan.steps[0].action.describe(),
        "delete project key key_4 of proj_1"
    );
    let reasons: Vec<&str> = plan.left_alone.iter().map(|l| l.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "2 different found keys match the listed project key key_1 of proj_1: ambiguous, \
             none is revoked",
            "2 different found keys match the listed project key key_1 of proj_1: ambiguous, \
             none is revoked",
            "the same key was attributed to 2 listed keys (project key key_2 of proj_1, \
             project key key_3 of proj_2): ambiguous, none is revoked",
        ]
    );
}

#[test]
fn an_admin_key_without_a_fingerprint_that_could_be_the_key_in_use_goes_last() {
    let in_use = key(1, Family::Admin);
    let user = key(3, Family::Project);
    let mut listed = target(admin_key("key_maybe_in_use"), &in_use, None);
    listed.fingerprint = None;
    listed.secret = None;
    listed.redacted = crate::mock::Redaction::Stars.apply(in_use.expose());
    let mut other = target(admin_key("key_other"), &key(2, Family::Admin), None);
    other.fingerprint = None;
    let targets = vec![
        listed,
        other,
        target(project_key("p", "key_user"), &user, None),
    ];
    let plan = plan(targets, Vec::new(), &policy(&in_use, false));
    let order: Vec<(&str, bool)> = plan
        .steps
        .iter()
        .map(|s| (s.target.subject.key_id().unwrap(), s.self_key))
        .collect();
    assert_eq!(
        order,
        [
            ("key_user", false),
            ("key_other", false),
            ("key_maybe_in_use", true)
        ]
    );
}
