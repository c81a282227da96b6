mod fixture;

use super::*;
use crate::fake::{FakeKeys, Family};
use crate::rules::RuleSet;
use fixture::{assert_schema_valid, finding, json_of, report, sample, schema_errors};

#[test]
fn the_schema_check_rejects_broken_logs() {
    let (report, _, _) = sample();
    let good = json_of(&report);
    assert_eq!(schema_errors(&good), 0);
    // Each break reaches a different #/definitions/... entry through $ref.
    let breaks: [fn(&mut Value); 4] = [
        |v| v["runs"][0]["results"][0]["level"] = json!("critical"),
        |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0)
        },
        |v| v["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"] = json!(["a", "a"]),
        |v| v["runs"][0]["invocations"][0]["executionSuccessful"] = json!("yes"),
    ];
    for (i, broken) in breaks.iter().enumerate() {
        let mut bad = good.clone();
        broken(&mut bad);
        assert!(schema_errors(&bad) > 0, "break {i} passed the schema");
    }
}

#[test]
fn output_with_findings_and_warnings_matches_the_schema() {
    let (report, _, _) = sample();
    assert_schema_valid(&json_of(&report));
}

#[test]
fn clean_and_incomplete_reports_match_the_schema() {
    let mut clean = report(vec![], vec![]);
    let sarif = json_of(&clean);
    assert_schema_valid(&sarif);
    assert_eq!(sarif["runs"][0]["results"], json!([]));
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        json!(true)
    );
    clean.completed = false;
    let sarif = json_of(&clean);
    assert_schema_valid(&sarif);
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        json!(false)
    );
}

#[test]
fn no_plaintext_key_of_any_family_is_written() {
    let mut fake = FakeKeys::new(99);
    let rules = RuleSet::builtin().unwrap();
    let mut findings = Vec::new();
    let mut keys = Vec::new();
    for (i, family) in Family::ALL.into_iter().enumerate() {
        let key = fake.key(family);
        let files = vec![(format!("f{i}.txt"), format!("x = {key}\n"))];
        findings.push(finding(&rules, family, &key, &files));
        keys.push(key);
    }
    let mut out = Vec::new();
    write_sarif_with(&report(findings, vec![]), &mut out, |f| {
        ExtraProperties::from([("redacted".to_string(), json!(f.redacted))])
    })
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    for key in &keys {
        assert!(!text.contains(key.as_str()), "plaintext key in SARIF");
        // Nor the hidden middle, which is what makes the key usable.
        let middle: String = key.chars().skip(8).take(key.chars().count() - 12).collect();
        assert!(!text.contains(&middle), "key body in SARIF");
    }
    assert!(!text.contains("snippet"));
}

#[test]
fn run_level_contract() {
    let (report, _, _) = sample();
    let sarif = json_of(&report);
    assert_eq!(sarif["$schema"], json!(SCHEMA_URL));
    assert_eq!(sarif["version"], json!("2.1.0"));
    assert_eq!(sarif["runs"].as_array().unwrap().len(), 1);
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], json!("keyhound/"));
    assert_eq!(run["columnKind"], json!("utf16CodeUnits"));
    let root = &run["originalUriBaseIds"]["%SRCROOT%"];
    assert!(root["description"]["text"].is_string());
    assert!(root.get("uri").is_none());
    let invocation = &run["invocations"][0];
    assert!(invocation.get("commandLine").is_none());
    assert!(invocation.get("arguments").is_none());
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().all(|n| n["level"] == json!("warning")));
    let located = notes.iter().find(|n| n.get("locations").is_some()).unwrap();
    let artifact = &located["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], json!("big%20file.bin"));
    assert_eq!(artifact["uriBaseId"], json!("%SRCROOT%"));
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], json!("keyhound"));
    assert_eq!(driver["semanticVersion"], json!(env!("CARGO_PKG_VERSION")));
}

#[test]
fn every_loaded_rule_is_described() {
    let (report, _, _) = sample();
    let sarif = json_of(&report);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), report.rules.len());
    for (rule, loaded) in rules.iter().zip(report.rules.rules()) {
        let spec = &loaded.spec;
        assert_eq!(rule["id"], json!(spec.id));
        assert_eq!(rule["name"], json!(spec.name));
        assert_eq!(rule["shortDescription"]["text"], json!(spec.name));
        assert_eq!(rule["fullDescription"]["text"], json!(spec.description));
        assert_eq!(rule["help"]["markdown"], json!(spec.help.trim()));
        let help_text = rule["help"]["text"].as_str().unwrap();
        assert!(!help_text.is_empty() && !help_text.contains("**"));
        assert_eq!(rule["defaultConfiguration"]["level"], json!(spec.level));
        let props = &rule["properties"];
        let severity = props["security-severity"].as_str().expect("a string");
        assert_eq!(severity, spec.security_severity);
        assert_eq!(props["precision"], json!(spec.precision));
        let tags: Vec<&str> = props["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        for tag in ["security", "secret", "openai", spec.kind.as_str()] {
            assert!(tags.contains(&tag), "{} lacks tag {tag}", spec.id);
        }
    }
}

#[test]
fn one_result_per_location_with_fingerprints_and_encoded_uris() {
    let (report, _, _) = sample();
    let sarif = json_of(&report);
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let total: usize = report.findings.iter().map(|f| f.locations.len()).sum();
    assert_eq!(results.len(), total);
    assert_eq!(total, 4);
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "config/app%20settings/settings.env",
            "docs/na%C3%AFve%20%F0%9F%94%91/README.md",
            "docs/na%C3%AFve%20%F0%9F%94%91/README.md",
            "odd/100%25%20%231%3F.txt",
        ]
    );
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(r["level"], rules[index]["defaultConfiguration"]["level"]);
        assert_eq!(r["locations"].as_array().unwrap().len(), 1);
        let physical = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uriBaseId"],
            json!("%SRCROOT%")
        );
        for field in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(physical["region"][field].as_u64().unwrap() >= 1, "{field}");
        }
        let f = report
            .findings
            .iter()
            .find(|f| json!(f.rule_id) == r["ruleId"])
            .unwrap();
        assert_eq!(
            r["partialFingerprints"]["secretSha256/v1"],
            json!(f.fingerprint)
        );
        assert!(r["partialFingerprints"]["primaryLocationLineHash"].is_string());
        assert_eq!(r["properties"]["kind"], json!(f.kind));
        assert_eq!(r["properties"]["occurrences"], json!(2));
        let text = r["message"]["text"].as_str().unwrap();
        assert!(text.contains(&f.redacted), "{text}");
        assert!(
            text.starts_with(&report.rules.get(f.rule).spec.name),
            "{text}"
        );
    }
    // The admin key follows the project key on the README line: same line, later column.
    assert_eq!(results[1]["ruleId"], json!("openai.project-key"));
    assert_eq!(results[2]["ruleId"], json!("openai.admin-key"));
}

#[test]
fn line_hash_is_left_out_when_unknown() {
    let (mut report, _, _) = sample();
    for f in &mut report.findings {
        for l in &mut f.locations {
            l.line_hash = None;
        }
    }
    let sarif = json_of(&report);
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        let fingerprints = r["partialFingerprints"].as_object().unwrap();
        assert_eq!(fingerprints.keys().collect::<Vec<_>>(), ["secretSha256/v1"]);
    }
}

#[test]
fn results_are_sorted_whatever_the_finding_order() {
    let (mut report, _, _) = sample();
    let first = json_of(&report);
    report.findings.reverse();
    report.warnings.reverse();
    assert_eq!(json_of(&report), first);
}

#[test]
fn extra_properties_are_added_but_cannot_replace_the_contract() {
    let (report, _, _) = sample();
    let sarif = to_sarif_with(&report, |f| {
        ExtraProperties::from([
            ("crossCheck".to_string(), json!({"verification": "unknown"})),
            ("revocation".to_string(), json!({"state": "not-requested"})),
            ("kind".to_string(), json!("overridden")),
            ("occurrences".to_string(), json!(f.locations.len() + 100)),
        ])
    })
    .unwrap();
    let value = serde_json::to_value(&sarif).unwrap();
    for r in value["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(
            r["properties"]["crossCheck"]["verification"],
            json!("unknown")
        );
        assert_eq!(
            r["properties"]["revocation"]["state"],
            json!("not-requested")
        );
        assert_ne!(r["properties"]["kind"], json!("overridden"));
        assert_eq!(r["properties"]["occurrences"], json!(2));
    }
}

#[test]
fn a_finding_for_an_unloaded_rule_is_an_error() {
    let (mut report, _, _) = sample();
    report.findings[0].rule_id = "nobody.rule".into();
    assert!(to_sarif(&report).is_err());
    let err = write_sarif(&report, Vec::new()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
}

#[test]
fn uri_encoding_keeps_only_unreserved_and_slash() {
    assert_eq!(encode_uri_path("src/main.rs"), "src/main.rs");
    assert_eq!(encode_uri_path("a b/c~d-e_f.g"), "a%20b/c~d-e_f.g");
    assert_eq!(encode_uri_path("caf\u{e9}.txt"), "caf%C3%A9.txt");
    assert_eq!(encode_uri_path("100%#?.txt"), "100%25%23%3F.txt");
    assert_eq!(encode_uri_path("a:b[1]\\c+d"), "a%3Ab%5B1%5D%5Cc%2Bd");
}

#[test]
fn help_text_drops_markdown_emphasis() {
    let md =
        "An **admin key** was found.\n\n1. Run `keyhound scan`, or see *Settings*.\n* a bullet\n";
    assert_eq!(
        markdown_to_text(md),
        "An admin key was found.\n\n1. Run keyhound scan, or see Settings.\n* a bullet"
    );
}

/// Writes the sample SARIF and its source tree for a manual check with
/// `/work/shared/sarif/check-sarif.sh --strict --source-root DIR/tree DIR/sample.sarif`, where
/// DIR is `$KEYHOUND_SARIF_SAMPLE_DIR` (default: `keyhound-sarif-sample` in the temp dir).
/// The tree holds fake keys only. Run with `cargo test -- --ignored write_sample`.
#[test]
#[ignore = "writes files for a manual check"]
fn write_sample_for_manual_check() {
    let dir = std::env::var_os("KEYHOUND_SARIF_SAMPLE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("keyhound-sarif-sample"));
    let (report, files, _) = sample();
    for (path, text) in &files {
        let file = dir.join("tree").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    let out = std::fs::File::create(dir.join("sample.sarif")).unwrap();
    write_sarif(&report, std::io::BufWriter::new(out)).unwrap();
    std::fs::write(
        dir.join("clean.sarif"),
        serde_json::to_vec_pretty(
            &to_sarif(&Report {
                findings: vec![],
                warnings: vec![],
                ..report
            })
            .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    eprintln!("wrote {}", dir.display());
}

#[test]
fn a_log_of_one_whole_report_run_is_byte_for_byte_the_single_run_log() {
    let (report, _, _) = sample();
    let mut single = Vec::new();
    write_sarif(&report, &mut single).unwrap();
    for runs in [
        vec![],
        vec![RunInfo {
            category: "ignored/".into(),
            ..RunInfo::default()
        }],
    ] {
        let mut out = Vec::new();
        write_sarif_runs(&report, &runs, &mut out, |_| ExtraProperties::new()).unwrap();
        assert_eq!(out, single);
    }
}

#[test]
fn runs_split_a_report_by_repository_and_match_the_schema() {
    let (mut report, _, _) = sample();
    // Give each finding's locations a repository, alternating.
    for (i, f) in report.findings.iter_mut().enumerate() {
        for l in &mut f.locations {
            l.git = Some(crate::finding::GitOrigin {
                commit: "a".repeat(40),
                time: 1_714_564_800,
                author_name: "Ada".into(),
                author_email: "ada@example.test".into(),
                repository: Some(["one", "two"][i % 2].into()),
                commit_count: 3,
                ..Default::default()
            });
        }
    }
    let runs: Vec<RunInfo> = ["one", "two", "three"]
        .iter()
        .map(|name| RunInfo {
            repository: Some(name.to_string()),
            category: format!("keyhound/{name}/"),
            provenance: (*name == "one").then(|| VersionControl {
                repository_uri: "https://example.test/one.git".into(),
                revision_id: Some("b".repeat(40)),
                branch: Some("refs/heads/main".into()),
            }),
            warnings: vec![],
        })
        .collect();
    let sarif =
        serde_json::to_value(to_sarif_runs(&report, &runs, |_| ExtraProperties::new()).unwrap())
            .unwrap();
    assert_schema_valid(&sarif);
    let logged = sarif["runs"].as_array().unwrap();
    assert_eq!(logged.len(), 3);
    for (run, name) in logged.iter().zip(["one", "two", "three"]) {
        assert_eq!(run["automationDetails"]["id"], format!("keyhound/{name}/"));
        for r in run["results"].as_array().unwrap() {
            assert_eq!(r["properties"]["repository"], name);
            assert_eq!(r["properties"]["git"]["date"], "2024-05-01T12:00:00Z");
            assert_eq!(r["properties"]["git"]["commitCount"], 3);
        }
    }
    assert_eq!(logged[2]["results"], json!([]));
    assert_eq!(
        logged[0]["versionControlProvenance"][0]["repositoryUri"],
        "https://example.test/one.git"
    );
    let text = sarif.to_string();
    assert!(!text.contains("Ada") && !text.contains("ada@example.test"));
}
