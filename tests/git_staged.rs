//! `scan --staged`: the staged index against HEAD, reporting keys on added lines only.

use crate::support::git::{keyhound_in, locations, scan_json_in, Repo};
use crate::support::tree::key;
use keyhound::fake::Family;

fn places(json: &serde_json::Value) -> Vec<String> {
    locations(json).into_iter().map(|(p, _)| p).collect()
}

#[test]
fn a_key_on_an_unchanged_line_is_reported_only_with_all_lines() {
    let repo = Repo::init();
    let (old, new) = (key(601, Family::Project), key(602, Family::Project));
    repo.write("app/.env", format!("A=1\nOLD={old}\nB=2\n"));
    repo.commit_all("env");
    repo.write("app/.env", format!("A=1\nOLD={old}\nB=2\nC=3\nNEW={new}\n"));
    repo.git(&["add", "app/.env"]);

    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["app/.env:5"]);
    let loc = &locations(&json)[0].1;
    assert!(loc.get("git").is_none(), "staged content has no commit yet");
    let (code, json, _) = scan_json_in(repo.path(), &["--staged", "--all-lines"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["app/.env:2", "app/.env:5"]);
}

#[test]
fn the_index_is_read_not_the_working_tree() {
    let repo = Repo::init();
    repo.write("a.txt", "clean\n");
    repo.commit_all("a");
    let k = key(603, Family::Admin);
    repo.write("a.txt", format!("clean\n{k}\n"));
    repo.write("untracked.env", format!("{k}\n"));
    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["filesScanned"], 0);
    repo.git(&["add", "a.txt"]);
    // The staged blob, not the file: later edits to the file do not count.
    repo.write("a.txt", "clean\n");
    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["a.txt:2"]);
}

#[test]
fn before_the_first_commit_all_staged_content_is_new() {
    let repo = Repo::init();
    let (code, _, stderr) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 0, "an empty repository is clean: {stderr}");
    let k = key(604, Family::Project);
    repo.write("deep/dir/k.txt", format!("x\n{k}\n"));
    repo.write("other.txt", "y\n");
    repo.git(&["add", "-A"]);
    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["deep/dir/k.txt:2"]);
    assert_eq!(json["summary"]["filesScanned"], 2);
}

#[test]
fn renames_add_nothing_but_their_edits() {
    let repo = Repo::init();
    let (old, new) = (key(605, Family::Project), key(606, Family::Legacy));
    let body: String = (0..10).map(|i| format!("line {i}\n")).collect();
    repo.write("conf/a.env", format!("{body}K={old}\n"));
    repo.commit_all("a");
    repo.git(&["mv", "conf/a.env", "conf/b.env"]);
    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 0, "a pure rename adds no line: {json:#}");
    assert_eq!(json["summary"]["filesScanned"], 0);
    let (code, json, _) = scan_json_in(repo.path(), &["--staged", "--all-lines"]);
    assert_eq!(
        (code, places(&json)),
        (1, vec!["conf/b.env:11".to_string()])
    );
    // Renamed and edited: only the edit is new.
    repo.write("conf/b.env", format!("{body}K={old}\nN={new}\n"));
    repo.git(&["add", "-A"]);
    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["conf/b.env:12"]);
}

#[test]
fn deletions_submodules_and_binary_files_behave() {
    let repo = Repo::init();
    let (gone, bin_key) = (key(607, Family::Project), key(608, Family::Project));
    repo.write("old.env", format!("{gone}\n"));
    repo.commit_all("old");
    repo.git(&["rm", "-q", "old.env"]);
    repo.add_submodule("vendor/lib");
    let (code, json, stderr) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 0, "deleting a key adds none: {stderr}");
    assert_eq!(json["warnings"], serde_json::json!([]));
    let mut bin = vec![0u8, 0, 7, 200];
    bin.extend_from_slice(bin_key.as_bytes());
    bin.push(0);
    repo.write("img.bin", &bin);
    repo.git(&["add", "img.bin"]);
    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["img.bin:1"]);
}

#[test]
fn a_merge_in_progress_reports_what_it_brings_and_warns_on_conflicts() {
    let repo = Repo::init();
    repo.write("shared.txt", "base\n");
    repo.commit_all("base");
    repo.git(&["checkout", "-q", "-b", "other"]);
    let k = key(609, Family::ServiceAccount);
    repo.write("brought.env", format!("K={k}\n"));
    repo.write("shared.txt", "theirs\n");
    repo.commit_all("other side");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("shared.txt", "ours\n");
    repo.commit_all("our side");
    assert_ne!(
        repo.git_status(&["merge", "-q", "other"]),
        0,
        "the merge conflicts"
    );

    let (code, json, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["brought.env:1"]);
    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["path"], "shared.txt");
    assert!(warnings[0]["message"]
        .as_str()
        .unwrap()
        .contains("unmerged"));
}

#[test]
fn hooks_index_file_is_honoured() {
    let repo = Repo::init();
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    let k = key(610, Family::Project);
    repo.write("a.txt", format!("a\n{k}\n"));
    // `git commit a.txt` hands its hooks a temporary index through GIT_INDEX_FILE.
    let tmp_index = repo.path().join(".git/keyhound-test-index");
    std::fs::copy(repo.path().join(".git/index"), &tmp_index).unwrap();
    let out = crate::support::git::git_command(repo.path())
        .env("GIT_INDEX_FILE", &tmp_index)
        .args(["add", "a.txt"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (code, _, _) = scan_json_in(repo.path(), &["--staged"]);
    assert_eq!(code, 0, "the real index holds no change");
    let run: crate::support::tree::Run = crate::support::tree::keyhound()
        .current_dir(repo.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_INDEX_FILE", &tmp_index)
        .args(["scan", "--staged", "--format", "json", "--no-progress"])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn a_bare_repository_has_no_staged_changes_but_its_history_is_swept() {
    let repo = Repo::init();
    let k = key(611, Family::Project);
    repo.write("k.env", format!("{k}\n"));
    let commit = repo.commit_all("k");
    let bare = crate::support::tree::Tree::new();
    let bare_path = bare.path().join("mirror.git");
    repo.git(&["clone", "-q", "--bare", ".", bare_path.to_str().unwrap()]);
    let run = keyhound_in(&bare_path, &["scan", "--staged", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bare repository"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
    let (code, json, _) = scan_json_in(&bare_path, &["--history", "."]);
    assert_eq!(code, 1);
    let loc = &locations(&json)[0].1;
    assert_eq!(loc["path"], "k.env");
    assert_eq!(loc["git"]["commit"], commit.as_str());
    assert_eq!(loc["git"]["presentAtHead"], true);
}
