//! The SARIF tests' fixture: a report over a small tree of files holding fake keys.

use super::super::*;
use crate::fake::{FakeKeys, Family};
use crate::finding::{ScanStats, Warning};
use crate::report::linehash::line_hashes_of;
use crate::rules::RuleSet;
use crate::secret::Secret;
use std::collections::BTreeSet;

/// Source files of the fixture: (path, text with `{A}`/`{B}` where the keys go).
const FILES: [(&str, &str); 3] = [
    (
        "config/app settings/settings.env",
        "# settings\r\nNAME=demo\r\nOPENAI_API_KEY={A}\r\n",
    ),
    (
        "docs/na\u{ef}ve \u{1F511}/README.md",
        "Caf\u{e9} \u{1F600} example: `{A}` and `{B}`\n",
    ),
    ("odd/100% #1?.txt", "\tkey = \"{B}\"\n"),
];

/// The fixture tree: two fake keys substituted into [`FILES`].
pub(super) fn tree(keys: &[String; 2]) -> Vec<(String, String)> {
    FILES
        .iter()
        .map(|(p, t)| {
            (
                p.to_string(),
                t.replace("{A}", &keys[0]).replace("{B}", &keys[1]),
            )
        })
        .collect()
}

/// Every place `key` occurs in `text`, as the scanner reports it (columns in UTF-16 units).
pub(super) fn locate(path: &str, text: &str, key: &str) -> Vec<FindingLocation> {
    let mut out = Vec::new();
    for (offset, _) in text.match_indices(key) {
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count() as u64 + 1;
        let column = text[line_start..offset].encode_utf16().count() as u64 + 1;
        let hashes = line_hashes_of(text.as_bytes(), &BTreeSet::from([line]));
        out.push(FindingLocation {
            path: path.to_string(),
            line,
            column,
            end_line: line,
            end_column: column + key.encode_utf16().count() as u64,
            byte_offset: offset as u64,
            line_hash: hashes.get(&line).cloned(),
            git: None,
            member: None,
            encoding: None,
        });
    }
    out
}

pub(super) fn finding(
    rules: &RuleSet,
    family: Family,
    key: &str,
    files: &[(String, String)],
) -> Finding {
    let rule = rules.index_of(family.rule_id()).expect("built-in rule");
    let secret = Secret::new(key);
    let mut locations: Vec<FindingLocation> =
        files.iter().flat_map(|(p, t)| locate(p, t, key)).collect();
    locations.sort();
    Finding {
        rule,
        rule_id: family.rule_id().to_string(),
        kind: rules.get(rule).spec.kind.clone(),
        fingerprint: secret.fingerprint(),
        redacted: secret.redacted(),
        secret,
        locations,
    }
}

pub(super) fn report(findings: Vec<Finding>, warnings: Vec<Warning>) -> Report {
    Report {
        rules: RuleSet::builtin().expect("built-in rules load"),
        findings,
        warnings,
        stats: ScanStats::default(),
        completed: true,
        category: "keyhound/".into(),
    }
}

/// A report with a project key in two files, an admin key in two files, and a warning; plus
/// the fixture's files and keys.
pub(super) fn sample() -> (Report, Vec<(String, String)>, [String; 2]) {
    let mut fake = FakeKeys::new(7);
    let keys = [fake.key(Family::Project), fake.key(Family::Admin)];
    let files = tree(&keys);
    let rules = RuleSet::builtin().expect("built-in rules load");
    let findings = vec![
        finding(&rules, Family::Project, &keys[0], &files),
        finding(&rules, Family::Admin, &keys[1], &files),
    ];
    let warnings = vec![
        Warning {
            path: Some("big file.bin".into()),
            member: None,
            message: "skipped: larger than --max-file-size".into(),
        },
        Warning {
            path: None,
            member: None,
            message: "cross-check unavailable".into(),
        },
    ];
    (report(findings, warnings), files, keys)
}

pub(super) fn json_of(report: &Report) -> Value {
    let mut out = Vec::new();
    write_sarif(report, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// The vendored OASIS schema (byte for byte from /work/shared/sarif). It declares draft-04,
/// and all its `$ref`s are local (`#/definitions/...`), so no network is needed.
pub(super) fn schema_validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

pub(super) fn assert_schema_valid(sarif: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

pub(super) fn schema_errors(sarif: &Value) -> usize {
    schema_validator().iter_errors(sarif).count()
}
