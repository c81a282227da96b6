//! Git reports: SARIF for history findings, and a directory of many repositories.

use crate::sarif::schema_errors;
use crate::support::git::{git_in, keyhound_in, scan_json_in, Repo, AUTHOR, EMAIL};
use crate::support::tree::{key, Tree};
use keyhound::fake::Family;
use keyhound::report::linehash::line_hashes_of;
use serde_json::Value;
use std::collections::BTreeSet;

fn sarif_in(dir: &std::path::Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["scan", "--format", "sarif", "--no-progress"];
    all.extend_from_slice(args);
    let run = keyhound_in(dir, &all);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stderr));
    (run.code, json, run.stderr)
}

#[test]
fn history_sarif_has_git_properties_provenance_and_no_personal_data() {
    let repo = Repo::init();
    let k = key(701, Family::Project);
    let text = format!("# settings\nNAME=x\nOPENAI_API_KEY={k}\n");
    repo.write("conf/app settings.env", &text);
    let added = repo.commit_all("add");
    repo.git(&["rm", "-q", "conf/app settings.env"]);
    repo.commit("remove");
    let (code, sarif, _) = sarif_in(repo.path(), &["--history"]);
    assert_eq!(code, 1);
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0].get("versionControlProvenance").is_none(),
        "no remote, no provenance"
    );
    let r = &runs[0]["results"][0];
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "conf/app%20settings.env");
    assert_eq!(loc["region"]["startLine"], 3);
    let hash = line_hashes_of(text.as_bytes(), &BTreeSet::from([3]));
    assert_eq!(
        r["partialFingerprints"]["primaryLocationLineHash"],
        hash[&3].as_str()
    );
    assert_eq!(
        r["properties"]["git"],
        serde_json::json!({
            "commit": added,
            "date": "2024-01-01T00:00:00Z",
            "presentAtHead": false,
            "commitCount": 1,
        })
    );
    let text = serde_json::to_string(&sarif).unwrap();
    assert!(
        !text.contains(AUTHOR) && !text.contains(EMAIL),
        "personal data in SARIF"
    );
    assert!(!text.contains(&k));

    // With a remote, its URL (credentials stripped) is the run's provenance.
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://ci-bot:s3cr3t-token@git.example.test/org/app.git",
    ]);
    let (_, sarif, _) = sarif_in(repo.path(), &["--history"]);
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    let vcp = &sarif["runs"][0]["versionControlProvenance"][0];
    assert_eq!(vcp["repositoryUri"], "https://git.example.test/org/app.git");
    assert_eq!(vcp["revisionId"], repo.git(&["rev-parse", "HEAD"]).as_str());
    assert_eq!(vcp["branch"], "refs/heads/main");
    assert!(!serde_json::to_string(&sarif).unwrap().contains("s3cr3t"));
}

/// A directory holding a clone, a bare mirror, a clean repository and a plain directory.
fn repositories() -> (Tree, [String; 2]) {
    let top = Tree::new();
    let keys = [key(710, Family::Project), key(711, Family::Admin)];
    let alpha = Repo::init_in(&top.path().join("alpha"));
    std::fs::write(alpha.join("a.env"), format!("K={}\n", keys[0])).unwrap();
    git_in(&alpha, &["add", "-A"]);
    git_in(&alpha, &["commit", "-qm", "a"]);
    git_in(
        &alpha,
        &[
            "remote",
            "add",
            "origin",
            "git@git.example.test:org/alpha.git",
        ],
    );
    let beta_src = Repo::init();
    beta_src.write("deep/b.txt", format!("{}\n", keys[1]));
    beta_src.write("shared.env", format!("K={}\n", keys[0]));
    beta_src.commit_all("b");
    let beta = top.path().join("beta.git");
    beta_src.git(&["clone", "-q", "--bare", ".", beta.to_str().unwrap()]);
    let gamma = Repo::init_in(&top.path().join("gamma"));
    std::fs::write(gamma.join("clean.txt"), "nothing\n").unwrap();
    git_in(&gamma, &["add", "-A"]);
    git_in(&gamma, &["commit", "-qm", "g"]);
    top.write("notes/readme.txt", "not a repository\n");
    (top, keys)
}

#[test]
fn a_directory_of_repositories_gets_one_sarif_run_per_repository() {
    let (top, keys) = repositories();
    let (code, sarif, stderr) = sarif_in(top.path(), &["--history", "."]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(schema_errors(&sarif), Vec::<String>::new());
    let runs = sarif["runs"].as_array().unwrap();
    let ids: Vec<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["keyhound/alpha/", "keyhound/beta/", "keyhound/gamma/"]
    );
    let uris = |run: &Value| -> Vec<(String, String)> {
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["properties"]["repository"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let pair = |u: &str, r: &str| (u.to_string(), r.to_string());
    assert_eq!(uris(&runs[0]), vec![pair("a.env", "alpha")]);
    assert_eq!(
        uris(&runs[1]),
        vec![pair("deep/b.txt", "beta"), pair("shared.env", "beta")]
    );
    assert_eq!(uris(&runs[2]), Vec::<(String, String)>::new());
    assert_eq!(
        runs[0]["versionControlProvenance"][0]["repositoryUri"],
        "ssh://git.example.test/org/alpha.git"
    );
    // A mirror cloned from a local path names that path.
    let beta_uri = runs[1]["versionControlProvenance"][0]["repositoryUri"]
        .as_str()
        .unwrap();
    assert!(beta_uri.starts_with("file:///"), "{beta_uri}");
    assert!(
        runs[2].get("versionControlProvenance").is_none(),
        "gamma has no remote"
    );

    // JSON: one finding per key across repositories, each location naming its repository.
    let (_, json, _) = scan_json_in(top.path(), &["--history", "."]);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    let shared = findings
        .iter()
        .find(|f| f["fingerprint"] == keyhound::secret::sha256_hex(keys[0].as_bytes()))
        .unwrap();
    let repos: Vec<&str> = shared["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["git"]["repository"].as_str().unwrap())
        .collect();
    assert_eq!(repos, ["alpha", "beta"]);
    // Human output names the repository before the path.
    let run = keyhound_in(top.path(), &["scan", "--history", "--no-progress", "."]);
    assert!(
        run.stdout.contains("beta/deep/b.txt:1:1:"),
        "{}",
        run.stdout
    );
}

#[test]
fn no_git_output_format_contains_a_planted_key() {
    let repo = Repo::init();
    let mut gen = crate::support::tree::keys(720);
    let planted: Vec<String> = Family::ALL.iter().map(|&f| gen.key(f)).collect();
    for (i, k) in planted.iter().enumerate() {
        repo.write(&format!("f{i}.env"), format!("KEY={k}\n"));
    }
    repo.commit_all("keys");
    repo.write("staged.env", format!("KEY={}\n", planted[0]));
    repo.git(&["add", "staged.env"]);
    for mode in ["--history", "--staged"] {
        for format in crate::hygiene::FORMATS {
            let run = keyhound_in(repo.path(), &["scan", mode, "--format", format]);
            assert_eq!(run.code, 1, "{mode} {format}: {}", run.stderr);
            for k in &planted {
                let middle = &k[k.len() / 2 - 6..k.len() / 2 + 6];
                for text in [&run.stdout, &run.stderr] {
                    assert!(
                        !text.contains(middle),
                        "{mode} {format} shows part of a key"
                    );
                }
            }
        }
    }
}
