//! Baselines: adopt keyhound on an old repository and fail only on new leaks.

use crate::support::git::{keyhound_in, scan_json_in, Repo};
use crate::support::tree::{key, Tree};
use keyhound::fake::Family;

fn fingerprints(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_baseline_leaves_out_known_keys_and_fails_on_new_ones() {
    let t = Tree::new();
    let (old, new) = (key(801, Family::Project), key(802, Family::Legacy));
    t.write("old.env", format!("K={old}\n"));
    let out = Tree::new();
    for (format, file) in [("json", "base.json"), ("sarif", "base.sarif")] {
        let path = out.path().join(file);
        let run = keyhound_in(
            t.path(),
            &[
                "baseline",
                "--format",
                format,
                "-o",
                path.to_str().unwrap(),
                ".",
            ],
        );
        assert_eq!(
            run.code, 0,
            "a written baseline accepts its keys: {}",
            run.stderr
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&old), "a baseline never holds a key");
        let (code, json, _) = scan_json_in(t.path(), &["--baseline", path.to_str().unwrap()]);
        assert_eq!((code, fingerprints(&json).len()), (0, 0), "{format}");
    }
    // `keyhound baseline` writes JSON by default.
    let run = keyhound_in(t.path(), &["baseline", "-q", "."]);
    assert_eq!(run.code, 0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        fingerprints(&json),
        vec![keyhound::secret::sha256_hex(old.as_bytes())]
    );

    t.write("new.env", format!("K={new}\n"));
    let base = out.path().join("base.sarif");
    let (code, json, _) = scan_json_in(t.path(), &["--baseline", base.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        fingerprints(&json),
        vec![keyhound::secret::sha256_hex(new.as_bytes())]
    );
}

#[test]
fn a_baseline_applies_to_history_scans() {
    let repo = Repo::init();
    let (old, new) = (key(803, Family::Project), key(804, Family::Project));
    repo.write("a.env", format!("{old}\n"));
    repo.commit_all("old");
    let out = Tree::new();
    let base = out.path().join("b.json");
    let run = keyhound_in(
        repo.path(),
        &["baseline", "--history", "-o", base.to_str().unwrap(), "."],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    repo.write("a.env", format!("{old}\n{new}\n"));
    repo.commit_all("new");
    let (code, json, _) = scan_json_in(
        repo.path(),
        &["--history", "--baseline", base.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert_eq!(
        fingerprints(&json),
        vec![keyhound::secret::sha256_hex(new.as_bytes())]
    );
}

#[test]
fn an_unreadable_or_malformed_baseline_is_a_usage_error() {
    let t = Tree::new();
    t.write("a.txt", "clean\n");
    let bad = Tree::new();
    bad.write("not-json.txt", "hello");
    bad.write("other.json", r#"{"tool": "x"}"#);
    bad.write("bad-fp.json", r#"{"findings": [{"fingerprint": "zz"}]}"#);
    for (file, says) in [
        ("missing.json", "cannot read baseline"),
        ("not-json.txt", "is not a keyhound JSON or SARIF report"),
        ("other.json", "neither findings"),
        ("bad-fp.json", "not a SHA-256 fingerprint"),
    ] {
        let path = bad.path().join(file);
        let run = keyhound_in(t.path(), &["scan", "--baseline", path.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{file}");
        assert!(
            run.stderr.starts_with("keyhound: error: "),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(says), "{file}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1);
    }
    let base = bad.path().join("other.json");
    let run = keyhound_in(
        t.path(),
        &["baseline", "--baseline", base.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
}

#[test]
fn a_baseline_refuses_cross_check_and_revoke_rather_than_ignore_them() {
    let t = Tree::new();
    t.write("a.env", format!("K={}\n", key(809, Family::Project)));
    let logs = Tree::new();
    let log = logs.path().join("revoke.jsonl");
    for extra in [
        vec!["--cross-check"],
        vec![
            "--cross-check",
            "--revoke",
            "--yes",
            "--audit-log",
            log.to_str().unwrap(),
        ],
    ] {
        let mut cmd = crate::support::tree::keyhound();
        cmd.current_dir(t.path())
            .env("OPENAI_ADMIN_KEY", "sk-admin-test")
            .args(["baseline", "--api-base", "http://127.0.0.1:9/v1"])
            .args(&extra)
            .arg(".");
        let run: crate::support::tree::Run = cmd.output().unwrap().into();
        assert_eq!(run.code, 2, "{extra:?}: {}", run.stderr);
        assert_eq!(
            run.stderr,
            "keyhound: error: keyhound baseline records every key found now and asks no API; \
             --cross-check (and --revoke) do not apply: use keyhound scan\n"
        );
        assert!(run.stdout.is_empty() && !log.exists());
    }
}
