//! Damaged repositories: an object that cannot be read is a warning that names the path at
//! which the repository holds it, and the keys in every other object are still reported.

use crate::support::git::{scan_json_in, Repo};
use crate::support::tree::key;
use keyhound::fake::Family;

/// Deletes the loose object `id` (as a damaged clone or a failed copy leaves it).
fn lose_object(repo: &Repo, id: &str) {
    let path = repo
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    std::fs::remove_file(&path).expect("a loose object");
}

#[test]
fn a_missing_blob_that_history_holds_is_warned_at_its_path_not_as_unreachable() {
    let repo = Repo::init();
    repo.write("conf/.env", format!("K={}\n", key(970, Family::Project)));
    repo.write("docs/notes.txt", "notes\n");
    repo.commit_all("add");
    let lost = repo.git(&["rev-parse", "HEAD:docs/notes.txt"]);
    lose_object(&repo, &lost);
    for extra in [&[][..], &["--all-objects"][..]] {
        let args = [&["--history", "."][..], extra].concat();
        let (code, json, stderr) = scan_json_in(repo.path(), &args);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(json["summary"]["keys"], 1, "{json}");
        assert_eq!(
            json["warnings"],
            serde_json::json!([{
                "path": "docs/notes.txt",
                "message": format!("missing object (blob {lost})"),
            }]),
            "{extra:?}"
        );
    }
}

#[test]
fn a_missing_staged_blob_is_warned_at_its_path() {
    let repo = Repo::init();
    repo.write("a.txt", "a\n");
    repo.commit_all("a");
    repo.write("new.env", format!("K={}\n", key(971, Family::Project)));
    repo.git(&["add", "new.env"]);
    let lost = repo.git(&["rev-parse", ":new.env"]);
    lose_object(&repo, &lost);
    let (code, json, stderr) = scan_json_in(repo.path(), &["--staged", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["warnings"][0]["path"], "new.env", "{json}");
    assert_eq!(
        json["warnings"][0]["message"],
        format!("missing object (blob {lost})")
    );
}
