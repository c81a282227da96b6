//! Temporary trees, fake keys and a runner for the keyhound binary.

use keyhound::fake::{FakeKeys, Family};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary directory, removed when dropped.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Self {
        Tree {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating parents) and returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
        path
    }
}

/// A seeded source of fake keys.
pub fn keys(seed: u64) -> FakeKeys {
    FakeKeys::new(seed)
}

pub fn key(seed: u64, family: Family) -> String {
    FakeKeys::new(seed).key(family)
}

/// The result of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

pub fn keyhound() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_keyhound"));
    c.stdin(Stdio::null()).env_remove("OPENAI_ADMIN_KEY");
    c
}

/// Runs `keyhound ARGS...` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    keyhound()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run keyhound")
        .into()
}

/// Runs a scan of `tree` with JSON output and returns (exit code, parsed JSON, stderr).
pub fn scan_json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["scan", "--format", "json"];
    args.extend_from_slice(extra);
    let run = run_in(dir, &args);
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}); stderr: {}", run.stderr));
    (run.code, json, run.stderr)
}

/// `path:line:column` of every occurrence in a JSON report, in report order.
pub fn places(json: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in json["findings"].as_array().expect("findings") {
        for l in f["locations"].as_array().expect("locations") {
            out.push(format!(
                "{}:{}:{}",
                l["path"].as_str().expect("path"),
                l["line"],
                l["column"]
            ));
        }
    }
    out
}
