//! `scan --format sarif` end to end: the file GitHub code scanning receives.

use crate::support::tree::{key, run_in, Tree};
use keyhound::fake::Family;
use keyhound::report::linehash::line_hashes_of;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

pub fn schema_errors(sarif: &Value) -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn sarif_of(dir: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["scan", "--format", "sarif", "--no-progress"];
    args.extend_from_slice(extra);
    let run = run_in(dir, &args);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stderr));
    (run.code, json)
}

#[test]
fn a_scan_writes_schema_valid_sarif_with_encoded_paths_and_line_hashes() {
    let t = Tree::new();
    let k = key(31, Family::Project);
    let text = format!("# app\r\nNAME=x\r\n\tOPENAI_API_KEY=\"{k}\"\r\n");
    t.write("app settings/.env", &text);
    t.write("clean.txt", "nothing here\n");
    assert!(Command::new("mkfifo")
        .arg(t.path().join("pipe"))
        .status()
        .unwrap()
        .success());

    let (code, sarif) = sarif_of(t.path(), &["--sarif-category", "keyhound/ci/"]);
    assert_eq!(code, 1);
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "keyhound/ci/");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "openai.project-key");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "app%20settings/.env");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 3);
    assert_eq!(loc["region"]["startColumn"], 18);
    let expected = line_hashes_of(text.as_bytes(), &BTreeSet::from([3]));
    assert_eq!(
        r["partialFingerprints"]["primaryLocationLineHash"],
        expected[&3].as_str()
    );
    assert_eq!(
        r["partialFingerprints"]["secretSha256/v1"],
        keyhound::secret::sha256_hex(k.as_bytes())
    );
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["message"]["text"], "skipped: not a regular file");
    assert!(!serde_json::to_string(&sarif).unwrap().contains(&k));
}

#[test]
fn a_clean_scan_still_writes_a_run_with_empty_results() {
    let t = Tree::new();
    t.write("a.txt", "sk-your-key-here\n");
    let (code, sarif) = sarif_of(t.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "keyhound/");
}
