//! Reading SARIF files: several runs, de-duplication by key id, what is left alone, and what
//! makes a file unusable.

use super::*;
use serde_json::json;

fn fp(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn result(fingerprint: &str, uri: &str, line: u64, check: Option<Value>) -> Value {
    let mut r = json!({
        "ruleId": "openai.project-key",
        "message": {"text": "OpenAI project key"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line}
        }}],
        "partialFingerprints": {"secretSha256/v1": fingerprint},
        "properties": {"kind": "project"}
    });
    if let Some(c) = check {
        r["properties"]["crossCheck"] = c;
    }
    r
}

fn live(project: &str, key: &str) -> Value {
    json!({"status": "live", "keyKind": "project", "projectId": project, "keyId": key,
           "ownerType": "user", "ownerId": "user_1", "candidates": []})
}

fn log(runs: Vec<Vec<Value>>) -> Vec<u8> {
    let runs: Vec<Value> = runs
        .into_iter()
        .map(|results| json!({"tool": {"driver": {"name": "keyhound"}}, "results": results}))
        .collect();
    serde_json::to_vec(&json!({"version": "2.1.0", "runs": runs})).unwrap()
}

#[test]
fn every_run_is_read_and_targets_are_deduplicated_by_key_id() {
    let bytes = log(vec![
        vec![
            result(&fp(1), ".env", 3, Some(live("proj_1", "key_1"))),
            result(&fp(1), "src/app.py", 9, Some(live("proj_1", "key_1"))),
            result(
                &fp(2),
                "ops/admin.sh",
                1,
                Some(
                    json!({"status": "live", "keyKind": "admin", "keyId": "key_a",
                            "projectId": null}),
                ),
            ),
        ],
        vec![
            result(&fp(1), "other/.env", 1, Some(live("proj_1", "key_1"))),
            result(
                &fp(3),
                "notes.md",
                2,
                Some(json!({"status": "ambiguous", "candidates": [
                    {"keyId": "key_x", "projectId": "proj_1"},
                    {"keyId": "key_y", "projectId": "proj_2"}]})),
            ),
            result(&fp(4), "old.txt", 1, Some(json!({"status": "not_found"}))),
            result(&fp(5), "x.txt", 1, None),
        ],
    ]);
    let input = parse(&bytes, "scan.sarif").unwrap();
    assert_eq!((input.runs, input.results), (2, 7));
    assert_eq!(input.targets.len(), 2);
    let t = &input.targets[0];
    assert_eq!(
        t.subject,
        Subject::ProjectKey {
            project_id: "proj_1".into(),
            key_id: "key_1".into()
        }
    );
    assert_eq!(
        t.why,
        "found at .env:3, src/app.py:9, other/.env:1 (2 runs)"
    );
    assert_eq!(t.details.owner_type.as_deref(), Some("user"));
    assert_eq!(t.fingerprint.as_deref(), Some(fp(1).as_str()));
    assert_eq!(t.redacted, format!("sha256:{}", &fp(1)[..12]));
    assert!(t.secret.is_none());
    assert_eq!(
        input.targets[1].subject,
        Subject::AdminKey {
            key_id: "key_a".into()
        }
    );
    let reasons: Vec<&str> = input.left_alone.iter().map(|l| l.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "ambiguous: matches 2 listed keys (key_x in proj_1, key_y in proj_2); ambiguous \
             keys are never revoked",
            "not in the organization's listings: nothing to revoke",
            "not cross-checked: nothing is revoked unchecked",
        ]
    );
}

#[test]
fn a_key_live_in_one_run_is_a_target_even_if_another_run_found_it_ambiguous() {
    let bytes = log(vec![
        vec![result(
            &fp(1),
            "a",
            1,
            Some(json!({"status": "ambiguous", "candidates": []})),
        )],
        vec![result(&fp(1), "b", 1, Some(live("proj_1", "key_1")))],
    ]);
    let input = parse(&bytes, "f").unwrap();
    assert_eq!(input.targets.len(), 1);
    assert!(input.left_alone.is_empty());
}

#[test]
fn a_live_match_created_after_the_leak_is_left_alone() {
    let mut check = live("proj_1", "key_1");
    check["createdAfterLeak"] = json!(true);
    let bytes = log(vec![vec![result(&fp(1), ".env", 1, Some(check))]]);
    let input = parse(&bytes, "f").unwrap();
    assert!(input.targets.is_empty());
    assert_eq!(input.left_alone.len(), 1);
    assert!(input.left_alone[0]
        .reason
        .starts_with("the only matching key was created after"));
}

#[test]
fn other_tools_runs_are_ignored_and_an_empty_scan_proposes_nothing() {
    let bytes = serde_json::to_vec(&json!({"version": "2.1.0", "runs": [
        {"tool": {"driver": {"name": "other"}}, "results": [{"anything": 1}]},
        {"tool": {"driver": {"name": "keyhound"}}, "results": []},
    ]}))
    .unwrap();
    let input = parse(&bytes, "f").unwrap();
    assert_eq!((input.runs, input.results, input.targets.len()), (1, 0, 0));
}

#[test]
fn malformed_files_are_refused_with_the_place_that_is_wrong() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "not JSON (line 1, column 2)"),
        (b"{\"version\":\"2.1.0\"}".to_vec(), "no runs array"),
        (
            br#"{"runs": [{"tool": {"driver": {"name": "gitleaks"}}, "results": []}]}"#.to_vec(),
            "no run of keyhound in it (tool.driver.name): write it with keyhound scan --cross-check \
             --format sarif",
        ),
        (br#"{"runs": []}"#.to_vec(), "no run of keyhound in it (tool.driver.name): write it with keyhound scan --cross-check \
             --format sarif"),
        (
            log(vec![vec![result("abc", "a", 1, Some(live("p", "k")))]]),
            "runs[0].results[0] has no secretSha256/v1 fingerprint",
        ),
        (
            log(vec![vec![result(
                &fp(1),
                "a",
                1,
                Some(live("proj_1", "../../admin_api_keys/key_a")),
            )]]),
            "runs[0].results[0]: crossCheck.keyId is not an id",
        ),
        (
            log(vec![vec![result(
                &fp(1),
                "a",
                1,
                Some(json!({"status": "live", "keyKind": "project", "keyId": "k"})),
            )]]),
            "a live project key has no projectId",
        ),
        (
            log(vec![vec![result(
                &fp(1),
                "a",
                1,
                Some(json!({"status": "revoked"})),
            )]]),
            "crossCheck.status \"revoked\" is not a cross-check status",
        ),
        (
            log(vec![vec![result(&fp(1), "a", 1, Some(json!("live")))]]),
            "crossCheck is not an object",
        ),
    ];
    for (bytes, expected) in cases {
        let err = parse(&bytes, "scan.sarif").unwrap_err().to_string();
        assert!(
            err.starts_with("scan.sarif is not a SARIF log keyhound can revoke from: "),
            "{err}"
        );
        assert!(err.ends_with(expected), "{err} / {expected}");
    }
    let err = parse(&log(vec![vec![result(&fp(1), "a", 1, None)]]), "s.sarif").unwrap_err();
    assert!(matches!(err, SarifInputError::NotCrossChecked { .. }));
    let dir = tempfile::tempdir().unwrap();
    let err = read(&dir.path().join("missing.sarif"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot read SARIF file ") && err.ends_with(": no such file or directory"),
        "{err}"
    );
}
