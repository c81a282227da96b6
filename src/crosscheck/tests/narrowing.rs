//! Narrowing candidates with evidence: the leak's date and, with `--verify-live`, each
//! candidate project; evidence never removes the last candidate.

use super::*;

#[test]
fn a_key_created_after_the_leak_is_not_the_leaked_key() {
    let (a, b) = twins(4);
    let api = api(
        vec![project("proj_a", false)],
        vec![
            ("proj_a", key_record("key_old", &a, 1_000)),
            ("proj_a", key_record("key_new", &b, 5_000)),
        ],
    );
    let f = finding(&a, "project", Some(2_000));
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    let check = report.get(&f).unwrap();
    assert_eq!(check.status, Status::Live);
    assert_eq!(check.attribution.as_ref().unwrap().key_id, "key_old");
    assert_eq!(check.excluded, 1);
    assert!(!check.created_after_leak);
}

#[test]
fn a_commit_date_before_every_candidate_narrows_nothing_and_is_flagged() {
    let (a, _) = twins(4);
    let api = api(
        vec![project("proj_a", false)],
        vec![("proj_a", key_record("key_one", &a, 1_000))],
    );
    // A commit dated before the only match existed: a wrong clock, or another key. Either
    // way the key may be live, so it is not `not_found`.
    let f = finding(&a, "project", Some(500));
    let report = cross_check(std::slice::from_ref(&f), &api, None, OPTIONS);
    let check = report.get(&f).unwrap();
    assert_eq!(check.status, Status::Live);
    assert_eq!(check.attribution.as_ref().unwrap().key_id, "key_one");
    assert_eq!(check.excluded, 0);
    assert!(check.created_after_leak);
    assert!(check.may_be_live());
}

/// Accepts the key without a project; every project-scoped check fails to answer.
struct NoProjectAnswer;

impl LivenessCheck for NoProjectAnswer {
    fn check(&self, _key: &Secret, project: Option<&str>) -> LiveStatus {
        match project {
            None => LiveStatus::Live,
            Some(_) => LiveStatus::Unknown,
        }
    }
}

#[test]
fn project_checks_that_fail_rule_no_candidate_out() {
    let (a, api) = twin_projects(5);
    let f = finding(&a, "project", None);
    let report = cross_check(
        std::slice::from_ref(&f),
        &api,
        Some(&NoProjectAnswer),
        OPTIONS,
    );
    let check = report.get(&f).unwrap();
    assert_eq!(check.status, Status::Ambiguous);
    assert_eq!(check.candidates.len(), 2);
    assert_eq!(check.excluded, 0);
    assert_eq!(check.liveness, Some(LiveStatus::Live));
}

/// Accepts the key as `project` only, and records what it was asked.
struct OneProject {
    project: &'static str,
    asked: Mutex<Vec<Option<String>>>,
}

impl LivenessCheck for OneProject {
    fn check(&self, _key: &Secret, project: Option<&str>) -> LiveStatus {
        self.asked.lock().unwrap().push(project.map(str::to_string));
        match project {
            None => LiveStatus::Live,
            Some(p) if p == self.project => LiveStatus::Live,
            Some(_) => LiveStatus::MismatchedProject,
        }
    }
}

#[test]
fn liveness_as_each_candidate_project_tells_projects_apart() {
    let (a, api) = twin_projects(5);
    let live = OneProject {
        project: "proj_b",
        asked: Mutex::new(Vec::new()),
    };
    let f = finding(&a, "project", None);
    let report = cross_check(std::slice::from_ref(&f), &api, Some(&live), OPTIONS);
    let check = report.get(&f).unwrap();
    assert_eq!(check.status, Status::Live);
    assert_eq!(check.attribution.as_ref().unwrap().key_id, "key_b");
    assert_eq!(check.liveness, Some(LiveStatus::Live));
    assert_eq!(
        *live.asked.lock().unwrap(),
        vec![None, Some("proj_a".into()), Some("proj_b".into())]
    );
}
