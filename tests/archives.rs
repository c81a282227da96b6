//! Archives and compressed files: members scanned like files, located as `archive!/member`,
//! and the guard rails (depth, expansion, ratio, encryption) as warnings, never aborts.

use crate::support::archives::{gzip, mark_encrypted, tar, zip, zip_stored};
use crate::support::tree::{keys, places, run_in, scan_json, Tree};
use keyhound::fake::Family;
use serde_json::Value;

fn warnings(json: &Value) -> Vec<String> {
    json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let path = w["path"].as_str().unwrap_or("-");
            match w["member"].as_str() {
                Some(m) => format!("{path}!/{m}: {}", w["message"].as_str().unwrap()),
                None => format!("{path}: {}", w["message"].as_str().unwrap()),
            }
        })
        .collect()
}

fn env(key: &str) -> Vec<u8> {
    format!("# prod\nDEBUG=0\nOPENAI_API_KEY={key}\n").into_bytes()
}

#[test]
fn a_key_in_a_nested_directory_of_a_zip_is_located_in_its_member() {
    let t = Tree::new();
    let k = keys(81).key(Family::Project);
    let readme: &[u8] = b"nothing here\n";
    t.write(
        "backups/config.zip",
        zip(&[("README", readme), ("config/prod/.env", &env(&k))]),
    );
    let (code, json, stderr) = scan_json(t.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        places(&json),
        vec!["backups/config.zip!/config/prod/.env:3:16"]
    );
    let loc = &json["findings"][0]["locations"][0];
    assert_eq!(loc["archive"], "backups/config.zip");
    assert_eq!(loc["member"], "config/prod/.env");
    assert!(warnings(&json).is_empty(), "{:?}", warnings(&json));
    let human = run_in(t.path(), &["scan", "--color", "never"]);
    assert!(human
        .stdout
        .starts_with("backups/config.zip!/config/prod/.env:3:16: openai.project-key"));
    assert!(!human.stdout.contains(&k) && !human.stderr.contains(&k));
}

#[test]
fn zip_based_formats_are_recognised_by_content_not_name() {
    let t = Tree::new();
    let mut gen = keys(82);
    let (a, b, c) = (
        gen.key(Family::Admin),
        gen.key(Family::Project),
        gen.key(Family::Legacy),
    );
    let xml = format!("<w:t>{b}</w:t>");
    t.write(
        "lib/app.jar",
        zip(&[("META-INF/app.properties", format!("key={a}\n").as_bytes())]),
    );
    t.write("report.docx", zip(&[("word/document.xml", xml.as_bytes())]));
    t.write(
        "download.bin",
        zip(&[("notes.txt", format!("{c}\n").as_bytes())]),
    );
    let (_, json, _) = scan_json(t.path(), &[]);
    assert_eq!(
        places(&json),
        vec![
            "download.bin!/notes.txt:1:1",
            "lib/app.jar!/META-INF/app.properties:1:5",
            "report.docx!/word/document.xml:1:6",
        ]
    );
}

#[test]
fn a_zip_inside_a_tar_gz_is_opened_too() {
    let t = Tree::new();
    let k = keys(83).key(Family::ServiceAccount);
    let inner = zip(&[("app/.env", &env(&k))]);
    let notes: &[u8] = b"see config.zip\n";
    t.write(
        "all.tar.gz",
        gzip(&tar(&[
            ("notes.txt", notes),
            ("backups/config.zip", &inner),
        ])),
    );
    t.write("copy.tgz", gzip(&tar(&[("x/.env", &env(&k))])));
    let (_, json, stderr) = scan_json(t.path(), &[]);
    assert_eq!(
        places(&json),
        vec![
            "all.tar.gz!/backups/config.zip!/app/.env:3:16",
            "copy.tgz!/x/.env:3:16"
        ],
        "{stderr}"
    );
}

#[test]
fn a_gzip_log_is_scanned_as_its_content() {
    let t = Tree::new();
    let k = keys(84).key(Family::Project);
    let mut log = String::new();
    for i in 0..5000 {
        log.push_str(&format!(
            "2026-01-01T00:00:{:02} INFO request {i} ok\n",
            i % 60
        ));
    }
    log.push_str(&format!(
        "2026-01-01T00:01:00 DEBUG auth header Bearer {k}\n"
    ));
    t.write("logs/app.log.2.gz", gzip(log.as_bytes()));
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["logs/app.log.2.gz!/app.log.2:5001:46"]);
}

#[test]
fn no_archives_scans_archive_bytes_as_they_are() {
    let t = Tree::new();
    let k = keys(85).key(Family::Project);
    t.write("stored.zip", zip_stored(&[("a.env", &env(&k))]));
    t.write("deflated.zip", zip(&[("b.env", &env(&k))]));
    let (_, json, _) = scan_json(t.path(), &["--no-archives"]);
    // Only the stored member's bytes hold the key as is; no member is named.
    let found = places(&json);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("stored.zip:"), "{found:?}");
    assert!(json["findings"][0]["locations"][0].get("member").is_none());
}

#[test]
fn a_zip_bomb_is_skipped_with_a_warning() {
    let t = Tree::new();
    let k = keys(86).key(Family::Project);
    let zeros = vec![0u8; 24 << 20];
    t.write(
        "bomb.zip",
        zip(&[("zeros.bin", &zeros), ("ok.env", &env(&k))]),
    );
    // A gzip declares no size: the ratio is checked while it streams.
    t.write("bomb.gz", gzip(&zeros));
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["bomb.zip!/ok.env:3:16"]);
    let w = warnings(&json);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].starts_with("bomb.gz!/bomb: skipped the rest: expands more than 100 times"),
        "{w:?}"
    );
    assert!(
        w[1].starts_with("bomb.zip!/zeros.bin: skipped: expands more than 100 times"),
        "{w:?}"
    );
}

#[test]
fn archives_nested_past_the_depth_limit_are_skipped_with_a_warning() {
    let t = Tree::new();
    let k = keys(87).key(Family::Project);
    let mut nested = zip(&[("deep/.env", &env(&k))]);
    for level in (1..=3).rev() {
        nested = zip(&[(&format!("level{level}.zip"), &nested)]);
    }
    t.write("outer.zip", &nested);
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        warnings(&json),
        vec!["outer.zip!/level1.zip!/level2.zip!/level3.zip: skipped: archive nested more than 3 deep (--max-archive-depth)"]
    );
    let (code, json, _) = scan_json(t.path(), &["--max-archive-depth", "4"]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&json),
        vec!["outer.zip!/level1.zip!/level2.zip!/level3.zip!/deep/.env:3:16"]
    );
}

#[test]
fn an_archive_expanding_past_max_archive_bytes_stops_with_a_warning_keeping_earlier_keys() {
    let t = Tree::new();
    let mut gen = keys(88);
    let (early, late) = (gen.key(Family::Project), gen.key(Family::Admin));
    let filler: Vec<u8> = (0..3_000_000u32)
        .map(|i| b"abcdefghij\n"[(i % 11) as usize])
        .collect();
    t.write(
        "big.tar.gz",
        gzip(&tar(&[
            ("a.env", &env(&early)),
            ("filler.txt", &filler),
            ("z.env", &env(&late)),
        ])),
    );
    let (_, json, _) = scan_json(t.path(), &["--max-archive-bytes", "1M"]);
    assert_eq!(places(&json), vec!["big.tar.gz!/a.env:3:16"]);
    assert_eq!(
        warnings(&json),
        vec!["big.tar.gz: stopped: expands past 1 MiB (--max-archive-bytes); the rest was not scanned"]
    );
    let (_, json, _) = scan_json(t.path(), &[]);
    assert_eq!(places(&json).len(), 2);
}

#[test]
fn encrypted_members_are_skipped_with_a_warning() {
    let t = Tree::new();
    let k = keys(89).key(Family::Project);
    t.write(
        "locked.zip",
        mark_encrypted(zip(&[("secret.env", &env(&k))])),
    );
    t.write("open.zip", zip(&[("fine.env", &env(&k))]));
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["open.zip!/fine.env:3:16"]);
    assert_eq!(
        warnings(&json),
        vec!["locked.zip!/secret.env: skipped: encrypted"]
    );
}

#[test]
fn a_damaged_archive_is_a_warning_and_its_bytes_are_still_scanned() {
    let t = Tree::new();
    let k = keys(90).key(Family::Project);
    let mut broken = zip_stored(&[("a.env", &env(&k))]);
    broken.truncate(broken.len() - 30); // the central directory is gone
    t.write("broken.zip", &broken);
    let mut gz = gzip(&env(&k));
    gz.truncate(gz.len() / 2);
    t.write("cut.gz", &gz);
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    // Found in the archive's own bytes (the header bytes before it may hold a newline).
    let found = places(&json);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("broken.zip:"), "{found:?}");
    let w = warnings(&json);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].starts_with("broken.zip: not a readable zip archive"),
        "{w:?}"
    );
    assert!(w[1].starts_with("cut.gz!/cut: read failed"), "{w:?}");
}

#[test]
fn bad_archive_limits_are_usage_errors() {
    let t = Tree::new();
    for args in [
        ["--max-archive-bytes", "0"],
        ["--max-archive-bytes", "lots"],
        ["--max-archive-depth", "0"],
        ["--max-archive-depth", "x"],
    ] {
        let run = run_in(t.path(), &["scan", args[0], args[1], "."]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with(&format!("keyhound: error: {}", args[0])),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1);
    }
}

#[test]
fn sarif_locates_archive_keys_at_the_archive_and_names_the_member() {
    let t = Tree::new();
    let mut gen = keys(91);
    let (a, b) = (gen.key(Family::Project), gen.key(Family::Admin));
    let archive = zip(&[("config/.env", &env(&a))]);
    t.write("backups/config.zip", &archive);
    t.write("locked.zip", mark_encrypted(zip(&[("x.env", &env(&a))])));
    t.write(
        "k8s/secret.yaml",
        format!("data:\n  key: {}\n", crate::support::archives::b64(&b)),
    );
    let run = run_in(t.path(), &["scan", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(crate::sarif::schema_errors(&sarif), Vec::<String>::new());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let (zipped, encoded) = (&results[0], &results[1]);
    let loc = &zipped["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "backups/config.zip");
    // The archive's first character: a full region, as GitHub requires, hashed as GitHub
    // hashes line 1 of the archive's own bytes.
    assert_eq!(
        loc["region"],
        serde_json::json!({ "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2 })
    );
    let line_one = keyhound::report::linehash::line_hashes_of(&archive, &[1].into());
    assert_eq!(
        zipped["partialFingerprints"]["primaryLocationLineHash"].as_str(),
        line_one.get(&1).map(String::as_str)
    );
    assert_eq!(zipped["properties"]["archiveMember"], "config/.env");
    assert_eq!(zipped["properties"]["memberLine"], 3);
    let message = zipped["message"]["text"].as_str().unwrap();
    assert!(
        message.contains("in backups/config.zip!/config/.env:3"),
        "{message}"
    );
    let loc = &encoded["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "k8s/secret.yaml");
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 8);
    assert_eq!(encoded["properties"]["encoding"], "base64");
    assert!(encoded["partialFingerprints"]["primaryLocationLineHash"].is_string());
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["message"]["text"], "x.env: skipped: encrypted");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "locked.zip"
    );
    for k in [&a, &b] {
        assert!(!run.stdout.contains(k.as_str()));
    }
}
