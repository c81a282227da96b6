//! Git scans look inside blobs as tree scans look inside files: archives, base64, UTF-16,
//! with the guard rails' warnings naming the path that holds the blob.

use crate::support::archives::{b64, gzip, gzip_named, utf16, zip};
use crate::support::git::{locations, scan_json_in, Repo};
use crate::support::tree::keys;
use keyhound::fake::Family;
use serde_json::Value;

fn paths(json: &Value) -> Vec<String> {
    locations(json).into_iter().map(|(p, _)| p).collect()
}

fn warnings(json: &Value) -> Vec<String> {
    json["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| {
            format!(
                "{}!/{}: {}",
                w["path"].as_str().unwrap_or("-"),
                w["member"].as_str().unwrap_or("-"),
                w["message"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn history_finds_keys_inside_committed_archives_encodings_and_utf16() {
    let repo = Repo::init();
    let mut gen = keys(901);
    let (a, b, c) = (
        gen.key(Family::Project),
        gen.key(Family::Admin),
        gen.key(Family::ServiceAccount),
    );
    repo.write(
        "backups/config.zip",
        zip(&[("config/.env", format!("X=1\nKEY={a}\n").as_bytes())]),
    );
    repo.write(
        "deploy/secret.yaml",
        format!("data:\n  key: {}\n", b64(format!("{b}\n"))),
    );
    repo.write("win/settings.txt", utf16(&format!("k={c}\r\n"), true, true));
    repo.commit_all("add artefacts");
    repo.git(&["rm", "-q", "-r", "backups", "deploy", "win"]);
    repo.commit("remove them");

    let (code, json, stderr) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        paths(&json),
        vec![
            "backups/config.zip!/config/.env:2",
            "deploy/secret.yaml:2",
            "win/settings.txt:1",
        ]
    );
    let locs = locations(&json);
    assert_eq!(locs[1].1["encoding"], "base64");
    assert_eq!(locs[2].1["encoding"], "utf-16le");
    assert!(locs.iter().all(|(_, l)| l["git"]["presentAtHead"] == false));

    // The same switches as for trees turn the looking inside off.
    let (code, json, _) = scan_json_in(repo.path(), &["--history", "--no-decode", "--no-archives"]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn a_gzip_blob_names_its_content_by_the_name_its_header_stores() {
    let repo = Repo::init();
    let mut gen = keys(905);
    let (a, b) = (gen.key(Family::Project), gen.key(Family::Project));
    repo.write(
        "logs/app.log.gz",
        gzip_named("app.log", format!("start\nK={a}\n").as_bytes()),
    );
    repo.write("logs/anon.gz", gzip(format!("K={b}\n").as_bytes()));
    repo.commit_all("logs");
    let (code, json, stderr) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        paths(&json),
        vec!["logs/anon.gz!/-:1", "logs/app.log.gz!/app.log:2"]
    );
    repo.write(
        "logs/new.log.gz",
        gzip_named(
            "new.log",
            format!("K={}\n", gen.key(Family::Admin)).as_bytes(),
        ),
    );
    repo.git(&["add", "logs/new.log.gz"]);
    let (_, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(paths(&json), vec!["logs/new.log.gz!/new.log:1"]);
}

#[test]
fn a_zip_bomb_in_history_is_a_warning_at_its_path() {
    let repo = Repo::init();
    let k = keys(902).key(Family::Project);
    let zeros = vec![0u8; 24 << 20];
    repo.write(
        "dist/bomb.zip",
        zip(&[
            ("zeros.bin", &zeros),
            ("ok.env", format!("K={k}\n").as_bytes()),
        ]),
    );
    repo.commit_all("bomb");
    let (code, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&json), vec!["dist/bomb.zip!/ok.env:1"]);
    let w = warnings(&json);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with("dist/bomb.zip!/zeros.bin: skipped: expands more than 100 times"),
        "{w:?}"
    );
    assert_eq!(json["summary"]["warnings"], 1);
}

#[test]
fn staged_archives_report_keys_their_base_version_did_not_hold() {
    let repo = Repo::init();
    let mut gen = keys(903);
    let (old, new) = (gen.key(Family::Project), gen.key(Family::Project));
    repo.write(
        "backup.zip",
        zip(&[(".env", format!("A={old}\n").as_bytes())]),
    );
    repo.commit_all("old backup");
    // The staged archive keeps the old key and adds a new one, on the same member line
    // numbers as before: only the new key is what the commit adds.
    repo.write(
        "backup.zip",
        zip(&[
            (".env", format!("A={old}\n").as_bytes()),
            ("more/.env", format!("B={new}\n").as_bytes()),
        ]),
    );
    repo.git(&["add", "backup.zip"]);
    let (code, json, stderr) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(paths(&json), vec!["backup.zip!/more/.env:1"]);
    let (_, json, _) = scan_json_in(repo.path(), &["--staged", "--all-lines"]);
    assert_eq!(
        paths(&json),
        vec!["backup.zip!/.env:1", "backup.zip!/more/.env:1"]
    );
}

#[test]
fn a_cross_checked_sweep_of_many_repositories_attributes_in_every_run() {
    use crate::support::mock::{json_of, Api};
    use keyhound::mock::{Org, OrgSpec};
    let mut org = Org::generate(&OrgSpec {
        seed: 904,
        projects: 2,
        keys_per_project: 3,
        admin_keys: 1,
        archived_every: 0,
        service_account_every: 0,
        realistic_tails: false,
    });
    // The keys existed before the commits that leak them (a key created after its leak's
    // commit cannot be the leaked key).
    for key in org.projects.iter_mut().flat_map(|p| p.keys.iter_mut()) {
        key.created_at = crate::support::git::EPOCH - 86_400;
    }
    let api = Api::from_org(org);
    let root = crate::support::tree::Tree::new();
    for (name, project) in [("alpha", 0), ("beta", 1)] {
        let dir = Repo::init_in(&root.path().join(name));
        std::fs::write(dir.join(".env"), format!("K={}\n", api.key(project, 1))).unwrap();
        crate::support::git::git_in(&dir, &["add", "-A"]);
        crate::support::git::git_in(&dir, &["commit", "-q", "-m", "leak"]);
    }
    let run = api.scan(root.path(), &["--history", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif = json_of(&run);
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for (run, project) in runs.iter().zip(["proj_00000", "proj_00001"]) {
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{run:#}");
        let cc = &results[0]["properties"]["crossCheck"];
        assert_eq!(cc["status"], "live", "{cc:#}");
        assert_eq!(cc["projectId"], project);
        assert!(cc.get("ownerEmail").is_none(), "SARIF holds ids only");
        assert_eq!(results[0]["level"], "error");
    }
    assert_eq!(
        crate::sarif::schema_errors(&sarif),
        Vec::<String>::new(),
        "multi-run cross-checked SARIF is schema-valid"
    );
}
