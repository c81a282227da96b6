//! `keyhound scan` on generated trees: what is read, what is found, what is skipped.

use crate::support::tree::{key, keys, places, run_in, scan_json, Tree};
use keyhound::fake::Family;

#[test]
fn finds_every_family_in_hidden_files_with_exit_code_1() {
    let t = Tree::new();
    let mut gen = keys(11);
    let mut env = String::new();
    for family in Family::ALL {
        env.push_str(&format!("K_{family:?}={}\n", gen.key(family)));
    }
    t.write(".env", &env);
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["ruleId"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = Family::ALL.iter().map(|f| f.rule_id()).collect();
    assert_eq!(rules, expected);
    assert_eq!(places(&json)[0], ".env:1:10");
}

#[test]
fn clean_tree_exits_0_with_empty_findings() {
    let t = Tree::new();
    t.write("a.txt", "task-1234 disk-usage sk-your-key-here\n");
    let (code, json, stderr) = scan_json(t.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    assert_eq!(json["summary"]["filesScanned"], 1);
}

#[test]
fn gitignore_is_honoured_unless_no_ignore_and_dot_git_is_never_read() {
    let t = Tree::new();
    let k = key(12, Family::Project);
    t.write(".gitignore", "build/\n");
    t.write("build/out.txt", &k);
    t.write(".git/config", &k);
    t.write(".ignore", "cache.txt\n");
    t.write("cache.txt", &k);
    t.write("src/main.rs", format!("let k = \"{k}\";\n"));
    let (_, json, _) = scan_json(t.path(), &[]);
    assert_eq!(places(&json), vec!["src/main.rs:1:10"]);
    let (_, json, _) = scan_json(t.path(), &["--no-ignore"]);
    assert_eq!(
        places(&json),
        vec!["build/out.txt:1:1", "cache.txt:1:1", "src/main.rs:1:10"]
    );
}

#[test]
fn byte_level_inputs_are_all_found() {
    let t = Tree::new();
    let mut gen = keys(13);
    let (a, b, c, d, e) = (
        gen.key(Family::Project),
        gen.key(Family::Admin),
        gen.key(Family::Legacy),
        gen.key(Family::ServiceAccount),
        gen.key(Family::Unowned),
    );
    let mut bin = vec![0u8, 0xff, 0xfe, 0x80, b'\n', 0x00];
    bin.extend_from_slice(a.as_bytes());
    bin.push(0);
    t.write("blob.bin", &bin);
    t.write("crlf.txt", format!("x\r\ny={b}\r\n"));
    t.write("eof.txt", format!("z\n{c}"));
    let mut minified = "var a=1;".repeat(200_000);
    minified.push_str(&format!("k=\"{d}\";"));
    minified.push_str(&"b=2;".repeat(100_000));
    t.write("app.min.js", &minified);
    t.write(
        "nb.ipynb",
        format!("{{\"source\": [\"import os\\n\", \"key = '{e}'\\n\"]}}"),
    );
    let (_, json, _) = scan_json(t.path(), &[]);
    assert_eq!(
        places(&json),
        vec![
            "app.min.js:1:1600004".to_string(),
            "blob.bin:2:2".into(),
            "crlf.txt:2:3".into(),
            "eof.txt:2:1".into(),
            "nb.ipynb:1:36".into(),
        ]
    );
}

#[test]
fn same_key_in_two_files_is_one_finding_with_two_locations() {
    let t = Tree::new();
    let k = key(14, Family::Project);
    t.write("a/one.env", format!("K={k}\n"));
    t.write("b/two.env", format!("\n\nK={k}\n"));
    let (_, json, _) = scan_json(t.path(), &[]);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["fingerprint"].as_str().unwrap().len(), 64);
    assert_eq!(places(&json), vec!["a/one.env:1:3", "b/two.env:3:3"]);
}

#[test]
fn allow_comments_and_keyhoundignore_suppress() {
    let t = Tree::new();
    let mut gen = keys(15);
    let (a, b, c, d) = (
        gen.key(Family::Project),
        gen.key(Family::Project),
        gen.key(Family::Project),
        gen.key(Family::Project),
    );
    t.write(
        "x.py",
        format!("A = '{a}'  # keyhound:allow\nB = '{b}'  # gitleaks:allow\n"),
    );
    t.write("vendor/y.txt", &c);
    t.write("z.txt", &d);
    let fp_d = keyhound::secret::Secret::new(d.clone()).fingerprint();
    t.write(".keyhoundignore", format!("# test data\nvendor/\n{fp_d}\n"));
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 0, "{json}");
}

#[test]
fn multiple_roots_and_a_file_root() {
    let t = Tree::new();
    let k = key(16, Family::Admin);
    t.write("one/a.txt", &k);
    t.write("two/b.txt", &k);
    let (_, json, _) = scan_json(t.path(), &["one", "two/b.txt"]);
    assert_eq!(places(&json), vec!["one/a.txt:1:1", "two/b.txt:1:1"]);
    let (_, json, _) = scan_json(&t.path().join("two"), &["b.txt"]);
    assert_eq!(places(&json), vec!["b.txt:1:1"]);
}

#[test]
fn output_order_is_deterministic() {
    let t = Tree::new();
    let mut gen = keys(17);
    for i in 0..40 {
        t.write(
            &format!("d{}/f{i}.txt", i % 7),
            format!(
                "{}\n{}\n",
                gen.key(Family::Project),
                gen.key(Family::Legacy)
            ),
        );
    }
    let first = run_in(t.path(), &["scan", "--format", "json", "-j", "4"]).stdout;
    for _ in 0..3 {
        let again = run_in(t.path(), &["scan", "--format", "json", "-j", "4"]).stdout;
        // Timing differs between runs; everything else must not.
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.contains("elapsedMs"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&first), strip(&again));
    }
}
