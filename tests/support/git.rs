//! Git repositories built at test time with the `git` CLI, isolated from the machine's
//! configuration, with pinned names, emails and increasing dates.

use super::tree::{keyhound, Run, Tree};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;

/// 2024-01-01T00:00:00Z: the date of a repository's first commit; each later commit is a
/// day later.
pub const EPOCH: i64 = 1_704_067_200;
pub const AUTHOR: &str = "Ada Tester";
pub const EMAIL: &str = "ada@example.test";

/// A `git` command that sees neither the machine's configuration nor the caller's
/// repository environment.
pub fn git_command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", AUTHOR)
        .env("GIT_AUTHOR_EMAIL", EMAIL)
        .env("GIT_COMMITTER_NAME", AUTHOR)
        .env("GIT_COMMITTER_EMAIL", EMAIL)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    c
}

/// A temporary repository.
pub struct Repo {
    pub tree: Tree,
    commits: Cell<i64>,
}

impl Repo {
    /// `git init` on branch `main`, in a fresh temporary directory.
    pub fn init() -> Self {
        let repo = Repo {
            tree: Tree::new(),
            commits: Cell::new(0),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// A repository in `dir` (created), for directories holding several.
    pub fn init_in(dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).expect("mkdir");
        git_in(dir, &["init", "-q", "-b", "main"]);
        dir.to_path_buf()
    }

    pub fn path(&self) -> &Path {
        self.tree.path()
    }

    /// Runs git in the repository; panics unless it succeeds. Returns stdout, trimmed.
    pub fn git(&self, args: &[&str]) -> String {
        run_git(self.path(), EPOCH + self.commits.get() * 86_400, args)
    }

    /// Runs git and returns its exit code (for commands that may fail, like a merge).
    pub fn git_status(&self, args: &[&str]) -> i32 {
        git_command(self.path())
            .args(args)
            .output()
            .expect("run git")
            .status
            .code()
            .unwrap_or(-1)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        self.tree.write(rel, contents);
    }

    /// Stages everything and commits; returns the commit id. Commit N is dated
    /// [`EPOCH`] + N days.
    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.commit(message)
    }

    /// Commits what is staged; returns the commit id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.commits.set(self.commits.get() + 1);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Adds, at `at`, a submodule: a one-commit repository of its own.
    pub fn add_submodule(&self, at: &str) {
        let inner = Repo::init();
        inner.write("lib.txt", "lib\n");
        inner.commit_all("lib");
        let source = inner.path().to_str().expect("a UTF-8 temporary path");
        self.git(&[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            source,
            at,
        ]);
    }

    /// The number of distinct blobs reachable from every ref.
    pub fn reachable_blobs(&self) -> usize {
        let listed = self.git(&["rev-list", "--objects", "--all"]);
        let ids: Vec<&str> = listed
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        ids.iter()
            .filter(|id| self.git(&["cat-file", "-t", id]) == "blob")
            .count()
    }
}

/// Runs git in `dir`; panics unless it succeeds.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    run_git(dir, EPOCH, args)
}

/// Runs git in `dir` with author and committer dated `time`; panics unless it succeeds.
/// Returns stdout, trimmed.
fn run_git(dir: &Path, time: i64, args: &[&str]) -> String {
    let date = format!("@{time} +0000");
    let out = git_command(dir)
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs keyhound in `dir`, isolated from the machine's git configuration.
pub fn keyhound_in(dir: &Path, args: &[&str]) -> Run {
    keyhound()
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(args)
        .output()
        .expect("run keyhound")
        .into()
}

/// Runs `keyhound scan --format json --no-progress ARGS` in `dir`: (exit code, report).
pub fn scan_json_in(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["scan", "--format", "json", "--no-progress"];
    all.extend_from_slice(args);
    let run = keyhound_in(dir, &all);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", run.stderr));
    (run.code, json, run.stderr)
}

/// Every location of a JSON report as `path:line`, with the finding's fingerprint.
pub fn locations(json: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for f in json["findings"].as_array().expect("findings") {
        for l in f["locations"].as_array().expect("locations") {
            out.push((
                format!("{}:{}", l["path"].as_str().expect("path"), l["line"]),
                l.clone(),
            ));
        }
    }
    out
}
