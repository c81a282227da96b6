//! Cross-checked formats: SARIF keeps ids only and raises live keys to `error`; JSON keeps all.

use super::*;
use crate::crosscheck::{KeyKind, Status};
use crate::finding::{Finding, Location, ScanStats};
use crate::rules::RuleSet;
use crate::secret::Secret;

const WARNING_RULE: &str = "[[rule]]\nid = \"acme.token\"\nname = \"Acme token\"\n\
    kind = \"acme\"\ndescription = \"d\"\npattern = '(acme_[0-9a-f]{16})'\n\
    keywords = [\"acme_\"]\nlevel = \"warning\"\nsecurity_severity = \"5.0\"\n\
    precision = \"high\"\nhelp = \"h\"\n";

fn finding(rules: &RuleSet, value: &str, line: u64) -> Finding {
    let rule = rules.index_of("acme.token").unwrap();
    let secret = Secret::new(value);
    Finding {
        rule,
        rule_id: "acme.token".into(),
        kind: "acme".into(),
        fingerprint: secret.fingerprint(),
        redacted: secret.redacted(),
        secret,
        locations: vec![Location {
            path: "a.txt".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 22,
            byte_offset: 0,
            line_hash: None,
            git: None,
            ..Default::default()
        }],
    }
}

fn attribution() -> Attribution {
    Attribution {
        project_id: Some("proj_1".into()),
        project_name: Some("Payments".into()),
        project_archived: Some(false),
        key_id: "key_1".into(),
        key_name: Some("checkout-prod-key".into()),
        owner_type: Some("user".into()),
        owner_id: Some("user_1".into()),
        owner_name: Some("Ada Lovelace".into()),
        owner_email: Some("ada@example.com".into()),
        created_at: 1_711_471_533,
        last_used_at: None,
        ..Attribution::empty(KeyKind::Project)
    }
}

fn sample() -> (Report, CrossCheckReport) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme.toml");
    std::fs::write(&file, WARNING_RULE).unwrap();
    let rules = RuleSet::load(&[file]).unwrap();
    let live = finding(&rules, "acme_0123456789abcdef", 1);
    let gone = finding(&rules, "acme_fedcba9876543210", 2);
    let mut cc = CrossCheckReport::default();
    cc.checks.insert(
        live.fingerprint.clone(),
        CrossCheck {
            status: Status::Live,
            attribution: Some(attribution()),
            ..CrossCheck::error("")
        },
    );
    let mut not_found = CrossCheck::error("");
    not_found.status = Status::NotFound;
    not_found.error = None;
    cc.checks.insert(gone.fingerprint.clone(), not_found);
    let report = Report {
        rules,
        findings: vec![live, gone],
        warnings: Vec::new(),
        stats: ScanStats::default(),
        completed: true,
        category: "keyhound/".into(),
    };
    (report, cc)
}

#[test]
fn sarif_raises_live_keys_to_error_and_leaves_out_names_and_emails() {
    let (report, cc) = sample();
    let sarif = serde_json::to_value(to_sarif(&report, &[], &cc).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results[1]["level"], "warning");
    let c = &results[0]["properties"]["crossCheck"];
    assert_eq!(c["status"], "live");
    assert_eq!(c["projectId"], "proj_1");
    assert_eq!(c["ownerId"], "user_1");
    assert_eq!(c["createdAt"], "2024-03-26T16:45:33Z");
    assert_eq!(c["lastUsedAt"], Value::Null);
    let text = sarif.to_string();
    for private in [
        "Payments",
        "checkout-prod-key",
        "Ada",
        "ada@example.com",
        "projectName",
        "ownerEmail",
    ] {
        assert!(!text.contains(private), "SARIF holds {private}");
    }
    assert_eq!(
        results[1]["properties"]["crossCheck"]["status"],
        "not_found"
    );
    assert_eq!(
        results[1]["properties"]["crossCheck"]["projectId"],
        Value::Null
    );
}

#[test]
fn json_carries_every_field_and_a_summary() {
    let (report, cc) = sample();
    let json = to_json(&report, &cc);
    let c = &json["findings"][0]["crossCheck"];
    assert_eq!(c["projectName"], "Payments");
    assert_eq!(c["keyName"], "checkout-prod-key");
    assert_eq!(c["ownerName"], "Ada Lovelace");
    assert_eq!(c["ownerEmail"], "ada@example.com");
    assert_eq!(json["findings"][1]["crossCheck"]["ownerEmail"], Value::Null);
    let s = &json["summary"]["crossCheck"];
    assert_eq!(
        (s["live"].as_u64(), s["notFound"].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn the_incident_summary_groups_live_keys_by_project() {
    let (report, cc) = sample();
    let mut out = Vec::new();
    human::write_incident_summary(&report, &cc, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\nProject \"Payments\" (proj_1)\n  LIVE acme_…\n"),
        "{text}"
    );
    assert!(text
        .contains("user Ada Lovelace <ada@example.com> (user_1); created 2024-03-26, never used"));
    assert!(text.contains("Not in the organization's listings\n  NOT FOUND acme_…"));
}

#[test]
fn the_incident_summary_names_the_archive_member_that_leaked() {
    let (mut report, cc) = sample();
    let place = &mut report.findings[0].locations[0];
    place.path = "backups/config.zip".into();
    place.member = Some("config/.env".into());
    place.line = 3;
    let mut out = Vec::new();
    human::write_incident_summary(&report, &cc, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("leaked at backups/config.zip!/config/.env:3:1"),
        "{text}"
    );
}
