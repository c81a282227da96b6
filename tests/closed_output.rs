//! A reader that goes away (`keyhound scan | head -1`) ends the output, not the command: the
//! exit code is still the command's, so that a closed pipe never reads as a clean scan.

use crate::support::mock::Api;
use crate::support::revoke::{deletes, org, plant, AuditFile};
use crate::support::tree::{key, keyhound, Run, Tree};
use keyhound::fake::Family;
use std::process::{Command, Stdio};

/// Which standard stream's reader is gone before keyhound writes anything.
#[derive(Clone, Copy, Debug)]
enum Closed {
    Stdout,
    Stderr,
}

/// Runs `cmd` with the read end of `closed`'s pipe already closed; the other stream is
/// captured.
fn run_closed(mut cmd: Command, closed: Closed) -> Run {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    match closed {
        Closed::Stdout => cmd.stdout(writer).stderr(Stdio::piped()),
        Closed::Stderr => cmd.stderr(writer).stdout(Stdio::piped()),
    };
    cmd.output().expect("run keyhound").into()
}

fn tree_with_keys() -> Tree {
    let t = Tree::new();
    for i in 0..50 {
        t.write(
            &format!("f{i}/.env"),
            format!("KEY={}\n", key(900 + i, Family::Project)),
        );
    }
    t
}

#[test]
fn a_closed_stdout_keeps_exit_1_and_the_summary_for_every_format() {
    let t = tree_with_keys();
    for format in ["human", "json", "sarif"] {
        let mut cmd = keyhound();
        cmd.current_dir(t.path())
            .args(["scan", "--no-progress", "--format", format]);
        let run = run_closed(cmd, Closed::Stdout);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains("keyhound: 50 keys (50 occurrences)"),
            "{format}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("error"), "{format}: {}", run.stderr);
    }
}

#[test]
fn a_closed_stderr_keeps_the_exit_code_and_never_panics() {
    let t = tree_with_keys();
    let mut cmd = keyhound();
    cmd.current_dir(t.path()).args(["scan", "--no-progress"]);
    let run = run_closed(cmd, Closed::Stderr);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 50);
    // The error line itself cannot be written: still exit 2, not a panic's 101.
    let mut cmd = keyhound();
    cmd.current_dir(t.path()).args(["scan", "missing"]);
    assert_eq!(run_closed(cmd, Closed::Stderr).code, 2);
}

#[test]
fn a_full_disk_is_an_error_that_names_what_could_not_be_written() {
    let t = tree_with_keys();
    let run: Run = keyhound()
        .current_dir(t.path())
        .args(["scan", "--no-progress", "-o", "/dev/full", "."])
        .output()
        .expect("run keyhound")
        .into();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("keyhound: error: cannot write to /dev/full: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn a_revocation_told_yes_is_carried_out_and_logged_when_stdout_closes() {
    for closed in [Closed::Stdout, Closed::Stderr] {
        let api = Api::from_org(org());
        let t = Tree::new();
        let p = plant(&api, &t);
        let audit = AuditFile::new();
        let mut cmd = api.command(Some(&api.admin), &[]);
        cmd.current_dir(t.path()).args([
            "scan",
            "--no-progress",
            "--cross-check",
            "--api-base",
            &api.server.base_url(),
            "--revoke",
            "--yes",
            "--audit-log",
            audit.path.to_str().expect("a UTF-8 path"),
        ]);
        let run = run_closed(cmd, closed);
        // Findings are still findings: 1, as with an open stdout.
        assert_eq!(run.code, 1, "{closed:?}: {}{}", run.stdout, run.stderr);
        let sent = deletes(&api);
        assert!(!sent.is_empty(), "{closed:?}: no DELETE was sent");
        assert_eq!(audit.lines().len(), sent.len(), "{closed:?}");
        assert!(!audit.text().contains(p.user.as_str()));
    }
}
