//! Revocation tests' organization, planted tree, and runners for `scan --revoke` and
//! `keyhound revoke`.

use super::mock::Api;
use super::tree::{keyhound, Run, Tree};
use keyhound::fake::{FakeKeys, Family};
use keyhound::mock::{MockKey, MockOwner, Org, OrgSpec};
use keyhound::secret::Secret;
use std::path::Path;

/// The id under which the admin key keyhound runs with is listed.
pub const IN_USE: &str = "key_admin_in_use";

/// A copy of `key` with the same first 8 and last 4 characters and length: another key with
/// the same redacted form.
fn twin_of(key: &str, seed: u64) -> String {
    let middle = FakeKeys::new(seed).run(key.len() - 12, b"abcdefghijklmnopqrstuvwxyz");
    format!("{}{middle}{}", &key[..8], &key[key.len() - 4..])
}

/// 3 projects of 4 keys (key 0 of each is a service account's), 2 admin keys and the admin
/// key in use listed as [`IN_USE`], and in project 0 a twin of key 1 of project 2 (so that
/// key is ambiguous).
pub fn org() -> Org {
    let mut org = Org::generate(&OrgSpec {
        seed: 31,
        projects: 3,
        keys_per_project: 4,
        admin_keys: 2,
        archived_every: 0,
        service_account_every: 4,
        realistic_tails: true,
    });
    let twin = twin_of(org.projects[2].keys[1].value.expose(), 8);
    let mut copy = org.projects[0].keys[1].clone();
    copy.id = "key_twin".into();
    copy.value = Secret::new(twin);
    org.projects[0].keys.push(copy);
    let mut in_use: MockKey = org.admin_keys[0].clone();
    in_use.id = IN_USE.into();
    in_use.name = "keyhound's own".into();
    in_use.value = org.admin_key.clone();
    in_use.owner = MockOwner::User {
        id: "user_owner".into(),
        name: "Org Owner".into(),
        email: "owner@example.com".into(),
    };
    org.admin_keys.push(in_use);
    org
}

/// The keys planted in a tree.
pub struct Planted {
    /// Project 0 key 1 (a user's), in `.env` and `src/app.py`.
    pub user: String,
    /// Project 1 key 2 (a user's), in `config/prod.env`.
    pub user2: String,
    /// Project 1 key 0 (service account `svc_acct_00001_00000`'s), in `deploy/ci.yml`.
    pub service_account: String,
    /// Admin key 0, in `ops/admin.sh`.
    pub admin: String,
    /// Project 2 key 1, which a twin makes ambiguous, in `notes.md`.
    pub ambiguous: String,
    /// A key the organization does not have, in `notes.md`.
    pub unknown: String,
}

impl Planted {
    pub fn all(&self) -> [&str; 6] {
        [
            &self.user,
            &self.user2,
            &self.service_account,
            &self.admin,
            &self.ambiguous,
            &self.unknown,
        ]
    }
}

/// Writes the keys of [`Planted`] into `t`.
pub fn plant(api: &Api, t: &Tree) -> Planted {
    let p = Planted {
        user: api.key(0, 1),
        user2: api.key(1, 2),
        service_account: api.key(1, 0),
        admin: api
            .server
            .with_org(|o| o.admin_keys[0].value.expose().to_string()),
        ambiguous: api.key(2, 1),
        unknown: FakeKeys::new(777).key(Family::Project),
    };
    t.write(".env", format!("OPENAI_API_KEY={}\n", p.user));
    t.write("src/app.py", format!("key = \"{}\"\n", p.user));
    t.write("config/prod.env", format!("OPENAI_API_KEY={}\n", p.user2));
    t.write("deploy/ci.yml", format!("token: {}\n", p.service_account));
    t.write("ops/admin.sh", format!("export K={}\n", p.admin));
    t.write(
        "notes.md",
        format!("old {}\nother {}\n", p.unknown, p.ambiguous),
    );
    p
}

/// `METHOD path` of every request that changed something, in order.
pub fn deletes(api: &Api) -> Vec<String> {
    api.server
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| r.path)
        .collect()
}

/// Every line of the audit log at `path`, parsed.
pub fn audit_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("an audit line is JSON"))
        .collect()
}

/// `keyhound revoke --api-base MOCK ARGS...` in `dir`, with the admin key in
/// `OPENAI_ADMIN_KEY`.
pub fn revoke(api: &Api, dir: &Path, args: &[&str]) -> Run {
    keyhound()
        .current_dir(dir)
        .env_remove("KEYHOUND_API_BASE")
        .env_remove("OPENAI_BASE_URL")
        .env("OPENAI_ADMIN_KEY", &api.admin)
        .args(["revoke", "--api-base", &api.server.base_url()])
        .args(args)
        .output()
        .expect("run keyhound")
        .into()
}

/// An audit log in a temporary directory of its own (never inside a scanned tree).
pub struct AuditFile {
    _dir: Tree,
    pub path: std::path::PathBuf,
}

impl AuditFile {
    pub fn new() -> AuditFile {
        let dir = Tree::new();
        let path = dir.path().join("audit.jsonl");
        AuditFile { _dir: dir, path }
    }

    fn flags(&self) -> [&str; 3] {
        let path = self.path.to_str().expect("a UTF-8 temporary path");
        ["--yes", "--audit-log", path]
    }

    /// `scan --cross-check --revoke --yes --audit-log THIS ARGS...` of `dir`.
    pub fn scan(&self, api: &Api, dir: &Path, args: &[&str]) -> Run {
        api.scan(dir, &[&["--revoke"], &self.flags()[..], args].concat())
    }

    /// `keyhound revoke --yes --audit-log THIS ARGS...` in `dir`.
    pub fn revoke(&self, api: &Api, dir: &Path, args: &[&str]) -> Run {
        revoke(api, dir, &[&self.flags()[..], args].concat())
    }

    /// Every line written so far, parsed.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        audit_lines(&self.path)
    }

    /// The log as it is.
    pub fn text(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap_or_default()
    }
}
