//! `scan --cross-check` end to end, against the mock Admin API on 127.0.0.1.

use crate::sarif::schema_errors;
use crate::support::mock::{check_of, json_of, Api};
use crate::support::tree::Tree;
use keyhound::fake::{FakeKeys, Family};
use keyhound::mock::{MockKey, MockOwner, Org, OrgSpec, Redaction};
use keyhound::secret::Secret;
use serde_json::Value;

/// A copy of `key` that keeps its first 8 and last 4 characters and its length: the same
/// redacted form, another key.
fn twin_of(key: &str, seed: u64) -> String {
    let middle = FakeKeys::new(seed).run(key.len() - 12, b"abcdefghijklmnopqrstuvwxyz");
    format!("{}{middle}{}", &key[..8], &key[key.len() - 4..])
}

/// 4 projects (the last archived) of 5 keys (key 0 a service account's), 2 admin keys, and
/// a second key in project 0 that looks like key 1 of project 2.
fn org() -> Org {
    let mut org = Org::generate(&OrgSpec {
        seed: 21,
        projects: 4,
        keys_per_project: 5,
        admin_keys: 2,
        archived_every: 4,
        service_account_every: 5,
        realistic_tails: true,
    });
    let twin = twin_of(org.projects[2].keys[1].value.expose(), 5);
    let created_at = org.projects[0].keys[0].created_at;
    org.projects[0].keys.push(MockKey {
        id: "key_twin".into(),
        name: "twin".into(),
        value: Secret::new(twin),
        created_at,
        last_used_at: None,
        owner: MockOwner::User {
            id: "user_twin".into(),
            name: "Twin".into(),
            email: "twin@example.com".into(),
        },
        owner_has_access: false,
        out_of_quota: false,
        expires_at: None,
    });
    org
}

struct Planted {
    user_key: String,
    archived: String,
    service_account: String,
    admin: String,
    unknown: String,
    ambiguous: String,
}

fn plant(api: &Api, t: &Tree) -> Planted {
    let p = Planted {
        user_key: api.key(0, 1),
        archived: api.key(3, 2),
        service_account: api.key(1, 0),
        admin: api
            .server
            .with_org(|o| o.admin_keys[0].value.expose().to_string()),
        unknown: FakeKeys::new(777).key(Family::Project),
        ambiguous: api.key(2, 1),
    };
    t.write(".env", format!("OPENAI_API_KEY={}\n", p.user_key));
    t.write(
        "src/app.py",
        format!("client = OpenAI(api_key=\"{}\")\n", p.user_key),
    );
    t.write("old/archived.env", format!("KEY={}\n", p.archived));
    t.write("deploy/ci.yml", format!("token: {}\n", p.service_account));
    t.write(
        "ops/admin.sh",
        format!("export OPENAI_ADMIN_KEY={}\n", p.admin),
    );
    t.write(
        "notes.md",
        format!("old key {}\nother {}\n", p.unknown, p.ambiguous),
    );
    p
}

#[test]
fn a_generated_tree_is_attributed_key_by_key_in_json() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let run = api.scan(t.path(), &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = json_of(&run);

    let c = check_of(&json, &p.user_key);
    assert_eq!(c["status"], "live");
    assert_eq!(c["keyKind"], "project");
    assert_eq!(c["projectId"], "proj_00000");
    assert_eq!(c["projectName"], "Project 0");
    assert_eq!(c["projectArchived"], false);
    assert_eq!(c["keyId"], "key_00000_00001");
    assert_eq!(c["ownerType"], "user");
    assert_eq!(c["ownerId"], "user_0001");
    assert_eq!(c["ownerEmail"], "user1@example.com");
    assert_eq!(c["createdAt"], "2024-03-26T17:02:13Z");
    assert_eq!(c["lastUsedAt"], "2024-03-26T18:02:13Z");
    assert_eq!(c["candidates"], serde_json::json!([]));

    let c = check_of(&json, &p.archived);
    assert_eq!(
        (c["status"].as_str(), c["projectArchived"].as_bool()),
        (Some("live"), Some(true))
    );
    let c = check_of(&json, &p.service_account);
    assert_eq!(c["ownerType"], "service_account");
    assert_eq!(c["ownerId"], "svc_acct_00001_00000");
    let c = check_of(&json, &p.admin);
    assert_eq!(
        (c["status"].as_str(), c["keyKind"].as_str()),
        (Some("live"), Some("admin"))
    );
    assert_eq!(c["projectId"], Value::Null);
    assert_eq!(c["keyId"], "key_admin_000");
    assert_eq!(c["expiresAt"], "2024-06-24T16:45:33Z");
    assert_eq!(check_of(&json, &p.unknown)["status"], "not_found");

    let c = check_of(&json, &p.ambiguous);
    assert_eq!(c["status"], "ambiguous");
    assert_eq!(c["keyId"], Value::Null);
    let ids: Vec<&str> = c["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["keyId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["key_twin", "key_00002_00001"],
        "the inactive owner's key too"
    );

    let s = &json["summary"]["crossCheck"];
    assert_eq!(
        (s["live"].as_u64(), s["ambiguous"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(
        (s["notFound"].as_u64(), s["error"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        (s["projects"].as_u64(), s["keysListed"].as_u64()),
        (Some(4), Some(23))
    );

    let log = api.server.requests();
    assert!(
        log.iter().all(|r| r.method == "GET"),
        "a cross-check only reads"
    );
    assert!(
        !log.iter().any(|r| r.path.ends_with("/models")),
        "no key was sent"
    );
    assert!(log
        .iter()
        .any(|r| r.path == "/v1/organization/projects"
            && r.query == "limit=100&include_archived=true"));
    assert!(log
        .iter()
        .any(|r| r.path == "/v1/organization/admin_api_keys"));
    assert!(log
        .iter()
        .all(|r| r.header("openai-organization").is_none()));
}

#[test]
fn sarif_carries_ids_only_and_live_keys_are_errors() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let run = api.scan(t.path(), &["--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif = json_of(&run);
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    let text = serde_json::to_string(&sarif).unwrap();
    for personal in [
        "@example.com",
        "Project 0",
        "User 1",
        "ownerName",
        "ownerEmail",
        "keyName",
    ] {
        assert!(!text.contains(personal), "SARIF holds {personal}");
    }
    let fp = keyhound::secret::sha256_hex(p.user_key.as_bytes());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let mine: Vec<&Value> = results
        .iter()
        .filter(|r| r["partialFingerprints"]["secretSha256/v1"] == fp.as_str())
        .collect();
    assert_eq!(mine.len(), 2);
    for r in mine {
        assert_eq!(r["level"], "error");
        let c = &r["properties"]["crossCheck"];
        assert_eq!(c["status"], "live");
        assert_eq!(c["projectId"], "proj_00000");
        assert_eq!(c["ownerId"], "user_0001");
    }
    let statuses: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["properties"]["crossCheck"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        vec!["ambiguous", "live", "not_found"]
    );
}

#[test]
fn human_output_ends_with_an_incident_summary_grouped_by_project() {
    let api = Api::from_org(org());
    let t = Tree::new();
    let p = plant(&api, &t);
    let run = api.scan(t.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = &run.stdout;
    let summary = out.split("Incident summary").nth(1).expect(out);
    let project0 = summary
        .find("\nProject \"Project 0\" (proj_00000)\n")
        .expect(summary);
    let archived = summary.find("(proj_00003, archived)").expect(summary);
    let admin = summary.find("\nAdmin keys\n").expect(summary);
    assert!(project0 < archived && archived < admin, "{summary}");
    assert!(
        summary.contains("user User 1 <user1@example.com> (user_0001)"),
        "{summary}"
    );
    assert!(
        summary.contains("leaked at .env:1:16, src/app.py:1:26"),
        "{summary}"
    );
    assert!(
        summary.contains("Ambiguous: 1 key matches several listed keys"),
        "{summary}"
    );
    assert!(summary.contains(&format!(
        "NOT FOUND {}",
        Secret::new(p.unknown.clone()).redacted()
    )));
    assert!(run
        .stderr
        .contains("keyhound: cross-check: 4 live, 1 ambiguous, 1 not found, 0 unchecked; 4 projects and 23 keys listed"),
        "{}", run.stderr);
}

#[test]
fn keys_redacted_with_dots_or_an_ellipsis_are_matched_on_head_and_tail() {
    for redaction in [Redaction::Dots, Redaction::Ellipsis] {
        let mut org = Org::generate(&OrgSpec::default());
        org.redaction = redaction;
        let api = Api::from_org(org);
        let t = Tree::new();
        let k = api.key(1, 2);
        t.write("a.env", &k);
        let run = api.scan(t.path(), &["--format", "json"]);
        let json = json_of(&run);
        let c = check_of(&json, &k);
        assert_eq!(
            (c["status"].as_str(), c["keyId"].as_str()),
            (Some("live"), Some("key_00001_00002"))
        );
    }
}

#[test]
fn a_clean_tree_makes_no_request() {
    let api = Api::start(&OrgSpec::default());
    let t = Tree::new();
    t.write("a.txt", "sk-your-key-here\n");
    let run = api.scan(t.path(), &["--fail-on", "live"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run
        .stderr
        .ends_with("keyhound: cross-check: no key to check, no request made\n"));
    assert!(api.server.requests().is_empty());
}

#[test]
fn fail_on_live_passes_when_no_found_key_is_in_the_organization() {
    let api = Api::start(&OrgSpec::default());
    let t = Tree::new();
    t.write("a.env", FakeKeys::new(5).key(Family::Project));
    assert_eq!(api.scan(t.path(), &["--fail-on", "live"]).code, 0);
    assert_eq!(api.scan(t.path(), &[]).code, 1);
    t.write("b.env", api.key(1, 1));
    assert_eq!(api.scan(t.path(), &["--fail-on", "live"]).code, 1);
}

#[test]
fn verify_live_asks_each_candidate_project_and_is_off_by_default() {
    let mut org = org();
    org.projects[2].keys[1].out_of_quota = true;
    let api = Api::from_org(org);
    let t = Tree::new();
    let ambiguous = api.key(2, 1);
    t.write("a.env", &ambiguous);
    let run = api.scan(t.path(), &["--format", "json", "--verify-live"]);
    let json = json_of(&run);
    let c = check_of(&json, &ambiguous);
    assert_eq!(c["status"], "live", "{}", run.stderr);
    assert_eq!(c["keyId"], "key_00002_00001");
    assert_eq!(
        c["liveness"], "live",
        "out of credit is still a working key"
    );
    assert_eq!(c["excludedCandidates"], 1);
    let asked: Vec<Option<String>> = api
        .server
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/models")
        .map(|r| r.header("openai-project").map(str::to_string))
        .collect();
    assert_eq!(
        asked,
        vec![None, Some("proj_00000".into()), Some("proj_00002".into())]
    );
}
