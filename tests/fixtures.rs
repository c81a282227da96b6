//! The fixture trees under `fixtures/trees/`, rendered with fake keys and scanned whole.

use crate::support::fixture::render;
use crate::support::tree::scan_json;

#[test]
fn webapp_fixture_reports_every_planted_key_at_its_place_and_no_decoy() {
    let fx = render("webapp", 2024);
    let (code, json, stderr) = scan_json(fx.tree.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let mut reported: Vec<(String, u64, u64, String)> = Vec::new();
    for f in json["findings"].as_array().unwrap() {
        for l in f["locations"].as_array().unwrap() {
            reported.push((
                l["path"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
                l["column"].as_u64().unwrap(),
                f["ruleId"].as_str().unwrap().to_string(),
            ));
        }
    }
    reported.sort();
    let mut expected: Vec<(String, u64, u64, String)> = fx
        .planted
        .iter()
        .map(|p| {
            (
                p.path.clone(),
                p.line,
                p.column,
                p.family.rule_id().to_string(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(reported, expected);
    // The repeated project key is one finding with two locations.
    let distinct: std::collections::BTreeSet<&str> =
        fx.planted.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(json["findings"].as_array().unwrap().len(), distinct.len());
    assert!(fx.decoys.len() >= 9, "every decoy kind is exercised");
}
