//! The mock Admin API for CLI tests: start it, plant its keys in a tree, run a cross-check.

use super::tree::{keyhound, Run};
use keyhound::mock::{MockServer, Org, OrgSpec};
use std::path::Path;
use std::process::Command;

/// A running mock and the admin key it accepts.
pub struct Api {
    pub server: MockServer,
    pub admin: String,
}

impl Api {
    pub fn start(spec: &OrgSpec) -> Api {
        Api::from_org(Org::generate(spec))
    }

    pub fn from_org(org: Org) -> Api {
        let admin = org.admin_key.expose().to_string();
        Api {
            server: MockServer::start(org).expect("start the mock Admin API"),
            admin,
        }
    }

    /// The full value of key `key` of project `project` (0-based).
    pub fn key(&self, project: usize, key: usize) -> String {
        self.server
            .with_org(|o| o.projects[project].keys[key].value.expose().to_string())
    }

    /// The statuses the mock answered to requests for `path`, in order.
    pub fn statuses(&self, path: &str) -> Vec<u16> {
        self.server
            .requests()
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.status)
            .collect()
    }

    /// `keyhound scan --cross-check --api-base MOCK ARGS...` in `dir`, with the admin key in
    /// `OPENAI_ADMIN_KEY`.
    pub fn scan(&self, dir: &Path, args: &[&str]) -> Run {
        self.scan_with(dir, Some(&self.admin), args, &[])
    }

    /// As [`Api::scan`], with any admin key (or none) and extra environment variables.
    pub fn scan_with(
        &self,
        dir: &Path,
        admin: Option<&str>,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Run {
        let base = self.server.base_url();
        let mut cmd = self.command(admin, env);
        cmd.current_dir(dir)
            .args([
                "scan",
                "--no-progress",
                "--cross-check",
                "--api-base",
                &base,
            ])
            .args(args);
        cmd.output().expect("run keyhound").into()
    }

    /// The keyhound command with no API base from the environment, the admin key (if any)
    /// in `OPENAI_ADMIN_KEY`, then `env` set.
    pub fn command(&self, admin: Option<&str>, env: &[(&str, &str)]) -> Command {
        let mut cmd = keyhound();
        cmd.env_remove("KEYHOUND_API_BASE")
            .env_remove("OPENAI_BASE_URL");
        if let Some(admin) = admin {
            cmd.env("OPENAI_ADMIN_KEY", admin);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }
}

/// The `crossCheck` object of the finding whose fingerprint is that of `key`.
pub fn check_of<'a>(json: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    let fp = keyhound::secret::sha256_hex(key.as_bytes());
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["fingerprint"] == fp.as_str())
        .map(|f| &f["crossCheck"])
        .unwrap_or_else(|| panic!("no finding for {}", keyhound::secret::redact(key)))
}

/// The JSON report on a run's stdout.
pub fn json_of(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}); stderr: {}", run.stderr))
}
