//! The published pre-commit hook, driven by the real pre-commit framework: a commit that
//! adds a key is refused, a clean commit passes.
//!
//! The hook definition comes from `.pre-commit-hooks.yaml` as published; only its
//! `language` is switched from `rust` (which would have pre-commit build keyhound with a
//! release build) to `system`, so that it runs the keyhound this test run built. Where
//! pre-commit is missing the test says so and passes, unless `KEYHOUND_REQUIRE_PRE_COMMIT`
//! is set (as `.ci/run` does), so that CI can never skip it silently.

use crate::support::git::{git_command, Repo};
use crate::support::tree::{key, Tree};
use keyhound::fake::Family;
use std::path::{Path, PathBuf};
use std::process::Command;

const HOOKS_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml");

fn pre_commit() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("KEYHOUND_PRE_COMMIT").map(PathBuf::from),
        Some(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/pre-commit-venv/bin/pre-commit"
        ))),
        Some(PathBuf::from("pre-commit")),
    ];
    candidates.into_iter().flatten().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The lines of the published hook `id`, from its `- id:` line to the next hook.
fn hook_block(published: &str, id: &str) -> Vec<String> {
    let mut block = Vec::new();
    let mut inside = false;
    for line in published.lines() {
        if let Some(rest) = line.strip_prefix("- id: ") {
            inside = rest.trim() == id;
        }
        if inside {
            block.push(line.to_string());
        }
    }
    block
}

/// The published hook as a `repo: local` configuration running `language: system`.
fn local_config(block: &[String]) -> String {
    let hooks: Vec<String> = block
        .iter()
        .map(|line| {
            if line.trim_start().starts_with("language:") {
                "      language: system".to_string()
            } else {
                format!("    {line}")
            }
        })
        .collect();
    format!(
        "repos:\n  - repo: local\n    hooks:\n{}\n",
        hooks.join("\n")
    )
}

fn commit_with_hook(repo: &Path, path_env: &str, home: &Path, message: &str) -> (bool, String) {
    let out = git_command(repo)
        .env("PATH", path_env)
        .env("PRE_COMMIT_HOME", home)
        .args(["commit", "-m", message])
        .output()
        .expect("git commit");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_published_hook_refuses_a_commit_that_adds_a_key_and_passes_a_clean_one() {
    let published = std::fs::read_to_string(HOOKS_FILE).expect(".pre-commit-hooks.yaml");
    let block = hook_block(&published, "keyhound");
    for field in ["entry: keyhound scan --staged", "pass_filenames: false"] {
        assert!(
            block.iter().any(|l| l.trim() == field),
            "the published hook lacks {field}: {block:?}"
        );
    }
    let Some(tool) = pre_commit() else {
        assert!(
            std::env::var_os("KEYHOUND_REQUIRE_PRE_COMMIT").is_none(),
            "pre-commit is required here but was not found (KEYHOUND_PRE_COMMIT)"
        );
        eprintln!("pre-commit is not installed: the hook test did not run");
        return;
    };
    let repo = Repo::init();
    let home = Tree::new();
    repo.write(".pre-commit-config.yaml", local_config(&block));
    repo.write("README.md", "app\n");
    repo.commit_all("start");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_keyhound")).parent().unwrap();
    let path_env = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let install = Command::new(&tool)
        .current_dir(repo.path())
        .env("PRE_COMMIT_HOME", home.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .arg("install")
        .output()
        .expect("pre-commit install");
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );

    let k = key(901, Family::Project);
    repo.write("config/.env", format!("OPENAI_API_KEY={k}\n"));
    repo.git(&["add", "config/.env"]);
    let (ok, output) = commit_with_hook(repo.path(), &path_env, home.path(), "add key");
    assert!(!ok, "a commit adding a key was accepted:\n{output}");
    assert!(output.contains("config/.env:1:16"), "{output}");
    assert!(!output.contains(&k), "the hook printed the key");
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]), "1");

    repo.git(&["rm", "-q", "--cached", "config/.env"]);
    repo.write("src/app.py", "print('hello')\n");
    repo.git(&["add", "src/app.py"]);
    let (ok, output) = commit_with_hook(repo.path(), &path_env, home.path(), "clean");
    assert!(ok, "a clean commit was refused:\n{output}");
    assert!(
        output.contains("keyhound"),
        "the hook did not run:\n{output}"
    );
    assert_eq!(repo.git(&["rev-list", "--count", "HEAD"]), "2");
}
