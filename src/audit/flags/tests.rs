use super::*;

const NOW: i64 = 1_719_187_200; // 2024-06-24T00:00:00Z

fn t(stale_days: u32) -> Thresholds {
    Thresholds {
        now: NOW,
        stale_days,
        max_keys_per_owner: 10,
    }
}

fn project_key(created_at: i64, last_used_at: Option<i64>) -> KeyFacts<'static> {
    KeyFacts {
        admin: false,
        created_at,
        last_used_at,
        expires_at: None,
        owner_project_access: Some("active"),
        project_archived: false,
        redacted: None,
    }
}

fn ids(flags: &[Flagged]) -> Vec<&'static str> {
    flags.iter().map(|f| f.flag.id()).collect()
}

#[test]
fn stale_starts_exactly_n_days_after_the_last_use() {
    let created = NOW - 400 * DAY;
    for (days_ago, stale) in [(89, false), (90, true), (91, true)] {
        let k = project_key(created, Some(NOW - days_ago * DAY));
        assert_eq!(
            ids(&evaluate(&k, &t(90))).contains(&"stale"),
            stale,
            "{days_ago}"
        );
    }
    // One second short of N days is not stale.
    let k = project_key(created, Some(NOW - 90 * DAY + 1));
    assert!(evaluate(&k, &t(90)).is_empty());
    let k = project_key(created, Some(NOW - 90 * DAY));
    let flags = evaluate(&k, &t(90));
    assert_eq!(
        flags[0].reason,
        "not used for 90 days (last used 2024-03-26; stale after 90 days)"
    );
    // A last use in the future (clock skew) is not stale.
    assert!(evaluate(&project_key(created, Some(NOW + DAY)), &t(1)).is_empty());
}

#[test]
fn a_never_used_key_is_never_used_at_once_and_stale_from_n_days_of_age() {
    for (days_old, stale) in [(0, false), (29, false), (30, true), (31, true)] {
        let k = project_key(NOW - days_old * DAY, None);
        let got = ids(&evaluate(&k, &t(30)));
        let want: Vec<&str> = if stale {
            vec!["stale", "never-used"]
        } else {
            vec!["never-used"]
        };
        assert_eq!(got, want, "{days_old}");
    }
    let flags = evaluate(&project_key(NOW - 31 * DAY, None), &t(30));
    assert_eq!(
        flags[0].reason,
        "never used, created 31 days ago (stale after 30 days)"
    );
    assert_eq!(flags[1].reason, "never used (created 31 days ago)");
    let flags = evaluate(&project_key(NOW - DAY, None), &t(30));
    assert_eq!(flags[0].reason, "never used (created 1 day ago)");
}

#[test]
fn orphaned_and_archived_project_keys_are_flagged() {
    let used = Some(NOW - DAY);
    let mut k = project_key(NOW - 10 * DAY, used);
    k.owner_project_access = Some("inactive");
    assert_eq!(ids(&evaluate(&k, &t(90))), vec!["orphaned"]);
    k.owner_project_access = None;
    k.project_archived = true;
    assert_eq!(ids(&evaluate(&k, &t(90))), vec!["archived-project"]);
}

#[test]
fn admin_keys_are_admin_stale_not_stale_and_flagged_without_expiry() {
    let admin = |last_used_at, expires_at| KeyFacts {
        admin: true,
        expires_at,
        ..project_key(NOW - 400 * DAY, last_used_at)
    };
    let expires = Some(NOW + 30 * DAY);
    for (days_ago, stale) in [(89, false), (90, true), (91, true)] {
        let got = ids(&evaluate(
            &admin(Some(NOW - days_ago * DAY), expires),
            &t(90),
        ));
        let want: Vec<&str> = if stale { vec!["admin-stale"] } else { vec![] };
        assert_eq!(got, want, "{days_ago}");
    }
    assert_eq!(
        ids(&evaluate(&admin(Some(NOW), None), &t(90))),
        vec!["admin-no-expiry"]
    );
    assert_eq!(
        ids(&evaluate(&admin(None, None), &t(90))),
        vec!["admin-stale", "admin-no-expiry", "never-used"]
    );
    // An inactive owner or an archived project does not apply to admin keys.
    let mut k = admin(Some(NOW), expires);
    k.owner_project_access = Some("inactive");
    k.project_archived = true;
    assert!(evaluate(&k, &t(90)).is_empty());
}

#[test]
fn legacy_format_is_any_sk_head_that_no_current_prefix_can_start() {
    for head in [
        "sk-proj-",
        "sk-svcac",
        "sk-admin",
        "sk-",
        "sk-pr",
        "sk-svcacct-x",
    ] {
        assert_eq!(legacy_shape(head), None, "{head}");
    }
    for head in ["sk-abc", "sk-AbCdE", "sk-my-ap", "sk-servi"] {
        assert!(legacy_shape(head).unwrap().starts_with("legacy"), "{head}");
    }
    assert!(legacy_shape("sk-None-").unwrap().starts_with("unowned"));
    assert_eq!(legacy_shape("pk-abcde"), None);
    let r = Redacted::parse("sk-AbCdE***********************************wxyz").unwrap();
    let k = KeyFacts {
        redacted: Some(&r),
        ..project_key(NOW, Some(NOW))
    };
    assert_eq!(ids(&evaluate(&k, &t(90))), vec!["legacy-format"]);
}

#[test]
fn fail_on_ids_parse_and_an_unknown_id_is_named() {
    let got = parse_ids(
        &["stale".into(), " orphaned".into(), "stale".into()],
        "--fail-on",
    )
    .unwrap();
    assert_eq!(got, vec![Flag::Stale, Flag::Orphaned]);
    for f in Flag::ALL {
        assert_eq!(Flag::from_id(f.id()), Some(f));
    }
    let err = parse_ids(&["stale".into(), "old\u{1b}[2J".into()], "--fail-on").unwrap_err();
    assert!(
        err.starts_with("unknown flag \"old[2J\" for --fail-on (known: orphaned, "),
        "{err}"
    );
    let err = parse_ids(&["".into()], "--revoke").unwrap_err();
    assert!(
        err.starts_with("unknown flag \"\" for --revoke (known: "),
        "{err}"
    );
}
