//! `keyhound audit` against the mock: an organization with a key at every flag's boundary,
//! a runner with the clock fixed, and a CSV reader.

use super::mock::Api;
use super::tree::Run;
use keyhound::fake::{FakeKeys, Family};
use keyhound::mock::{MockKey, MockOwner, MockProject, Org};
use keyhound::secret::Secret;

/// The instant audit tests run at: 2024-06-24T00:00:00Z.
pub const NOW: i64 = 1_719_187_200;
/// One day in seconds.
pub const DAY: i64 = 86_400;

impl Api {
    /// `keyhound audit --api-base MOCK ARGS...` with the admin key in `OPENAI_ADMIN_KEY` and
    /// `KEYHOUND_NOW` at [`NOW`].
    pub fn audit(&self, args: &[&str]) -> Run {
        self.audit_with(Some(&self.admin), args, &[])
    }

    /// As [`Api::audit`], with any admin key (or none) and extra environment variables
    /// (which may override `KEYHOUND_NOW`).
    pub fn audit_with(&self, admin: Option<&str>, args: &[&str], env: &[(&str, &str)]) -> Run {
        let base = self.server.base_url();
        let now = NOW.to_string();
        let mut all = vec![("KEYHOUND_NOW", now.as_str())];
        all.extend_from_slice(env);
        let mut cmd = self.command(admin, &all);
        cmd.args(["audit", "--api-base", &base]).args(args);
        cmd.output().expect("run keyhound").into()
    }
}

/// A user `id`, named and with an email after it.
pub fn user(id: &str) -> MockOwner {
    MockOwner::User {
        id: id.into(),
        name: format!("User {id}"),
        email: format!("{id}@example.com"),
    }
}

/// Key `id` of `family`, created and last used then, owned by a user of its own.
pub fn key(
    gen: &mut FakeKeys,
    id: &str,
    family: Family,
    created: i64,
    used: Option<i64>,
) -> MockKey {
    MockKey {
        id: id.into(),
        name: format!("name of {id}"),
        value: Secret::new(gen.key(family)),
        created_at: created,
        last_used_at: used,
        owner: user(&format!("user_of_{id}")),
        owner_has_access: true,
        out_of_quota: false,
        expires_at: None,
    }
}

/// Project `id` holding `keys` (archived 30 days ago when `archived`).
pub fn project(id: &str, archived: bool, keys: Vec<MockKey>) -> MockProject {
    MockProject {
        id: id.into(),
        name: format!("Project {id}"),
        created_at: NOW - 600 * DAY,
        archived_at: archived.then_some(NOW - 30 * DAY),
        keys,
        service_accounts: Vec::new(),
    }
}

/// The days each boundary key lies before now: N−1, N, N+1 for N = 90.
const BOUNDARY: [i64; 3] = [89, 90, 91];

/// proj_main: keys last used and keys created (never used) 89/90/91 days ago, an orphaned
/// key, a legacy `sk-` key and an `sk-None-` key; proj_arch (archived): one fresh key;
/// proj_many: 3 keys of user_3 and 4 of user_4; admin keys last used 89/90/91 days ago (with
/// an expiry), one without an expiry, and the one the audit runs with.
pub fn hygiene_org() -> Org {
    let mut gen = FakeKeys::new(606);
    let old = NOW - 400 * DAY;
    let recent = Some(NOW - DAY);
    let mut main = Vec::new();
    for d in BOUNDARY {
        let used = Some(NOW - d * DAY);
        main.push(key(
            &mut gen,
            &format!("key_used_{d}"),
            Family::Project,
            old,
            used,
        ));
        main.push(key(
            &mut gen,
            &format!("key_new_{d}"),
            Family::Project,
            NOW - d * DAY,
            None,
        ));
    }
    let mut orphan = key(&mut gen, "key_orphan", Family::Project, old, recent);
    orphan.owner = user("user_gone");
    orphan.owner_has_access = false;
    main.push(orphan);
    main.push(key(&mut gen, "key_legacy", Family::Legacy, old, recent));
    main.push(key(&mut gen, "key_unowned", Family::Unowned, old, recent));
    let arch = vec![key(&mut gen, "key_arch", Family::Project, old, recent)];
    let mut many = Vec::new();
    for (owner, n) in [("user_3", 3), ("user_4", 4)] {
        for i in 0..n {
            let mut k = key(
                &mut gen,
                &format!("key_{owner}_{i}"),
                Family::Project,
                old,
                recent,
            );
            k.owner = user(owner);
            many.push(k);
        }
    }
    let admin_value = gen.key(Family::Admin);
    let mut org = Org::empty(Secret::new(admin_value.clone()));
    org.projects = vec![
        project("proj_main", false, main),
        project("proj_arch", true, arch),
        project("proj_many", false, many),
    ];
    let expires = Some(NOW + 30 * DAY);
    for d in BOUNDARY {
        let mut k = key(
            &mut gen,
            &format!("admin_{d}"),
            Family::Admin,
            old,
            Some(NOW - d * DAY),
        );
        k.expires_at = expires;
        org.admin_keys.push(k);
    }
    org.admin_keys
        .push(key(&mut gen, "admin_forever", Family::Admin, old, recent));
    let mut in_use = key(&mut gen, "admin_in_use", Family::Admin, old, recent);
    in_use.value = Secret::new(admin_value);
    in_use.expires_at = expires;
    org.admin_keys.push(in_use);
    org
}

/// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF records) into rows of fields.
/// Panics on a malformed document: the tests want to know.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    assert!(
                        matches!(chars.peek(), None | Some(',') | Some('\r')),
                        "text after a closing quote"
                    );
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("a quote inside an unquoted field"),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
            }
            '\n' => panic!("a bare LF ends a record"),
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "unterminated quote");
    assert!(
        field.is_empty() && row.is_empty(),
        "the last record lacks CRLF"
    );
    rows
}
