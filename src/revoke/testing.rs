//! Test aid: targets and an in-memory organization for the revocation's unit tests.

use super::{Details, Subject, Target};
use crate::fake::{FakeKeys, Family};
use crate::mock::Redaction;
use crate::openai::memory::{InMemoryAdminApi, MemoryState};
use crate::openai::models::{OwnerServiceAccount, OwnerUser};
use crate::openai::{AdminApiKey, ProjectApiKey, ProjectKeyOwner, ProjectServiceAccount};
use crate::secret::Secret;

/// A fake key of `family`.
pub fn key(seed: u64, family: Family) -> Secret {
    Secret::new(FakeKeys::new(seed).key(family))
}

/// A target for `subject`, with `secret` in hand, owned as `owner` (`user` or `service_account`
/// with the account's id).
pub fn target(subject: Subject, secret: &Secret, owner: Option<(&str, &str)>) -> Target {
    Target {
        subject,
        details: Details {
            key_name: Some("deploy key".into()),
            owner_type: owner.map(|(t, _)| t.to_string()),
            owner_id: owner.map(|(_, id)| id.to_string()),
            owner_email: Some("ada@example.com".into()),
            ..Details::default()
        },
        redacted: secret.redacted(),
        fingerprint: Some(secret.fingerprint()),
        why: "found at .env:1:1".into(),
        secret: Some(secret.clone()),
    }
}

pub fn project_key(project_id: &str, key_id: &str) -> Subject {
    Subject::ProjectKey {
        project_id: project_id.into(),
        key_id: key_id.into(),
    }
}

pub fn admin_key(key_id: &str) -> Subject {
    Subject::AdminKey {
        key_id: key_id.into(),
    }
}

/// The listing's record of `secret` as project key `id`, owned by a user or (with `Some`) a
/// service account.
pub fn listed_project_key(id: &str, secret: &Secret, account: Option<&str>) -> ProjectApiKey {
    let owner = match account {
        None => ProjectKeyOwner {
            kind: Some("user".into()),
            user: Some(OwnerUser {
                id: "user_1".into(),
                email: Some("ada@example.com".into()),
                name: Some("Ada".into()),
                role: None,
                created_at: None,
            }),
            service_account: None,
        },
        Some(sa) => ProjectKeyOwner {
            kind: Some("service_account".into()),
            user: None,
            service_account: Some(OwnerServiceAccount {
                id: sa.into(),
                name: Some("ci".into()),
                role: None,
                created_at: None,
            }),
        },
    };
    ProjectApiKey {
        id: id.into(),
        redacted_value: Redaction::Stars.apply(secret.expose()),
        name: Some(format!("name of {id}")),
        created_at: 1_700_000_000,
        last_used_at: Some(1_700_000_100),
        owner_project_access: Some("active".into()),
        owner,
    }
}

/// The listing's record of `secret` as admin key `id`.
pub fn listed_admin_key(id: &str, secret: &Secret) -> AdminApiKey {
    AdminApiKey {
        object: Some(AdminApiKey::OBJECT.into()),
        id: id.into(),
        name: Some(format!("name of {id}")),
        redacted_value: Redaction::Stars.apply(secret.expose()),
        created_at: 1_700_000_000,
        expires_at: None,
        last_used_at: None,
        owner: Default::default(),
    }
}

/// An organization: project `proj_1` with user key `key_user` and service account `sa_1`'s
/// keys `key_sa` and `key_sa2`; admin keys `key_admin` and `key_in_use` (the admin key in use).
pub struct Org {
    pub api: InMemoryAdminApi,
    pub user: Secret,
    pub sa: Secret,
    pub sa2: Secret,
    pub admin: Secret,
    pub in_use: Secret,
}

pub fn org() -> Org {
    let (user, sa, sa2) = (
        key(1, Family::Project),
        key(2, Family::ServiceAccount),
        key(3, Family::ServiceAccount),
    );
    let (admin, in_use) = (key(4, Family::Admin), key(5, Family::Admin));
    let mut state = MemoryState::default();
    state.keys.insert(
        "proj_1".into(),
        vec![
            listed_project_key("key_user", &user, None),
            listed_project_key("key_sa", &sa, Some("sa_1")),
            listed_project_key("key_sa2", &sa2, Some("sa_1")),
        ],
    );
    state.service_accounts.insert(
        "proj_1".into(),
        vec![ProjectServiceAccount {
            id: "sa_1".into(),
            name: Some("ci".into()),
            role: None,
            created_at: 1,
        }],
    );
    state.admin_keys = vec![
        listed_admin_key("key_admin", &admin),
        listed_admin_key("key_in_use", &in_use),
    ];
    Org {
        api: InMemoryAdminApi::new(state),
        user,
        sa,
        sa2,
        admin,
        in_use,
    }
}

impl Org {
    /// Every call made so far.
    pub fn calls(&self) -> Vec<String> {
        self.api
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .calls
            .clone()
    }

    /// The calls that change something.
    pub fn deletes(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| c.starts_with("delete_"))
            .collect()
    }
}
