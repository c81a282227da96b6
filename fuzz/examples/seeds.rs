//! Writes the seed corpora under `fuzz/corpus/<target>/`, with fake keys generated now
//! (`keyhound::fake`): no seed is ever committed, so no key-shaped text is either.
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example seeds
//! ```

use keyhound::fake::{FakeKeys, Family, MARKER};
use serde_json::json;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

fn main() -> std::io::Result<()> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut keys = FakeKeys::new(0x5eed);
    let texts = texts(&mut keys, &fuzz.join("../fixtures/trees"))?;
    let mut matcher: Vec<Vec<u8>> = texts.clone();
    matcher.extend(containers(&texts[..6]));
    write(fuzz, "matcher", &matcher)?;

    let mut archives: Vec<Vec<u8>> = Vec::new();
    for (i, c) in containers(&texts[..6]).into_iter().enumerate() {
        // Modes 0 to 2 take the bytes as a zip, a gzip, a tar: the matching container.
        archives.push([vec![[0u8, 1, 2][i % 3]], c].concat());
    }
    for (i, t) in texts.iter().take(8).enumerate() {
        archives.push([vec![3 + (i % 4) as u8], t.clone()].concat());
    }
    write(fuzz, "archives", &archives)?;

    let mut redacted: Vec<Vec<u8>> = Vec::new();
    for (i, family) in Family::ALL.into_iter().enumerate() {
        let key = keys.key(family);
        redacted.push([vec![(8 + 4 * 9) as u8], key.clone().into_bytes()].concat());
        redacted.push([vec![i as u8 * 5], key.into_bytes()].concat());
    }
    for form in [
        "sk-proj-...sQoA",
        "sk-proj-****…abcd",
        "sk-abc...def",
        "sk-a**zz",
        "…",
    ] {
        redacted.push([&[44u8][..], form.as_bytes()].concat());
    }
    write(fuzz, "redacted", &redacted)?;

    write(fuzz, "sarif_input", &sarif_logs(&mut keys))?;
    Ok(())
}

/// Text inputs: each family's key where keys leak, encoded, suppressed, and look-alikes.
fn texts(keys: &mut FakeKeys, fixtures: &Path) -> std::io::Result<Vec<Vec<u8>>> {
    let k: Vec<String> = Family::ALL.iter().map(|&f| keys.key(f)).collect();
    let mut out: Vec<Vec<u8>> = vec![
        format!("OPENAI_API_KEY={}\nB={}\r\nC=\"{}\"\n", k[0], k[1], k[2]).into_bytes(),
        format!("{{\"source\": [\"key = '{}'\\n\", \"x\"]}}", k[3]).into_bytes(),
        format!("é€𝄞 key: {} # keyhound:allow\nnext: {}\n", k[4], k[5]).into_bytes(),
        format!(
            "# keyhound:allow {}\n{}-{}_\n",
            k[6],
            k[7],
            keys.key_ending(Family::Project, '-')
        )
        .into_bytes(),
        format!("data:\n  key: {}\n", b64(k[2].as_bytes())).into_bytes(),
        format!(
            "auth: {}\n",
            b64(b64(format!("u:{}", k[4]).as_bytes()).as_bytes())
        )
        .into_bytes(),
        wrap(&b64(format!("prefix text {} suffix", k[3]).as_bytes()), 64).into_bytes(),
        b64(k[1].as_bytes())
            .replace('+', "-")
            .replace('/', "_")
            .into_bytes(),
        utf16(&format!("\u{FEFF}x = {}\r\n", k[2]), false),
        utf16(&format!("line one\nkey={}\n", k[5]), true),
        format!(
            "sk-... sk-proj-...abcd sk-xxxx{MARKER}xxxx sk-proj-{}",
            "a".repeat(60)
        )
        .into_bytes(),
        format!("{}\x00\x7f{}\u{FFFD}{}", &k[2][..40], &k[2][40..], k[0]).into_bytes(),
    ];
    for path in files(fixtures)? {
        let text = std::fs::read_to_string(&path)?;
        out.push(fill(&text, keys).into_bytes());
    }
    Ok(out)
}

/// Archives and compressed files around the first texts: zip, gzip, tar, twice over.
fn containers(texts: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let zipped = zip_of(&[("conf/.env", t)], i % 2 == 0);
        let gz = gzip_of(t);
        let tarred = tar_of(&[("a/b.txt", t), ("c.zip", &zipped)]);
        out.extend([zipped.clone(), gz, tarred.clone()]);
        if i == 0 {
            out.push(gzip_of(&tarred));
            out.push(zip_of(
                &[("inner.zip", &zipped), ("x.tar.gz", &gzip_of(&tarred))],
                false,
            ));
        }
    }
    out
}

/// SARIF logs as `keyhound scan --cross-check --format sarif` writes them, and baselines.
fn sarif_logs(keys: &mut FakeKeys) -> Vec<Vec<u8>> {
    let fp =
        |keys: &mut FakeKeys| keyhound::secret::sha256_hex(keys.key(Family::Project).as_bytes());
    let (a, b, c, d) = (fp(keys), fp(keys), fp(keys), fp(keys));
    let result = |fp: &str, check: serde_json::Value| {
        json!({
            "ruleId": "openai.project-key",
            "message": {"text": "A project key"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "config/.env", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 3, "startColumn": 16}}}],
            "partialFingerprints": {"secretSha256/v1": fp, "primaryLocationLineHash": "0:1"},
            "properties": {"crossCheck": check, "archiveMember": "conf/.env", "memberLine": 2}
        })
    };
    let run = json!({
        "tool": {"driver": {"name": "keyhound", "version": "0.1.0"}},
        "results": [
            result(&a, json!({"status": "live", "keyKind": "project", "projectId": "proj_abc",
                "keyId": "key_abc", "ownerType": "service_account", "ownerId": "svc_acct_x"})),
            result(&b, json!({"status": "live", "keyKind": "admin", "keyId": "key_adm"})),
            result(&c, json!({"status": "ambiguous", "candidates": [
                {"keyId": "key_1", "projectId": "proj_1"}, {"keyId": "key_2"}]})),
            result(&d, json!({"status": "not_found", "liveness": "live"})),
            result(&a, json!({"status": "error", "error": "inventory incomplete"})),
        ]
    });
    let log = json!({"version": "2.1.0", "runs": [run, {"tool": {"driver": {"name": "other"}}}]});
    let baseline = json!({"findings": [{"fingerprint": a}, {"fingerprint": b.to_uppercase()}]});
    [log, baseline, json!({"runs": [{"results": null}]})]
        .iter()
        .map(|v| serde_json::to_vec_pretty(v).expect("JSON serialises"))
        .collect()
}

/// Fills the fixtures' placeholders: keys for `{{key:...}}`, a mask for `{{decoy:...}}`.
fn fill(text: &str, keys: &mut FakeKeys) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let family = Family::ALL[(keys.next_u64() % 8) as usize];
        out.push_str(&match inner.starts_with("key:") {
            true => keys.key(family),
            false => "sk-proj-****abcd".to_string(),
        });
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        match path.is_dir() {
            true => out.extend(files(&path)?),
            false => out.push(path),
        }
    }
    out.sort();
    Ok(out)
}

fn write(fuzz: &Path, target: &str, seeds: &[Vec<u8>]) -> std::io::Result<()> {
    let dir = fuzz.join("corpus").join(target);
    std::fs::create_dir_all(&dir)?;
    for (i, seed) in seeds.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i:03}")), seed)?;
    }
    println!("{}: {} seeds in {}", target, seeds.len(), dir.display());
    Ok(())
}

fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=group.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

fn wrap(text: &str, width: usize) -> String {
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).unwrap_or(""))
        .collect();
    lines.join("\n") + "\n"
}

fn utf16(text: &str, big: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|u| {
            if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

fn zip_of(members: &[(&str, &Vec<u8>)], deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = match deflate {
        true => zip::CompressionMethod::Deflated,
        false => zip::CompressionMethod::Stored,
    };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in members {
        w.start_file(*name, opts).expect("a zip member starts");
        w.write_all(bytes).expect("a zip member is written");
    }
    w.finish().expect("a zip is finished").into_inner()
}

fn gzip_of(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip writes to memory");
    e.finish().expect("a gzip is finished")
}

fn tar_of(members: &[(&str, &Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut header, name, bytes.as_slice())
            .expect("a tar member is written");
    }
    b.into_inner().expect("a tar is finished")
}
