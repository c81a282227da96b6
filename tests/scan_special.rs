//! Files that are not plain readable files: each is a warning, never an abort or a hang.

use crate::support::tree::{key, keyhound, places, scan_json, Run, Tree};
use keyhound::fake::Family;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;

fn warnings(json: &serde_json::Value) -> Vec<String> {
    json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{}: {}",
                w["path"].as_str().unwrap_or("-"),
                w["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn fifo_is_skipped_with_a_warning_and_never_blocks() {
    let t = Tree::new();
    let k = key(21, Family::Project);
    t.write("a.txt", &k);
    let fifo = t.path().join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let mut child = keyhound()
        .current_dir(t.path())
        .args(["scan", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("scan blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let run: Run = child.wait_with_output().unwrap().into();
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(places(&json), vec!["a.txt:1:1"]);
    assert_eq!(warnings(&json), vec!["pipe: skipped: not a regular file"]);
    assert!(run.stderr.contains("1 warning"), "{}", run.stderr);
}

#[test]
fn symlinks_are_not_followed_by_default_and_loops_are_warnings() {
    let t = Tree::new();
    let k = key(22, Family::Admin);
    let outside = Tree::new();
    outside.write("secret.env", &k);
    std::fs::create_dir_all(t.path().join("d")).unwrap();
    std::os::unix::fs::symlink(outside.path(), t.path().join("d/link")).unwrap();
    std::os::unix::fs::symlink(t.path().join("d"), t.path().join("d/loop")).unwrap();
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 0);
    assert!(warnings(&json).is_empty());
    let (code, json, _) = scan_json(t.path(), &["--follow"]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["d/link/secret.env:1:1"]);
    assert_eq!(warnings(&json), vec!["d/loop: skipped: symbolic link loop"]);
}

/// Root reads everything, so the scan runs as `nobody` through setpriv.
#[test]
fn unreadable_file_is_a_warning_and_other_findings_survive() {
    let t = Tree::new();
    let k = key(23, Family::Project);
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    t.write("ok.txt", &k);
    let locked = t.write("locked.txt", &k);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let is_root = unsafe_free_euid() == 0;
    let mut cmd = if is_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_keyhound"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_keyhound"))
    };
    let run: Run = cmd
        .current_dir(t.path())
        .args(["scan", "--format", "json", "."])
        .output()
        .expect("run (setpriv is part of util-linux)")
        .into();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(places(&json), vec!["ok.txt:1:1"]);
    assert_eq!(
        warnings(&json),
        vec!["locked.txt: cannot read: permission denied"]
    );
    assert!(run
        .stderr
        .contains("warning: locked.txt: cannot read: permission denied"));
}

fn unsafe_free_euid() -> u32 {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}
