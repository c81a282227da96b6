//! Keys hidden by an encoding: base64 (Kubernetes Secrets, blobs, twice over) and UTF-16.

use crate::support::archives::{b64, utf16};
use crate::support::tree::{keys, places, run_in, scan_json, Tree};
use keyhound::fake::{Family, MARKER};
use serde_json::Value;

fn encodings(json: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in json["findings"].as_array().unwrap() {
        for l in f["locations"].as_array().unwrap() {
            out.push(l["encoding"].as_str().unwrap_or("-").to_string());
        }
    }
    out
}

#[test]
fn a_kubernetes_secret_reports_each_key_at_its_encoded_value() {
    let t = Tree::new();
    let mut gen = keys(71);
    let (a, b) = (gen.key(Family::Project), gen.key(Family::Admin));
    let docker = format!(
        "{{\"auths\":{{\"r.example\":{{\"auth\":\"{}\"}}}}}}",
        b64(format!("u:{b}"))
    );
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  OPENAI_API_KEY: {}\n  .dockerconfigjson: {}\n",
        b64(&a),
        b64(&docker)
    );
    t.write("deploy/secret.yaml", &manifest);
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    // The key's first bit: offset 0 of the first value; in the second, inside the auth
    // string (itself at `p` in the JSON) after "u:".
    let p = docker.find("\"auth\":\"").unwrap() + 8;
    let col = 22 + (p + 2) * 4 / 3;
    assert_eq!(
        places(&json),
        vec![
            "deploy/secret.yaml:6:19".to_string(),
            format!("deploy/secret.yaml:7:{col}")
        ]
    );
    assert_eq!(encodings(&json), vec!["base64", "base64/base64"]);
    let fingerprints: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(
        fingerprints,
        vec![
            keyhound::secret::sha256_hex(a.as_bytes()),
            keyhound::secret::sha256_hex(b.as_bytes())
        ]
    );
    let human = run_in(t.path(), &["scan", "--color", "never"]);
    assert!(human.stdout.contains("[base64/base64]"), "{}", human.stdout);
    for k in [&a, &b] {
        assert!(!human.stdout.contains(k.as_str()) && !human.stderr.contains(k.as_str()));
    }
}

#[test]
fn random_base64_holding_the_encoded_marker_is_not_a_key() {
    let t = Tree::new();
    let mut gen = keys(72);
    let mut text = String::new();
    for i in 0..50 {
        let noise = format!(
            "{}{MARKER}{}",
            gen.run(40 + i, b"\x01ab%&*"),
            gen.run(60, b"xyz\x7f")
        );
        text.push_str(&format!("blob{i}: {}\n", b64(noise)));
    }
    t.write("noise.yaml", &text);
    let (code, json, stderr) = scan_json(t.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(places(&json).is_empty());
}

#[test]
fn no_decode_leaves_encoded_keys_alone() {
    let t = Tree::new();
    let k = keys(73).key(Family::Project);
    t.write("a.txt", format!("{}\n", b64(&k)));
    t.write("b.txt", utf16(&format!("k={k}\n"), true, true));
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(places(&json), vec!["a.txt:1:1", "b.txt:1:3"]);
    let (code, json, _) = scan_json(t.path(), &["--no-decode"]);
    assert_eq!(code, 0);
    assert!(places(&json).is_empty());
}

#[test]
fn bytes_that_look_like_utf16_are_scanned_as_they_are_too() {
    let t = Tree::new();
    let mut gen = keys(75);
    let (a, b, c) = (
        gen.key(Family::Project),
        gen.key(Family::Admin),
        gen.key(Family::ServiceAccount),
    );
    // A binary that starts with FF FE, a UTF-16 log another tool appended to in ASCII, and
    // UTF-16 records followed by a plain key: each plain key is found as a plain scan finds it.
    let mut bomish = b"\xff\xfe\x80 binary \x00\x01 ".to_vec();
    bomish.extend_from_slice(format!("K={a}\n").as_bytes());
    t.write("bomish.bin", bomish);
    let mut mixed = utf16("started\r\n", true, true);
    mixed.extend_from_slice(format!("K={b}\n").as_bytes());
    t.write("mixed.log", mixed);
    let mut records = utf16(&"record 0001\n".repeat(60), true, false);
    records.extend_from_slice(format!("\nK={c}\n").as_bytes());
    t.write("records.dat", records);
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    let (_, off, _) = scan_json(t.path(), &["--no-decode"]);
    assert_eq!(places(&json), places(&off));
    assert_eq!(places(&json).len(), 3, "{json:#}");
}

#[test]
fn utf16_text_is_decoded_with_lines_and_columns_of_the_decoded_text() {
    let t = Tree::new();
    let mut gen = keys(74);
    let (a, b, c) = (
        gen.key(Family::Project),
        gen.key(Family::Legacy),
        gen.key(Family::Admin),
    );
    // "€" is one UTF-16 unit, "𝄞" two: columns count units, as SARIF's utf16CodeUnits does.
    t.write(
        "le-bom.txt",
        utf16(&format!("[app]\r\nname=€𝄞\r\nkey={a}\r\n"), true, true),
    );
    t.write(
        "le.reg",
        utf16(
            &format!("Windows Registry Editor\n\"Key\"=\"{b}\"\n"),
            true,
            false,
        ),
    );
    t.write(
        "be.txt",
        utf16(&format!("first line\nsecond line: {c}\n"), false, true),
    );
    let (code, json, _) = scan_json(t.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&json),
        vec!["be.txt:2:14", "le-bom.txt:3:5", "le.reg:2:8"]
    );
    let mut enc = encodings(&json);
    enc.sort();
    assert_eq!(enc, vec!["utf-16be", "utf-16le", "utf-16le"]);

    // SARIF's line hash is GitHub's own over the file's raw bytes at the reported line: the
    // decoded text's line breaks fall where the raw bytes' do.
    let run = crate::support::tree::run_in(t.path(), &["scan", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let loc = &result["locations"][0]["physicalLocation"];
        let path = loc["artifactLocation"]["uri"].as_str().unwrap();
        let line = loc["region"]["startLine"].as_u64().unwrap();
        let raw = std::fs::read(t.path().join(path)).unwrap();
        let want = keyhound::report::linehash::line_hashes_of(&raw, &[line].into());
        assert_eq!(
            result["partialFingerprints"]["primaryLocationLineHash"].as_str(),
            want.get(&line).map(String::as_str),
            "{path}"
        );
    }
}

#[test]
fn binary_files_are_still_scanned_as_bytes_with_line_numbers() {
    let t = Tree::new();
    let k = keys(75).key(Family::ServiceAccount);
    let mut bin = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\n\0\0\x01\xff".to_vec();
    bin.extend(std::iter::repeat_n(0u8, 300));
    bin.extend_from_slice(b"\nsecret\0");
    bin.extend_from_slice(k.as_bytes());
    bin.push(0);
    t.write("app.so", &bin);
    let (_, json, _) = scan_json(t.path(), &[]);
    assert_eq!(places(&json), vec!["app.so:3:8"]);
    assert_eq!(encodings(&json), vec!["-"]);
}
