//! `scan --history`: every blob of every ref, once, with where each key entered history.

use crate::support::git::{keyhound_in, locations, scan_json_in, Repo, AUTHOR, EMAIL, EPOCH};
use crate::support::tree::key;
use keyhound::fake::Family;
use serde_json::Value;

fn only_location(json: &Value) -> Value {
    let all = locations(json);
    assert_eq!(all.len(), 1, "{json:#}");
    all[0].1.clone()
}

#[test]
fn a_key_added_then_deleted_is_found_with_its_commit_and_not_at_head() {
    let repo = Repo::init();
    let k = key(501, Family::Project);
    repo.write("README.md", "hello\n");
    repo.commit_all("start");
    repo.write(
        "config/.env",
        format!("# env\nNAME=x\nOPENAI_API_KEY={k}\n"),
    );
    let added = repo.commit_all("add config");
    repo.git(&["rm", "-q", "config/.env"]);
    repo.commit("remove config");

    let (code, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1);
    let loc = only_location(&json);
    assert_eq!(loc["path"], "config/.env");
    assert_eq!(loc["line"], 3);
    assert_eq!(loc["column"], 16);
    let git = &loc["git"];
    assert_eq!(git["commit"], added.as_str());
    assert_eq!(git["time"], EPOCH + 86_400);
    assert_eq!(git["date"], "2024-01-02T00:00:00Z");
    assert_eq!(git["author"]["name"], AUTHOR);
    assert_eq!(git["author"]["email"], EMAIL);
    assert_eq!(git["commitCount"], 1);
    assert_eq!(git["presentAtHead"], false);
    assert_eq!(git["reachable"], true);

    // The working tree no longer holds the key: a tree scan is clean.
    let (code, _, _) = scan_json_in(repo.path(), &[]);
    assert_eq!(code, 0);
}

#[test]
fn the_same_key_in_many_commits_is_scanned_once_and_dated_by_its_first_commit() {
    let repo = Repo::init();
    let k = key(502, Family::ServiceAccount);
    repo.write("keys.txt", format!("{k}\n"));
    let first = repo.commit_all("key");
    for i in 0..20 {
        repo.write("notes.txt", format!("note {i}\n"));
        repo.commit_all(&format!("note {i}"));
    }
    let (code, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1);
    // Each distinct blob is read once: keys.txt once, notes.txt's 20 versions once each.
    assert_eq!(
        json["summary"]["filesScanned"],
        repo.reachable_blobs() as u64
    );
    assert_eq!(json["summary"]["filesScanned"], 21);
    let loc = only_location(&json);
    assert_eq!(loc["path"], "keys.txt");
    assert_eq!(loc["git"]["commit"], first.as_str());
    assert_eq!(loc["git"]["commitCount"], 21);
    assert_eq!(loc["git"]["presentAtHead"], true);
}

#[test]
fn commits_with_equal_dates_are_ordered_by_ancestry() {
    let repo = Repo::init();
    let k = key(503, Family::Project);
    repo.write("a.txt", format!("{k}\n"));
    // All commits carry one date: the ancestor must still win.
    let first = repo.git(&["commit", "--allow-empty", "-qm", "empty"]);
    let _ = first;
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "key"]);
    let with_key = repo.git(&["rev-parse", "HEAD"]);
    for i in 0..5 {
        repo.write("b.txt", format!("{i}\n"));
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-qm", "more"]);
    }
    let (_, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(only_location(&json)["git"]["commit"], with_key.as_str());
}

#[test]
fn a_first_commit_is_swept_and_an_empty_repository_is_clean() {
    let repo = Repo::init();
    let (code, json, stderr) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(
        (code, json["summary"]["filesScanned"].as_u64()),
        (0, Some(0)),
        "{stderr}"
    );
    let k = key(504, Family::Admin);
    repo.write("x.py", format!("KEY = '{k}'\n"));
    let only = repo.commit_all("first");
    let (code, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1);
    let loc = only_location(&json);
    assert_eq!(loc["git"]["commit"], only.as_str());
    assert_eq!(loc["git"]["commitCount"], 1);
    assert_eq!(loc["git"]["presentAtHead"], true);
}

#[test]
fn binary_and_renamed_files_keep_where_the_key_entered() {
    let repo = Repo::init();
    let k = key(505, Family::Legacy);
    let mut bin = vec![0u8, 159, 146, 150, 0, 1, 2];
    bin.extend_from_slice(k.as_bytes());
    bin.extend_from_slice(&[0, 0, 255]);
    repo.write("assets/blob.bin", &bin);
    let added = repo.commit_all("binary");
    repo.git(&["mv", "assets/blob.bin", "assets/moved.bin"]);
    let moved = repo.commit("rename");
    let (code, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1);
    let all = locations(&json);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    let got: Vec<(String, String, bool)> = all
        .iter()
        .map(|(place, l)| {
            (
                place.clone(),
                l["git"]["commit"].as_str().unwrap().to_string(),
                l["git"]["presentAtHead"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("assets/blob.bin:1".to_string(), added, false),
            ("assets/moved.bin:1".to_string(), moved, true),
        ]
    );
}

#[test]
fn every_ref_is_swept_branches_tags_remote_tracking_refs_and_stashes() {
    let repo = Repo::init();
    let keys: Vec<String> = (0..5).map(|i| key(510 + i, Family::Project)).collect();
    repo.write("a.txt", "base\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.txt", &keys[0]);
    repo.commit_all("side");
    // A remote-tracking ref, as a fetch leaves it, with no local branch.
    repo.write("remote.txt", &keys[4]);
    let fetched = repo.commit_all("remote");
    repo.git(&["update-ref", "refs/remotes/origin/topic", &fetched]);
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("tagged.txt", &keys[1]);
    repo.commit_all("tagged");
    repo.git(&["tag", "-a", "v1", "-m", "v1"]);
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    // Two stash entries: the older one lives only in the stash's reflog.
    repo.write("a.txt", format!("base\n{}\n", keys[2]));
    repo.git(&["stash", "-q"]);
    repo.write("a.txt", format!("base\n{}\n", keys[3]));
    repo.git(&["stash", "-q"]);
    let (code, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1);
    let found: std::collections::BTreeSet<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect();
    let want: std::collections::BTreeSet<String> = keys
        .iter()
        .map(|k| keyhound::secret::sha256_hex(k.as_bytes()))
        .collect();
    assert_eq!(found, want);
}

#[test]
fn all_objects_finds_force_pushed_away_commits_and_dangling_blobs() {
    let repo = Repo::init();
    let (gone, dangling) = (key(520, Family::Project), key(521, Family::Admin));
    repo.write("a.txt", "base\n");
    repo.commit_all("base");
    repo.write("secret.env", format!("K={gone}\n"));
    let dropped = repo.commit_all("oops");
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.git(&["reflog", "expire", "--expire=now", "--all"]);
    repo.write("loose.txt", format!("{dangling}\n"));
    let blob = repo.git(&["hash-object", "-w", "loose.txt"]);
    std::fs::remove_file(repo.path().join("loose.txt")).unwrap();

    let (code, _, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 0, "only unreachable objects hold keys");
    let (code, json, _) = scan_json_in(repo.path(), &["--history", "--all-objects"]);
    assert_eq!(code, 1);
    let all = locations(&json);
    assert_eq!(all.len(), 2, "{json:#}");
    let by_path = |p: &str| {
        all.iter()
            .find(|(place, _)| place.starts_with(p))
            .map(|(_, l)| l)
    };
    let env = by_path("secret.env:").expect("the dropped commit's file");
    assert_eq!(env["git"]["commit"], dropped.as_str());
    assert_eq!(env["git"]["reachable"], false);
    let loose = by_path("unreachable-blob/").expect("the dangling blob");
    assert_eq!(loose["path"], format!("unreachable-blob/{blob}"));
    assert_eq!(loose["git"]["blob"], blob.as_str());
    assert!(loose["git"].get("commit").is_none());
}

#[test]
fn range_scans_only_what_its_commits_introduce() {
    let repo = Repo::init();
    let (old, new) = (key(530, Family::Project), key(531, Family::Project));
    repo.write("old.env", format!("K={old}\n"));
    repo.commit_all("old key");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("new.env", format!("K={new}\n"));
    let introduced = repo.commit_all("new key");
    repo.write("other.txt", "x\n");
    repo.commit_all("more");
    let (code, json, _) = scan_json_in(repo.path(), &["--range", "main..feature"]);
    assert_eq!(code, 1);
    let loc = only_location(&json);
    assert_eq!(loc["path"], "new.env");
    assert_eq!(loc["git"]["commit"], introduced.as_str());
    assert_eq!(loc["git"]["commitCount"], 2);
    assert_eq!(loc["git"]["presentAtHead"], true);
    // Unchanged blobs of the base are not read again.
    assert_eq!(json["summary"]["filesScanned"], 2);
    let (code, _, _) = scan_json_in(repo.path(), &["--history", "--range", "feature..main"]);
    assert_eq!(code, 0);
    // HEAD need not lie in the range: on main, the feature's key is not at HEAD.
    repo.git(&["checkout", "-q", "main"]);
    let (_, json, _) = scan_json_in(repo.path(), &["--range", "main..feature"]);
    assert_eq!(only_location(&json)["git"]["presentAtHead"], false);
    for bad in ["main", "main..", "..main", "main..nope"] {
        let run = keyhound_in(repo.path(), &["scan", "--range", bad]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("keyhound: error: --range"),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
}

#[test]
fn a_submodule_is_not_entered_and_does_not_fail_the_sweep() {
    let repo = Repo::init();
    repo.add_submodule("vendor/lib");
    let k = key(540, Family::Project);
    repo.write("app.env", format!("K={k}\n"));
    repo.commit_all("with submodule");
    let (code, json, stderr) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(only_location(&json)["path"], "app.env");
    assert_eq!(json["warnings"], serde_json::json!([]));
}

#[test]
fn keyhoundignore_paths_and_fingerprints_apply_to_history() {
    let repo = Repo::init();
    let (a, b) = (key(550, Family::Project), key(551, Family::Project));
    repo.write("docs/example.md", format!("{a}\n"));
    repo.write("b.env", format!("{b}\n"));
    repo.commit_all("keys");
    repo.write(
        ".keyhoundignore",
        format!("docs/\n{}\n", keyhound::secret::sha256_hex(b.as_bytes())),
    );
    let (code, json, _) = scan_json_in(repo.path(), &["--history"]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn bad_git_requests_are_usage_errors() {
    let t = crate::support::tree::Tree::new();
    t.write("a.txt", "x");
    for flags in [&["--history"][..], &["--staged"][..]] {
        let mut args = vec!["scan"];
        args.extend_from_slice(flags);
        let run = keyhound_in(t.path(), &args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("not a git repository"),
            "{}",
            run.stderr
        );
    }
    t.write("b/c.txt", "y");
    let run = keyhound_in(t.path(), &["scan", "--history", "a.txt", "b"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("take one REPO path"), "{}", run.stderr);
    for flags in [
        &["--staged", "--history"][..],
        &["--staged", "--range", "a..b"][..],
        &["--all-lines"][..],
        &["--all-objects"][..],
    ] {
        let mut args = vec!["scan"];
        args.extend_from_slice(flags);
        let run = keyhound_in(t.path(), &args);
        assert_eq!(run.code, 2, "{flags:?}: {}", run.stderr);
    }
}
