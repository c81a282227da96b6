//! What the user gave wrong: one line on stderr, exit code 2, no findings lost silently.

use crate::support::tree::{key, run_in, Tree};
use keyhound::fake::Family;

fn assert_usage_error(run: &crate::support::tree::Run, needle: &str) {
    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert!(run.stderr.contains(needle), "stderr: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn missing_path_is_exit_2_on_one_line() {
    let t = Tree::new();
    let run = run_in(t.path(), &["scan", "nope"]);
    assert_usage_error(
        &run,
        "keyhound: error: cannot scan nope: no such file or directory",
    );
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn bad_flag_is_exit_2() {
    let t = Tree::new();
    assert_usage_error(&run_in(t.path(), &["scan", "--frobnicate"]), "--frobnicate");
    assert_usage_error(&run_in(t.path(), &["scan", "--format", "xml"]), "xml");
    assert_usage_error(&run_in(t.path(), &["scan", "-j", "0"]), "--threads");
    assert_usage_error(&run_in(t.path(), &["scan", "-j", "1025"]), "--threads");
    for args in [
        &["scan", "--frobnicate"][..],
        &["scan", "--format", "xml"],
        &["scan", "--staged", "--history"],
        &["revoke"],
        &["audit", "--stale-days", "x"],
        &["frobnicate"],
    ] {
        let run = run_in(t.path(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.starts_with("keyhound: error: ") && run.stderr.lines().count() == 1,
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = run_in(t.path(), &["scan", "--format", "xml"]);
    assert!(run.stderr.contains("[possible values: human, json, sarif]"));
}

#[test]
fn invalid_rule_files_are_exit_2_on_one_line() {
    let t = Tree::new();
    t.write("bad.toml", "[[rule]]\nid = 3\n");
    let run = run_in(t.path(), &["scan", "--rules", "bad.toml", "."]);
    assert_usage_error(&run, "invalid rule file bad.toml");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    let run = run_in(t.path(), &["scan", "--rules", "missing.toml", "."]);
    assert_usage_error(&run, "cannot read rule file missing.toml");
    t.write(
        "group.toml",
        "[[rule]]\nid = \"x.y\"\nname = \"n\"\nkind = \"k\"\ndescription = \"d\"\n\
         pattern = 'abc'\nkeywords = [\"abc\"]\nlevel = \"error\"\nsecurity_severity = \"5.0\"\n\
         precision = \"high\"\nhelp = \"h\"\n",
    );
    let run = run_in(t.path(), &["rules", "check", "--rules", "group.toml"]);
    assert_usage_error(&run, "exactly one capture group");
}

#[test]
fn extra_rules_are_used_and_self_tested() {
    let t = Tree::new();
    t.write(
        "extra.toml",
        "[[rule]]\nid = \"acme.token\"\nname = \"Acme token\"\nkind = \"acme\"\n\
         description = \"d\"\npattern = '(acme_[0-9a-f]{16})'\nkeywords = [\"acme_\"]\n\
         level = \"warning\"\nsecurity_severity = \"5.0\"\nprecision = \"high\"\nhelp = \"h\"\n\
         examples = [\"t=acme_0123456789abcdef\"]\nnegative_examples = [\"acme_xyz\"]\n",
    );
    t.write("src/a.txt", "token acme_00112233445566ff\n");
    let run = run_in(t.path(), &["rules", "check", "--rules", "extra.toml"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("7 rules"), "{}", run.stdout);
    let run = run_in(t.path(), &["scan", "--rules", "extra.toml", "src"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("acme.token"), "{}", run.stdout);
}

#[test]
fn unwritable_output_is_exit_2() {
    let t = Tree::new();
    t.write("a.txt", key(31, Family::Project));
    let run = run_in(t.path(), &["scan", "-o", "no/such/dir/out.json", "."]);
    assert_usage_error(&run, "cannot write no/such/dir/out.json");
}

#[test]
fn builtin_rules_check_passes_and_list_names_every_rule() {
    let t = Tree::new();
    let run = run_in(t.path(), &["rules", "check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.ends_with("0 failed\n"), "{}", run.stdout);
    let run = run_in(t.path(), &["rules", "list"]);
    for f in Family::ALL {
        assert!(run.stdout.contains(f.rule_id()), "{}", run.stdout);
    }
}

#[test]
fn an_endless_input_file_is_exit_2_not_a_hang() {
    let t = Tree::new();
    t.write("admin.key", "not-a-real-admin-key\n");
    let revoke = [
        "revoke",
        "--sarif",
        "/dev/zero",
        "--admin-key-file",
        "admin.key",
        "--api-base",
        "http://127.0.0.1:9/v1",
    ];
    for args in [
        &[
            "scan",
            "--cross-check",
            "--admin-key-file",
            "/dev/zero",
            ".",
        ][..],
        &["scan", "--baseline", "/dev/zero", "."][..],
        &["scan", "--rules", "/dev/zero", "."][..],
        &revoke[..],
    ] {
        let run = run_in(t.path(), args);
        assert_usage_error(&run, "larger than");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
    }
}
