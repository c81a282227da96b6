//! `keyhound audit` end to end against the mock Admin API, with the clock fixed by
//! KEYHOUND_NOW: every flag at its boundary, the output formats parsed back, --fail-on.

use crate::support::audit::{hygiene_org, parse_csv, NOW};
use crate::support::mock::{json_of, Api};
use serde_json::Value;

fn by_id<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["keyId"] == id)
        .unwrap_or_else(|| panic!("no key {id}"))
}

fn flags(json: &Value, id: &str) -> Vec<String> {
    by_id(json, id)["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect()
}

fn audit_json(api: &Api, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = api.audit(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    json_of(&run)
}

#[test]
fn stale_and_admin_stale_start_exactly_at_n_days() {
    let api = Api::from_org(hygiene_org());
    let json = audit_json(&api, &["--stale-days", "90"]);
    assert_eq!(flags(&json, "key_used_89"), Vec::<String>::new());
    assert_eq!(flags(&json, "key_used_90"), vec!["stale"]);
    assert_eq!(flags(&json, "key_used_91"), vec!["stale"]);
    assert_eq!(flags(&json, "key_new_89"), vec!["never-used"]);
    assert_eq!(flags(&json, "key_new_90"), vec!["stale", "never-used"]);
    assert_eq!(flags(&json, "key_new_91"), vec!["stale", "never-used"]);
    assert_eq!(flags(&json, "admin_89"), Vec::<String>::new());
    assert_eq!(flags(&json, "admin_90"), vec!["admin-stale"]);
    assert_eq!(flags(&json, "admin_91"), vec!["admin-stale"]);
    assert_eq!(
        by_id(&json, "key_used_91")["flags"][0]["reason"],
        "not used for 91 days (last used 2024-03-25; stale after 90 days)"
    );
    // The same keys against a shorter period.
    let json = audit_json(&api, &["--stale-days", "89"]);
    assert_eq!(flags(&json, "key_used_89"), vec!["stale"]);
    assert_eq!(flags(&json, "admin_89"), vec!["admin-stale"]);
    // And one second earlier, 90 days are not yet up.
    let run = api.audit_with(
        Some(&api.admin),
        &["--format", "json"],
        &[("KEYHOUND_NOW", &(NOW - 1).to_string())],
    );
    let json = json_of(&run);
    assert_eq!(flags(&json, "key_used_90"), Vec::<String>::new());
    assert_eq!(flags(&json, "key_new_90"), vec!["never-used"]);
    assert_eq!(json["audit"]["now"], "2024-06-23T23:59:59Z");
}

#[test]
fn archived_orphaned_legacy_and_unexpiring_keys_are_listed_and_flagged() {
    let api = Api::from_org(hygiene_org());
    let json = audit_json(&api, &[]);
    assert_eq!(flags(&json, "key_arch"), vec!["archived-project"]);
    assert_eq!(by_id(&json, "key_arch")["projectArchived"], true);
    assert_eq!(flags(&json, "key_orphan"), vec!["orphaned"]);
    assert_eq!(by_id(&json, "key_orphan")["ownerProjectAccess"], "inactive");
    assert_eq!(flags(&json, "key_legacy"), vec!["legacy-format"]);
    assert_eq!(flags(&json, "key_unowned"), vec!["legacy-format"]);
    assert!(by_id(&json, "key_unowned")["flags"][0]["reason"]
        .as_str()
        .unwrap()
        .starts_with("unowned key format (sk-None-)"));
    assert_eq!(flags(&json, "admin_forever"), vec!["admin-no-expiry"]);
    assert_eq!(by_id(&json, "admin_in_use")["adminKeyInUse"], true);
    assert_eq!(by_id(&json, "admin_forever")["adminKeyInUse"], false);
    // The listings asked for archived projects and for keys whatever their owner's access.
    let queries: Vec<(String, String)> = api
        .server
        .requests()
        .into_iter()
        .map(|r| (r.path, r.query))
        .collect();
    assert!(queries.contains(&(
        "/v1/organization/projects".into(),
        "limit=100&include_archived=true".into()
    )));
    assert!(queries.contains(&(
        "/v1/organization/projects/proj_arch/api_keys".into(),
        "limit=100&owner_project_access=any".into()
    )));
}

#[test]
fn many_keys_per_owner_flags_an_owner_above_the_maximum() {
    let api = Api::from_org(hygiene_org());
    let json = audit_json(&api, &["--max-keys-per-owner", "3"]);
    for i in 0..3 {
        assert_eq!(
            flags(&json, &format!("key_user_3_{i}")),
            Vec::<String>::new()
        );
    }
    for i in 0..4 {
        assert_eq!(
            flags(&json, &format!("key_user_4_{i}")),
            vec!["many-keys-per-owner"]
        );
    }
    assert_eq!(
        by_id(&json, "key_user_4_0")["flags"][0]["reason"],
        "user user_4 holds 4 keys in this project (more than 3)"
    );
    let json = audit_json(&api, &["--max-keys-per-owner", "4"]);
    assert_eq!(json["summary"]["flags"]["many-keys-per-owner"], 0);
    let json = audit_json(&api, &["--max-keys-per-owner", "2"]);
    assert_eq!(json["summary"]["flags"]["many-keys-per-owner"], 7);
}

#[test]
fn json_parses_back_with_every_key_project_and_count() {
    let api = Api::from_org(hygiene_org());
    let json = audit_json(&api, &["--max-keys-per-owner", "3"]);
    let s = &json["summary"];
    assert_eq!(s["projects"], 3);
    assert_eq!(s["archivedProjects"], 1);
    assert_eq!(s["projectKeys"], 17);
    assert_eq!(s["adminKeys"], 5);
    assert_eq!(s["keys"], 22);
    assert_eq!(s["complete"], true);
    assert_eq!(s["failedListings"], 0);
    let counted: u64 = Value::as_object(&s["flags"])
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let raised: usize = json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["flags"].as_array().unwrap().len())
        .sum();
    assert_eq!(counted as usize, raised);
    let k = by_id(&json, "key_orphan");
    assert_eq!(k["keyKind"], "project");
    assert_eq!(k["projectId"], "proj_main");
    assert_eq!(k["projectName"], "Project proj_main");
    assert_eq!(k["ownerType"], "user");
    assert_eq!(k["ownerId"], "user_gone");
    assert_eq!(k["ownerEmail"], "user_gone@example.com");
    assert_eq!(k["createdAt"], "2023-05-21T00:00:00Z");
    assert_eq!(k["lastUsedAt"], "2024-06-23T00:00:00Z");
    assert_eq!(k["risk"], 3);
    let a = by_id(&json, "admin_90");
    assert_eq!(
        (a["keyKind"].as_str(), &a["projectId"]),
        (Some("admin"), &Value::Null)
    );
    assert_eq!(a["expiresAt"], "2024-07-24T00:00:00Z");
    let risks: Vec<u64> = json["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["projectId"] == "proj_main")
        .map(|k| k["risk"].as_u64().unwrap())
        .collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
    assert_eq!(
        json["projects"][0]["id"], "proj_main",
        "the riskiest project first"
    );
}

#[test]
fn csv_parses_back_one_row_per_key_with_names_guarded() {
    let mut org = hygiene_org();
    org.projects[0].keys[0].name = "=HYPERLINK(\"http://evil\",\"x\"), more".into();
    org.projects[0].name = "@team, \"core\"".into();
    let api = Api::from_org(org);
    let run = api.audit(&["--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = parse_csv(&run.stdout);
    assert_eq!(rows.len(), 1 + 22);
    let header = &rows[0];
    assert_eq!(header[0], "project_id");
    assert_eq!(header.len(), 19);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows
        .iter()
        .find(|r| r[col("key_id")] == "key_used_89")
        .expect("row");
    assert_eq!(
        row[col("key_name")],
        "'=HYPERLINK(\"http://evil\",\"x\"), more"
    );
    assert_eq!(row[col("project_name")], "'@team, \"core\"");
    assert_eq!(row[col("last_used_at")], "2024-03-27T00:00:00Z");
    assert_eq!(row[col("flags")], "");
    let row = rows
        .iter()
        .find(|r| r[col("key_id")] == "key_new_91")
        .expect("row");
    assert_eq!(row[col("flags")], "stale;never-used");
    assert_eq!(row[col("risk")], "3");
    assert_eq!(row[col("last_used_at")], "");
    assert!(row[col("reasons")].starts_with("stale: never used, created 91 days ago"));
    assert!(row[col("redacted")].starts_with("sk-proj-…"));
    let admin = rows
        .iter()
        .find(|r| r[col("key_id")] == "admin_forever")
        .expect("row");
    assert_eq!(admin[col("key_kind")], "admin");
    assert_eq!(admin[col("project_id")], "");
}

#[test]
fn the_human_table_groups_by_project_riskiest_first() {
    let api = Api::from_org(hygiene_org());
    let run = api.audit(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.starts_with("keyhound audit at 2024-06-24T00:00:00Z: stale after 90 days"));
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("no {needle:?} in\n{out}"))
    };
    let main = at("\nProject \"Project proj_main\" (proj_main): 9 keys, 8 flagged\n");
    let admin = at("\nAdmin keys: 5 keys, 3 flagged\n");
    let arch = at("\nProject \"Project proj_arch\" (proj_arch, archived): 1 key, 1 flagged\n");
    let many = at("\nProject \"Project proj_many\" (proj_many): 7 keys, 0 flagged\n");
    assert!(main < admin && admin < arch && arch < many, "{out}");
    assert!(out.contains("        - orphaned: its owner no longer has access to the project"));
    assert!(out.contains("(in use by this audit)"));
    assert!(!out.contains("INCOMPLETE"));
    assert!(
        run.stderr.contains(
            "keyhound: audit: 22 keys (17 in 3 projects, 1 archived; 5 admin), 12 flagged"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn fail_on_exits_1_only_when_a_chosen_flag_is_present() {
    let api = Api::from_org(hygiene_org());
    assert_eq!(api.audit(&["--fail-on", "orphaned"]).code, 1);
    assert_eq!(
        api.audit(&["--fail-on", "never-used,orphaned", "--format", "csv"])
            .code,
        1
    );
    let none = api.audit(&["--fail-on", "many-keys-per-owner", "--format", "json"]);
    assert_eq!(none.code, 0, "{}", none.stderr);
    assert_eq!(
        api.audit(&[
            "--fail-on",
            "many-keys-per-owner",
            "--max-keys-per-owner",
            "3"
        ])
        .code,
        1
    );
    assert_eq!(
        api.audit(&[]).code,
        0,
        "no --fail-on: 0 whatever is flagged"
    );
    api.server.clear_requests();
    let run = api.audit(&["--fail-on", "stale,rotten"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "keyhound: error: unknown flag \"rotten\" for --fail-on (known: orphaned, \
         archived-project, admin-stale, admin-no-expiry, stale, legacy-format, \
         many-keys-per-owner, never-used)\n"
    );
    assert!(run.stdout.is_empty());
    assert!(
        api.server.requests().is_empty(),
        "no request before the flags are checked"
    );
}
