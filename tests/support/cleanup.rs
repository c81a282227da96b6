//! `keyhound audit --revoke` against the mock: an organization with a key for each way a
//! clean-up treats it, its DELETE paths, and a runner with the clock fixed.

use super::audit::{key, project, user, DAY, NOW};
use super::mock::Api;
use super::revoke::AuditFile;
use super::tree::Run;
use keyhound::fake::{FakeKeys, Family};
use keyhound::mock::{MockOwner, MockServiceAccount, Org};
use keyhound::secret::Secret;

/// Every flag the clean-up tests revoke by.
pub const CHOSEN: &str = "stale,orphaned,archived-project,admin-stale,admin-no-expiry";

pub const STALE: &str = "/v1/organization/projects/proj_a/api_keys/key_stale";
pub const ORPHAN: &str = "/v1/organization/projects/proj_a/api_keys/key_orphan";
pub const ARCH: &str = "/v1/organization/projects/proj_old/api_keys/key_arch";
pub const ADMIN_STALE: &str = "/v1/organization/admin_api_keys/admin_stale";
pub const ADMIN_FOREVER: &str = "/v1/organization/admin_api_keys/admin_forever";
pub const ADMIN_IN_USE: &str = "/v1/organization/admin_api_keys/admin_in_use";
pub const ACCOUNT: &str = "/v1/organization/projects/proj_a/service_accounts/svc_1";

/// The DELETEs a clean-up by [`CHOSEN`] sends without `--delete-service-accounts`, in order:
/// users' keys first, then admin keys, each in the report's order (riskiest first, then the
/// longest unused).
pub const PLANNED: [&str; 5] = [ORPHAN, STALE, ARCH, ADMIN_STALE, ADMIN_FOREVER];

/// The ids of the keys [`PLANNED`] deletes, in the same order.
pub const PLANNED_IDS: [&str; 5] = [
    "key_orphan",
    "key_stale",
    "key_arch",
    "admin_stale",
    "admin_forever",
];

/// proj_a: `key_stale` (unused 120 days), `key_fresh`, `key_orphan` (its owner lost access),
/// and service account svc_1's `key_svc_stale` (unused 120 days) and `key_svc_fresh`;
/// proj_old (archived): `key_arch`; admin keys `admin_stale` (unused 120 days, expiring),
/// `admin_forever` (no expiry) and `admin_in_use`, the one the audit runs with (unused 200
/// days and without an expiry: flagged twice).
pub fn cleanup_org() -> Org {
    let mut gen = FakeKeys::new(4242);
    let old = NOW - 400 * DAY;
    let recent = Some(NOW - DAY);
    let unused = Some(NOW - 120 * DAY);
    let mut orphan = key(&mut gen, "key_orphan", Family::Project, old, recent);
    orphan.owner = user("user_gone");
    orphan.owner_has_access = false;
    let svc = MockOwner::ServiceAccount {
        id: "svc_1".into(),
        name: "deploy bot".into(),
    };
    let mut svc_keys = Vec::new();
    for (id, used) in [("key_svc_stale", unused), ("key_svc_fresh", recent)] {
        let mut k = key(&mut gen, id, Family::ServiceAccount, old, used);
        k.owner = svc.clone();
        svc_keys.push(k);
    }
    let mut main = project(
        "proj_a",
        false,
        vec![
            key(&mut gen, "key_stale", Family::Project, old, unused),
            key(&mut gen, "key_fresh", Family::Project, old, recent),
            orphan,
        ],
    );
    main.keys.extend(svc_keys);
    main.service_accounts.push(MockServiceAccount {
        id: "svc_1".into(),
        name: "deploy bot".into(),
        created_at: old,
    });
    let arch = project(
        "proj_old",
        true,
        vec![key(&mut gen, "key_arch", Family::Project, old, recent)],
    );
    let admin_value = gen.key(Family::Admin);
    let mut org = Org::empty(Secret::new(admin_value.clone()));
    org.projects = vec![main, arch];
    let mut stale = key(&mut gen, "admin_stale", Family::Admin, old, unused);
    stale.expires_at = Some(NOW + 30 * DAY);
    let forever = key(&mut gen, "admin_forever", Family::Admin, old, recent);
    let mut in_use = key(
        &mut gen,
        "admin_in_use",
        Family::Admin,
        old,
        Some(NOW - 200 * DAY),
    );
    in_use.value = Secret::new(admin_value);
    org.admin_keys = vec![stale, forever, in_use];
    org
}

impl AuditFile {
    /// `keyhound audit --revoke FLAGS --yes --audit-log THIS ARGS...`, the clock fixed.
    pub fn clean_up(&self, api: &Api, flags: &str, args: &[&str]) -> Run {
        let path = self.path.to_str().expect("a UTF-8 temporary path");
        let head = ["--revoke", flags, "--yes", "--audit-log", path];
        api.audit(&[&head[..], args].concat())
    }
}

/// The `revocation` object of key `id` in an audit's JSON report.
pub fn revocation_of<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["keyId"] == id)
        .map(|k| &k["revocation"])
        .unwrap_or_else(|| panic!("no key {id}"))
}

/// The key ids the mock still holds.
pub fn listed(api: &Api) -> Vec<String> {
    api.server
        .with_org(|o| o.all_keys().map(|k| k.id.clone()).collect())
}

/// Every key value the mock holds now, and the admin key (taken before keys are deleted, to
/// check that no output holds one).
pub fn values(api: &Api) -> Vec<String> {
    api.server.with_org(|o| {
        o.all_keys()
            .map(|k| k.value.expose().to_string())
            .chain([o.admin_key.expose().to_string()])
            .collect()
    })
}

/// True when `text` holds one of `values` (a panic message must not show it).
pub fn holds_a_key(values: &[String], text: &str) -> bool {
    values.iter().any(|v| text.contains(v.as_str()))
}
