//! Targets from a cross-checked scan (`scan --cross-check --revoke`).
//!
//! Stage: revoke (pure). A finding whose cross-check is `live` becomes a [`Target`] with the
//! key in hand (so that re-confirmation checks it still matches); every other finding is
//! left alone with the reason: `ambiguous`, `not_found` and `error` keys are never revoked.

use super::{Details, LeftAlone, Status, Subject, Target};
use crate::crosscheck::{Attribution, CrossCheck, CrossCheckReport, KeyKind};
use crate::finding::Finding;
use crate::openai::LiveStatus;

/// How many places `why` names before "and N more".
const SHOWN_PLACES: usize = 3;

/// The targets and the keys left alone, in the findings' order.
pub fn targets(findings: &[Finding], cc: &CrossCheckReport) -> (Vec<Target>, Vec<LeftAlone>) {
    let mut targets = Vec::new();
    let mut left = Vec::new();
    for f in findings {
        let skip = |reason: String| LeftAlone {
            redacted: f.redacted.clone(),
            fingerprint: Some(f.fingerprint.clone()),
            status: Status::Skipped,
            reason,
            target: None,
        };
        let Some(check) = cc.get(f) else {
            left.push(skip(
                "not cross-checked: nothing is revoked unchecked".into(),
            ));
            continue;
        };
        match subject_of(check) {
            Ok((subject, a)) => targets.push(Target {
                subject,
                details: details_of(a),
                redacted: f.redacted.clone(),
                fingerprint: Some(f.fingerprint.clone()),
                why: found_at(f),
                secret: Some(f.secret.clone()),
            }),
            Err(reason) => left.push(skip(reason)),
        }
    }
    (targets, left)
}

/// What a live check names (and whose it is), or why nothing can be revoked.
fn subject_of(check: &CrossCheck) -> Result<(Subject, &Attribution), String> {
    use crate::crosscheck::Status as Cc;
    match check.status {
        Cc::Live if check.created_after_leak => return Err(created_after_leak_reason()),
        Cc::Live => {}
        Cc::Ambiguous => {
            let ids: Vec<String> = check
                .candidates
                .iter()
                .map(|c| listed(&c.key_id, c.project_id.as_deref()))
                .collect();
            return Err(ambiguous_reason(&ids));
        }
        Cc::NotFound => return Err(not_found_reason(check.liveness == Some(LiveStatus::Live))),
        Cc::Error => return Err(error_reason(check.error.as_deref())),
    }
    let Some(a) = &check.attribution else {
        return Err("live without an attribution: nothing to revoke".into());
    };
    match (a.key_kind, &a.project_id) {
        (KeyKind::Admin, _) => Ok((
            Subject::AdminKey {
                key_id: a.key_id.clone(),
            },
            a,
        )),
        (KeyKind::Project, Some(project_id)) => Ok((
            Subject::ProjectKey {
                project_id: project_id.clone(),
                key_id: a.key_id.clone(),
            },
            a,
        )),
        (KeyKind::Project, None) => Err(format!(
            "{} is listed only among the admin keys, without its project: it cannot be \
             deleted through a project",
            a.key_id
        )),
    }
}

/// `key_1 in proj_1`, or `key_1` for a key without a project.
pub(super) fn listed(key_id: &str, project_id: Option<&str>) -> String {
    match project_id {
        Some(p) => format!("{key_id} in {p}"),
        None => key_id.to_string(),
    }
}

/// Why an ambiguous key (matching the listed keys `ids`) is left alone.
pub(super) fn ambiguous_reason(ids: &[String]) -> String {
    format!(
        "ambiguous: matches {} listed keys ({}); ambiguous keys are never revoked",
        ids.len(),
        ids.join(", ")
    )
}

/// Why a key not in the listings is left alone; `works` when liveness saw it accepted.
pub(super) fn not_found_reason(works: bool) -> String {
    let works = if works {
        ", yet it still works (--verify-live): revoke it where it was created"
    } else {
        ""
    };
    format!("not in the organization's listings: nothing to revoke{works}")
}

/// Why a unique match created after the leak's commit is left alone.
pub(super) fn created_after_leak_reason() -> String {
    "the only matching key was created after the commit that introduced the leak: it is the \
     leaked key if that commit's clock was wrong, or another key with the same visible \
     characters; confirm it by its id before revoking it"
        .into()
}

/// Why a key whose cross-check failed is left alone.
pub(super) fn error_reason(error: Option<&str>) -> String {
    format!(
        "could not be cross-checked ({}): nothing is revoked without a unique match",
        error.unwrap_or("unknown error")
    )
}

fn details_of(a: &Attribution) -> Details {
    Details {
        key_name: a.key_name.clone(),
        project_name: a.project_name.clone(),
        owner_type: a.owner_type.clone(),
        owner_id: a.owner_id.clone(),
        owner_name: a.owner_name.clone(),
        owner_email: a.owner_email.clone(),
        created_at: Some(a.created_at),
        last_used_at: a.last_used_at,
    }
}

/// `found at .env:1:16, src/app.py:1:26`.
fn found_at(f: &Finding) -> String {
    let mut places: Vec<String> = f
        .locations
        .iter()
        .take(SHOWN_PLACES)
        .map(|l| format!("{}:{}:{}", l.shown_path(), l.line, l.column))
        .collect();
    if f.locations.len() > SHOWN_PLACES {
        places.push(format!("and {} more", f.locations.len() - SHOWN_PLACES));
    }
    format!("found at {}", places.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosscheck::{Attribution, CrossCheck, Status as Cc};
    use crate::fake::{FakeKeys, Family};
    use crate::finding::Location;
    use crate::secret::Secret;

    fn finding(seed: u64, family: Family, kind: &str) -> Finding {
        let secret = Secret::new(FakeKeys::new(seed).key(family));
        Finding {
            rule: 0,
            rule_id: format!("openai.{kind}-key"),
            kind: kind.into(),
            fingerprint: secret.fingerprint(),
            redacted: secret.redacted(),
            secret,
            locations: (1..=5)
                .map(|line| Location {
                    path: ".env".into(),
                    line,
                    column: 5,
                    ..Default::default()
                })
                .collect(),
        }
    }

    fn check(status: Cc, attribution: Option<Attribution>) -> CrossCheck {
        CrossCheck {
            status,
            attribution,
            candidates: Vec::new(),
            excluded: 0,
            created_after_leak: false,
            liveness: None,
            error: None,
        }
    }

    #[test]
    fn live_keys_become_targets_and_the_rest_is_left_alone_with_the_reason() {
        let user = finding(1, Family::Project, "project");
        let admin = finding(2, Family::Admin, "admin");
        let twin = finding(3, Family::Project, "project");
        let gone = finding(4, Family::Project, "project");
        let broken = finding(5, Family::Project, "project");
        let orphan = finding(6, Family::Project, "project");
        let unchecked = finding(7, Family::Project, "project");
        let mut a = Attribution::empty(KeyKind::Project);
        a.project_id = Some("proj_1".into());
        a.key_id = "key_1".into();
        a.owner_email = Some("ada@example.com".into());
        let mut ad = Attribution::empty(KeyKind::Admin);
        ad.key_id = "key_admin".into();
        let mut candidate = a.clone();
        candidate.key_id = "key_2".into();
        let mut ambiguous = check(Cc::Ambiguous, None);
        ambiguous.candidates = vec![a.clone(), candidate];
        let mut error = check(Cc::Error, None);
        error.error = Some("projects could not be listed".into());
        let mut no_project = a.clone();
        no_project.project_id = None;
        let mut cc = CrossCheckReport::default();
        for (f, c) in [
            (&user, check(Cc::Live, Some(a.clone()))),
            (&admin, check(Cc::Live, Some(ad))),
            (&twin, ambiguous),
            (&gone, check(Cc::NotFound, None)),
            (&broken, error),
            (&orphan, check(Cc::Live, Some(no_project))),
        ] {
            cc.checks.insert(f.fingerprint.clone(), c);
        }
        let findings = [user, admin, twin, gone, broken, orphan, unchecked];
        let (targets, left) = targets(&findings, &cc);
        assert_eq!(targets.len(), 2);
        assert_eq!(
            targets[0].subject,
            Subject::ProjectKey {
                project_id: "proj_1".into(),
                key_id: "key_1".into()
            }
        );
        assert_eq!(
            targets[0].why,
            "found at .env:1:5, .env:2:5, .env:3:5, and 2 more"
        );
        assert_eq!(
            targets[0].secret.as_ref().map(|s| s.fingerprint()),
            targets[0].fingerprint
        );
        assert_eq!(
            targets[1].subject,
            Subject::AdminKey {
                key_id: "key_admin".into()
            }
        );
        let reasons: Vec<&str> = left.iter().map(|l| l.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "ambiguous: matches 2 listed keys (key_1 in proj_1, key_2 in proj_1); \
                 ambiguous keys are never revoked",
                "not in the organization's listings: nothing to revoke",
                "could not be cross-checked (projects could not be listed): nothing is revoked \
                 without a unique match",
                "key_1 is listed only among the admin keys, without its project: it cannot be \
                 deleted through a project",
                "not cross-checked: nothing is revoked unchecked",
            ]
        );
        assert!(left.iter().all(|l| l.status == Status::Skipped));
        assert!(!reasons.concat().contains("example.com"), "ids only");
    }

    #[test]
    fn a_unique_match_created_after_the_leak_is_left_alone() {
        let f = finding(1, Family::Project, "project");
        let mut a = Attribution::empty(KeyKind::Project);
        a.project_id = Some("proj_1".into());
        a.key_id = "key_1".into();
        let mut c = check(Cc::Live, Some(a));
        c.created_after_leak = true;
        let mut cc = CrossCheckReport::default();
        cc.checks.insert(f.fingerprint.clone(), c);
        let (targets, left) = targets(std::slice::from_ref(&f), &cc);
        assert!(targets.is_empty());
        assert_eq!(left.len(), 1);
        assert!(left[0]
            .reason
            .starts_with("the only matching key was created after"));
    }
}
