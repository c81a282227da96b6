//! The mock's organization: projects, keys (with their full values), admin keys, service
//! accounts, and a generator of organizations of any size from [`crate::fake`].
//!
//! Stage: test aid. Plain data; the server in [`super::routes`] reads and changes it.

use crate::fake::{FakeKeys, Family};
use crate::secret::Secret;

/// How the mock writes `redacted_value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redaction {
    /// First 8, one `*` per hidden character, last 4 (what real listings do).
    Stars,
    /// First 8, `...`, last 4 (what error messages have shown).
    Dots,
    /// First 8, `…`, last 4.
    Ellipsis,
}

impl Redaction {
    /// `value` redacted in this style (values of 12 characters or fewer are fully masked).
    pub fn apply(self, value: &str) -> String {
        let chars: Vec<char> = value.chars().collect();
        if chars.len() <= 12 {
            return "*".repeat(chars.len());
        }
        let head: String = chars[..8].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        let mask = match self {
            Redaction::Stars => "*".repeat(chars.len() - 12),
            Redaction::Dots => "...".to_string(),
            Redaction::Ellipsis => "…".to_string(),
        };
        format!("{head}{mask}{tail}")
    }
}

/// Who owns a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockOwner {
    User {
        id: String,
        name: String,
        email: String,
    },
    ServiceAccount {
        id: String,
        name: String,
    },
}

/// A key the mock knows, with its full value.
#[derive(Debug, Clone)]
pub struct MockKey {
    pub id: String,
    pub name: String,
    pub value: Secret,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub owner: MockOwner,
    /// False for a key whose owner lost access to the project (`owner_project_access`
    /// `inactive`): listed only with `owner_project_access=any` or `inactive`.
    pub owner_has_access: bool,
    /// `GET /models` answers 429 `insufficient_quota` for it.
    pub out_of_quota: bool,
    /// Admin keys only: when it expires.
    pub expires_at: Option<i64>,
}

/// A service account of a project.
#[derive(Debug, Clone)]
pub struct MockServiceAccount {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// A project and what it holds.
#[derive(Debug, Clone)]
pub struct MockProject {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    pub keys: Vec<MockKey>,
    pub service_accounts: Vec<MockServiceAccount>,
}

/// Everything the mock serves.
#[derive(Debug, Clone)]
pub struct Org {
    /// The only admin key the mock accepts.
    pub admin_key: Secret,
    /// When set, an `OpenAI-Organization` header must equal it (else 401
    /// `mismatched_organization`); the header stays optional.
    pub organization_id: Option<String>,
    pub projects: Vec<MockProject>,
    pub admin_keys: Vec<MockKey>,
    pub redaction: Redaction,
    /// Also list this project key's id in the admin-key listing (as the real API has done).
    pub admin_listing_includes: Option<String>,
    /// Set once the admin key in use was deleted (it was also in `admin_keys`): from then on
    /// every Admin API request is answered 401, as the real API does for a deleted key.
    pub admin_key_revoked: bool,
}

/// The shape of a generated organization.
#[derive(Debug, Clone)]
pub struct OrgSpec {
    pub seed: u64,
    pub projects: usize,
    pub keys_per_project: usize,
    pub admin_keys: usize,
    /// Every n-th project is archived (0: none).
    pub archived_every: usize,
    /// Every n-th key is a service account's (0: none).
    pub service_account_every: usize,
    /// Every key ends in `A`, as every real new-format key seen so far does.
    pub realistic_tails: bool,
}

impl Default for OrgSpec {
    fn default() -> Self {
        OrgSpec {
            seed: 1,
            projects: 3,
            keys_per_project: 4,
            admin_keys: 1,
            archived_every: 0,
            service_account_every: 0,
            realistic_tails: false,
        }
    }
}

/// A base time for generated objects (2024-03-26).
pub const EPOCH: i64 = 1_711_471_533;

impl Org {
    /// An empty organization that accepts `admin_key`.
    pub fn empty(admin_key: Secret) -> Org {
        Org {
            admin_key,
            organization_id: None,
            projects: Vec::new(),
            admin_keys: Vec::new(),
            redaction: Redaction::Stars,
            admin_listing_includes: None,
            admin_key_revoked: false,
        }
    }

    /// A generated organization: deterministic for a spec.
    pub fn generate(spec: &OrgSpec) -> Org {
        let mut gen = FakeKeys::new(spec.seed);
        let mut org = Org::empty(Secret::new(gen.key(Family::Admin)));
        let fresh = |gen: &mut FakeKeys, family: Family| {
            if spec.realistic_tails {
                gen.key_ending(family, 'A')
            } else {
                gen.key(family)
            }
        };
        for p in 0..spec.projects {
            let id = format!("proj_{p:05}");
            let archived =
                spec.archived_every > 0 && p % spec.archived_every == spec.archived_every - 1;
            let mut project = MockProject {
                id: id.clone(),
                name: format!("Project {p}"),
                created_at: EPOCH + p as i64,
                archived_at: archived.then_some(EPOCH + 86_400),
                keys: Vec::new(),
                service_accounts: Vec::new(),
            };
            for k in 0..spec.keys_per_project {
                let by_service_account =
                    spec.service_account_every > 0 && k % spec.service_account_every == 0;
                let created_at = EPOCH + 1000 * k as i64 + p as i64;
                let owner = if by_service_account {
                    let sa = MockServiceAccount {
                        id: format!("svc_acct_{p:05}_{k:05}"),
                        name: format!("service account {k}"),
                        created_at,
                    };
                    let owner = MockOwner::ServiceAccount {
                        id: sa.id.clone(),
                        name: sa.name.clone(),
                    };
                    project.service_accounts.push(sa);
                    owner
                } else {
                    MockOwner::User {
                        id: format!("user_{:04}", k % 50),
                        name: format!("User {}", k % 50),
                        email: format!("user{}@example.com", k % 50),
                    }
                };
                let family = if by_service_account {
                    Family::ServiceAccount
                } else {
                    Family::Project
                };
                project.keys.push(MockKey {
                    id: format!("key_{p:05}_{k:05}"),
                    name: format!("key {k} of {id}"),
                    value: Secret::new(fresh(&mut gen, family)),
                    created_at,
                    last_used_at: Some(created_at + 3600),
                    owner,
                    owner_has_access: true,
                    out_of_quota: false,
                    expires_at: None,
                });
            }
            org.projects.push(project);
        }
        for a in 0..spec.admin_keys {
            org.admin_keys.push(MockKey {
                id: format!("key_admin_{a:03}"),
                name: format!("admin key {a}"),
                value: Secret::new(fresh(&mut gen, Family::Admin)),
                created_at: EPOCH + a as i64,
                last_used_at: None,
                owner: MockOwner::User {
                    id: "user_owner".into(),
                    name: "Org Owner".into(),
                    email: "owner@example.com".into(),
                },
                owner_has_access: true,
                out_of_quota: false,
                expires_at: Some(EPOCH + 90 * 86_400),
            });
        }
        org
    }

    /// The project holding the key with this value, and the key.
    pub fn find_value(&self, value: &str) -> Option<(Option<&MockProject>, &MockKey)> {
        for p in &self.projects {
            if let Some(k) = p.keys.iter().find(|k| k.value.expose() == value) {
                return Some((Some(p), k));
            }
        }
        self.admin_keys
            .iter()
            .find(|k| k.value.expose() == value)
            .map(|k| (None, k))
    }

    /// Every key value, project keys first (for tests that plant them in a tree).
    pub fn all_keys(&self) -> impl Iterator<Item = &MockKey> {
        self.projects
            .iter()
            .flat_map(|p| p.keys.iter())
            .chain(self.admin_keys.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_8_and_4_and_the_length_with_stars() {
        let value = FakeKeys::new(3).key(Family::Project);
        let stars = Redaction::Stars.apply(&value);
        assert_eq!(stars.len(), value.len());
        assert_eq!(&stars[..8], &value[..8]);
        assert_eq!(&stars[stars.len() - 4..], &value[value.len() - 4..]);
        assert_eq!(Redaction::Dots.apply(&value).len(), 15);
        assert!(Redaction::Ellipsis.apply(&value).contains('…'));
    }

    #[test]
    fn generation_is_deterministic_and_realistic_tails_end_in_a() {
        let spec = OrgSpec {
            realistic_tails: true,
            archived_every: 2,
            service_account_every: 2,
            ..OrgSpec::default()
        };
        let (a, b) = (Org::generate(&spec), Org::generate(&spec));
        assert_eq!(a.admin_key, b.admin_key);
        assert!(a.all_keys().all(|k| k.value.expose().ends_with('A')));
        assert_eq!(
            a.projects
                .iter()
                .filter(|p| p.archived_at.is_some())
                .count(),
            1
        );
        assert_eq!(a.projects[0].service_accounts.len(), 2);
    }
}
