//! The Admin API's objects, as the OpenAPI spec excerpt describes them (serde only).
//!
//! Stage: none (data). Field names follow the spec; fields the spec marks required but that
//! real responses have been seen to omit (or that another object type in the same list lacks)
//! default, so that one odd record does not fail a whole listing. Nothing here performs I/O.

use serde::{Deserialize, Serialize};

/// One page of a list endpoint: `{"object":"list","data":[…],"first_id","last_id","has_more"}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ListPage<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub first_id: Option<String>,
    #[serde(default)]
    pub last_id: Option<String>,
    pub has_more: bool,
}

/// `organization.project`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Project {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub archived_at: Option<i64>,
    /// `active` or `archived`.
    #[serde(default)]
    pub status: Option<String>,
}

impl Project {
    /// True when the project is archived (by its status or its archive time).
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some() || self.status.as_deref() == Some("archived")
    }
}

/// `organization.project.api_key`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ProjectApiKey {
    pub id: String,
    pub redacted_value: String,
    #[serde(default)]
    pub name: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub last_used_at: Option<i64>,
    /// `active` or `inactive`: whether the owner still has access to the project.
    #[serde(default)]
    pub owner_project_access: Option<String>,
    #[serde(default)]
    pub owner: ProjectKeyOwner,
}

/// The owner of a project key: a user or a service account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ProjectKeyOwner {
    /// `user` or `service_account`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub user: Option<OwnerUser>,
    #[serde(default)]
    pub service_account: Option<OwnerServiceAccount>,
}

/// `ProjectApiKeyOwnerUser`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OwnerUser {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
}

/// `ProjectApiKeyOwnerServiceAccount`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OwnerServiceAccount {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
}

/// `organization.admin_api_key`. The admin-key listing has been seen to return project keys
/// too; `object` tells them apart.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct AdminApiKey {
    #[serde(default)]
    pub object: Option<String>,
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub redacted_value: String,
    pub created_at: i64,
    #[serde(default)]
    pub expires_at: Option<i64>,
    #[serde(default)]
    pub last_used_at: Option<i64>,
    #[serde(default)]
    pub owner: AdminKeyOwner,
}

impl AdminApiKey {
    /// The object type admin keys carry.
    pub const OBJECT: &'static str = "organization.admin_api_key";

    /// False when the record is some other object the listing returned (a project key).
    pub fn is_admin_key(&self) -> bool {
        self.object.as_deref().is_none_or(|o| o == Self::OBJECT)
    }
}

/// The owner of an admin key (the spec says: always a user; its example shows a service
/// account).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct AdminKeyOwner {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
}

/// `organization.project.service_account`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ProjectServiceAccount {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    pub created_at: i64,
}

/// The answer to a DELETE: `{"object":"….deleted","id":…,"deleted":true}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Deleted {
    pub object: String,
    pub id: String,
    pub deleted: bool,
}

/// `{"error":{"message","type","param","code"}}`. Only `type` and `code` are ever matched on
/// or shown; the message text is not (it is free text and may quote a redacted key).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorResponse {
    #[serde(default)]
    pub error: ErrorBody,
}

/// The `error` object of [`ErrorResponse`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_examples_parse() {
        let page: ListPage<ProjectApiKey> = serde_json::from_str(
            r#"{"object":"list","data":[{"object":"organization.project.api_key",
            "redacted_value":"sk-abc...def","name":"My API Key","created_at":1711471533,
            "last_used_at":1711471534,"id":"key_abc","owner_project_access":"active",
            "owner":{"type":"user","user":{"id":"user_abc","name":"First Last",
            "email":"user@example.com","role":"owner","created_at":1711471533}}}],
            "first_id":"key_abc","last_id":"key_xyz","has_more":false}"#,
        )
        .unwrap();
        let key = &page.data[0];
        assert_eq!(
            key.owner.user.as_ref().unwrap().email.as_deref(),
            Some("user@example.com")
        );
        assert!(!page.has_more);
        let admin: AdminApiKey = serde_json::from_str(
            r#"{"object":"organization.admin_api_key","id":"key_abc","name":"Main Admin Key",
            "redacted_value":"sk-admin...def","created_at":1711471533,"expires_at":1714063533,
            "last_used_at":1711471534,"owner":{"type":"service_account",
            "object":"organization.service_account","id":"sa_456","name":"My Service Account",
            "created_at":1711471533,"role":"member"}}"#,
        )
        .unwrap();
        assert!(admin.is_admin_key());
        assert_eq!(admin.owner.id.as_deref(), Some("sa_456"));
        let project: Project = serde_json::from_str(
            r#"{"id":"proj_abc","object":"organization.project","name":"Project example",
            "created_at":1711471533,"archived_at":null,"status":"active"}"#,
        )
        .unwrap();
        assert!(!project.is_archived());
    }
}
