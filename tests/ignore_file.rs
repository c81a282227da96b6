//! A `.keyhoundignore` that is there is used, or refused on one line: never dropped in
//! silence, which would drop every suppression written in it.

use crate::support::git::{git_in, scan_json_in, Repo};
use crate::support::tree::{key, run_in, scan_json, Tree};
use keyhound::fake::Family;
use keyhound::secret::sha256_hex;

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

#[test]
fn an_unusable_keyhoundignore_is_exit_2_on_one_line() {
    let t = Tree::new();
    t.write("a/.env", format!("K={}\n", key(960, Family::Project)));
    // What a Windows shell's `echo a/ > .keyhoundignore` writes.
    t.write(".keyhoundignore", utf16le_with_bom("a/\n"));
    let run = run_in(t.path(), &["scan", "--no-progress", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "keyhound: error: ./.keyhoundignore: not UTF-8 text (saved as UTF-16?): its paths and \
         fingerprints cannot be read\n"
    );
    std::fs::remove_file(t.path().join(".keyhoundignore")).unwrap();
    std::fs::create_dir(t.path().join(".keyhoundignore")).unwrap();
    let run = run_in(t.path(), &["scan", "--no-progress", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("keyhound: error: cannot read ./.keyhoundignore: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn a_keyhoundignore_with_a_byte_order_mark_still_suppresses_its_first_line() {
    let t = Tree::new();
    let (a, b) = (key(961, Family::Project), key(962, Family::Admin));
    t.write("a.env", format!("K={a}\n"));
    t.write("b.env", format!("K={b}\n"));
    t.write(
        ".keyhoundignore",
        format!("\u{feff}{}\nb.env\n", sha256_hex(a.as_bytes())),
    );
    let (code, json, stderr) = scan_json(t.path(), &["--no-progress", "."]);
    assert_eq!(code, 0, "{stderr}: {json}");
}

#[test]
fn one_repository_with_an_unusable_keyhoundignore_among_many_is_swept_unsuppressed() {
    let top = Tree::new();
    let k = key(963, Family::Project);
    let alpha = Repo::init_in(&top.path().join("alpha"));
    std::fs::write(alpha.join("a.env"), format!("K={k}\n")).unwrap();
    git_in(&alpha, &["add", "-A"]);
    git_in(&alpha, &["commit", "-qm", "a"]);
    std::fs::write(alpha.join(".keyhoundignore"), utf16le_with_bom("a.env\n")).unwrap();
    let (code, json, stderr) = scan_json_in(top.path(), &["--history", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["summary"]["keys"], 1, "{json}");
    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{json}");
    assert_eq!(warnings[0]["path"], "alpha");
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("not UTF-8 text")
            && message.ends_with("swept without its .keyhoundignore"),
        "{message}"
    );
}
