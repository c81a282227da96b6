use super::*;
use crate::audit::flags::{Flag, DAY};
use crate::audit::targets::{revocation_targets, UNRECOGNISABLE_REASON};
use crate::audit::tests::{admin_key, options, org, NOW};
use crate::audit::{run, AuditReport};
use crate::openai::memory::InMemoryAdminApi;
use crate::openai::AdminApiKey;
use crate::revoke::execute;
use crate::revoke::plan::Action;
use crate::secret::Secret;

const CHOSEN: [Flag; 4] = [
    Flag::Stale,
    Flag::AdminStale,
    Flag::AdminNoExpiry,
    Flag::Orphaned,
];

/// The audit of [`org`] with the admin key in use old and unused (so flagged admin-stale).
fn audited() -> (AuditReport, Secret) {
    let (mut state, in_use) = org();
    state.admin_keys[0].last_used_at = Some(NOW - 200 * DAY);
    let r = run(&InMemoryAdminApi::new(state), Some(&in_use), options()).unwrap();
    (r, in_use)
}

fn key_ids(targets: &[crate::revoke::Target]) -> Vec<&str> {
    targets.iter().filter_map(|t| t.subject.key_id()).collect()
}

#[test]
fn targets_are_the_keys_carrying_a_chosen_flag_never_the_admin_key_in_use() {
    let (r, _) = audited();
    let s = revocation_targets(&r, &CHOSEN);
    assert_eq!(
        key_ids(&s.targets),
        ["key_svc", "key_orphan", "key_stale", "key_admin_forever"]
    );
    let svc = &s.targets[0];
    assert_eq!(
        svc.subject,
        Subject::ProjectKey {
            project_id: "proj_a".into(),
            key_id: "key_svc".into()
        }
    );
    let d = &svc.details;
    assert_eq!(
        (d.owner_type.as_deref(), d.owner_id.as_deref()),
        (Some("service_account"), Some("svc_1"))
    );
    assert_eq!(
        svc.why,
        "flagged stale; service account svc_1 holds 1 key in proj_a: key_svc"
    );
    assert!(svc.redacted.starts_with("sk-proj-…"), "{}", svc.redacted);
    assert!(svc.secret.is_none() && svc.fingerprint.is_none());
    assert_eq!(s.targets[3].why, "flagged admin-no-expiry");
    assert_eq!(s.left_alone.len(), 1);
    let in_use = &s.left_alone[0];
    assert_eq!(in_use.reason, IN_USE_REASON);
    let subject = in_use.target.as_ref().map(|t| t.subject.clone());
    assert_eq!(
        subject,
        Some(Subject::AdminKey {
            key_id: "key_admin_in_use".into()
        })
    );
    assert!(s.unplaced.is_empty());
    let none = revocation_targets(&r, &[Flag::LegacyFormat]);
    assert!(none.targets.is_empty() && none.left_alone.is_empty());
}

#[test]
fn an_admin_key_without_a_mask_and_a_key_without_its_project_are_left_alone() {
    let (mut state, in_use) = org();
    let mut hidden = admin_key("key_admin_hidden", "x", false);
    hidden.redacted_value = "hidden".into();
    let mut stray = admin_key("key_stray", "y", true);
    stray.object = Some("organization.project.api_key".into());
    stray.last_used_at = Some(NOW - 300 * DAY);
    state.admin_keys.extend([hidden, stray]);
    let r = run(&InMemoryAdminApi::new(state), Some(&in_use), options()).unwrap();
    let s = revocation_targets(&r, &CHOSEN);
    let reason = |id: &str| {
        s.left_alone
            .iter()
            .find(|l| {
                l.reason.contains(id)
                    || l.target.as_ref().and_then(|t| t.subject.key_id()) == Some(id)
            })
            .map(|l| l.reason.clone())
    };
    assert_eq!(
        reason("key_admin_hidden").as_deref(),
        Some(UNRECOGNISABLE_REASON)
    );
    assert_eq!(
        reason("key_stray").as_deref(),
        Some(
            "key_stray is listed only among the admin keys, without its project: it cannot be \
             deleted through a project"
        )
    );
    assert_eq!(s.unplaced, ["key_stray"]);
    assert!(!key_ids(&s.targets).contains(&"key_admin_hidden"));
}

#[test]
fn the_plan_deletes_users_keys_and_other_admin_keys_and_leaves_service_accounts_alone() {
    let (r, in_use) = audited();
    let policy = Policy {
        delete_service_accounts: false,
        admin_key: &in_use,
    };
    let (planned, unplaced) = plan(revocation_targets(&r, &CHOSEN), &policy);
    let actions: Vec<String> = planned.steps.iter().map(|s| s.action.describe()).collect();
    assert_eq!(
        actions,
        [
            "delete project key key_orphan of proj_a",
            "delete project key key_stale of proj_a",
            "delete admin key key_admin_forever",
        ]
    );
    assert!(planned.steps.iter().all(|s| !s.self_key));
    let left: Vec<&str> = planned
        .left_alone
        .iter()
        .map(|l| l.reason.as_str())
        .collect();
    assert_eq!(left[0], IN_USE_REASON);
    assert!(
        left[1].starts_with("owned by service account svc_1"),
        "{}",
        left[1]
    );
    let c = Cleanup::new(CHOSEN.to_vec(), execute::dry_run(planned), &unplaced);
    let status = |id: &str| {
        let k = r.keys.iter().find(|k| k.key.key_id == id).unwrap();
        c.record_of(k).map(|rec| rec.status)
    };
    assert_eq!(status("key_stale"), Some(Status::WouldRevoke));
    assert_eq!(status("key_admin_forever"), Some(Status::WouldRevoke));
    assert_eq!(status("key_admin_in_use"), Some(Status::Skipped));
    assert_eq!(status("key_svc"), Some(Status::Skipped));
    assert_eq!(status("key_fresh"), None, "not flagged");
    assert_eq!(status("key_many_0"), None, "flagged, but not chosen");
    assert!(!c.any_failed());

    let policy = Policy {
        delete_service_accounts: true,
        admin_key: &in_use,
    };
    let (planned, _) = plan(revocation_targets(&r, &CHOSEN), &policy);
    let account = planned
        .steps
        .iter()
        .find(|s| s.target.subject.key_id() == Some("key_svc"));
    assert_eq!(
        account.map(|s| s.action.clone()),
        Some(Action::DeleteServiceAccount {
            project_id: "proj_a".into(),
            service_account_id: "svc_1".into(),
            via_key: Some("key_svc".into()),
        })
    );
}

#[test]
fn a_key_the_plan_takes_for_the_admin_key_in_use_is_spared_not_revoked_last() {
    // Audited without the key in use: the audit marks none, the plan still recognises it.
    let (mut state, in_use) = org();
    state.admin_keys[0].last_used_at = Some(NOW - 200 * DAY);
    let r = run(&InMemoryAdminApi::new(state), None, options()).unwrap();
    let s = revocation_targets(&r, &CHOSEN);
    assert!(key_ids(&s.targets).contains(&"key_admin_in_use"));
    let policy = Policy {
        delete_service_accounts: false,
        admin_key: &in_use,
    };
    let (planned, unplaced) = plan(s, &policy);
    let ids: Vec<&str> = planned
        .steps
        .iter()
        .filter_map(|s| s.target.subject.key_id())
        .collect();
    assert!(!ids.contains(&"key_admin_in_use"), "{ids:?}");
    let spared = planned
        .left_alone
        .iter()
        .find(|l| l.target.as_ref().and_then(|t| t.subject.key_id()) == Some("key_admin_in_use"))
        .expect("left alone");
    assert_eq!(
        spared.reason,
        format!("{IN_USE_REASON} (its redacted form matches that key's)")
    );
    let c = Cleanup::new(CHOSEN.to_vec(), execute::dry_run(planned), &unplaced);
    let k = r
        .keys
        .iter()
        .find(|k| k.key.key_id == "key_admin_in_use")
        .unwrap();
    assert_eq!(c.record_of(k).map(|rec| rec.status), Some(Status::Skipped));
}

#[test]
fn records_without_a_target_are_indexed_by_the_unplaced_ids_in_order() {
    let (mut state, in_use) = org();
    for id in ["key_stray_1", "key_stray_2"] {
        let mut stray: AdminApiKey = admin_key(id, "y", true);
        stray.object = Some("organization.project.api_key".into());
        stray.last_used_at = Some(NOW - 300 * DAY);
        state.admin_keys.push(stray);
    }
    let r = run(&InMemoryAdminApi::new(state), Some(&in_use), options()).unwrap();
    let policy = Policy {
        delete_service_accounts: false,
        admin_key: &in_use,
    };
    let (planned, unplaced) = plan(revocation_targets(&r, &[Flag::Stale]), &policy);
    assert_eq!(unplaced, ["key_stray_1", "key_stray_2"]);
    let c = Cleanup::new(vec![Flag::Stale], execute::dry_run(planned), &unplaced);
    for id in ["key_stray_1", "key_stray_2"] {
        let k = r.keys.iter().find(|k| k.key.key_id == id).unwrap();
        let rec = c.record_of(k).expect("a record");
        assert!(rec.reason.starts_with(id), "{}", rec.reason);
        assert_eq!(rec.status, Status::Skipped);
    }
}
