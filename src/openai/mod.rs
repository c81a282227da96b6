//! OpenAI's Admin API: the [`AdminApi`] trait, its HTTP client, the spec's models, and the
//! opt-in liveness check.
//!
//! Stage: the only module that knows HTTP. Cross-check, revocation (and audit) see only
//! [`AdminApi`] and [`LivenessCheck`]; [`memory::InMemoryAdminApi`] stands in for the API
//! in unit tests, [`crate::mock`] for it on the wire. Nothing here knows findings, reports or
//! clap, and nothing here prints a key.

pub mod base;
pub mod client;
pub mod error;
pub mod liveness;
pub mod memory;
pub mod models;
pub mod retry;
pub mod trace;
mod transport;

pub use base::{ApiBase, BaseError, DEFAULT_BASE};
pub use client::HttpAdminApi;
pub use error::ApiError;
pub use liveness::{HttpLiveness, LiveStatus, LivenessCheck};
pub use models::{
    AdminApiKey, Deleted, Project, ProjectApiKey, ProjectKeyOwner, ProjectServiceAccount,
};
pub use retry::RetryPolicy;
pub use trace::{Trace, Traced};
pub use transport::{ClientOptions, RequestLog};

/// What keyhound asks of the organization's Admin API. Every list is complete (all pages) or
/// an error: a partial list is never returned as if it were whole.
pub trait AdminApi: Send + Sync {
    /// Every project, archived ones included (`include_archived=true`).
    fn list_projects(&self) -> Result<Vec<Project>, ApiError>;

    /// Every key of a project, whatever its owner's access (`owner_project_access=any`).
    fn list_project_keys(&self, project_id: &str) -> Result<Vec<ProjectApiKey>, ApiError>;

    /// Every admin key, de-duplicated by id. The listing has been seen to hold project keys
    /// too: [`AdminApiKey::is_admin_key`] tells them apart.
    fn list_admin_keys(&self) -> Result<Vec<AdminApiKey>, ApiError>;

    /// Every service account of a project (the API answers 400 for an archived project).
    fn list_service_accounts(
        &self,
        project_id: &str,
    ) -> Result<Vec<ProjectServiceAccount>, ApiError>;

    /// One project key, to re-confirm it just before deleting it. 404
    /// ([`ApiError::NotFound`]) when it is gone.
    fn get_project_key(&self, project_id: &str, key_id: &str) -> Traced<ProjectApiKey>;

    /// One admin key. 404 when it is gone.
    fn get_admin_key(&self, key_id: &str) -> Traced<AdminApiKey>;

    /// One service account of a project. 404 when it is gone.
    fn get_service_account(
        &self,
        project_id: &str,
        service_account_id: &str,
    ) -> Traced<ProjectServiceAccount>;

    /// Deletes a project key. 400 ([`ApiError::BadRequest`]) when a service account owns it;
    /// 404 ([`ApiError::NotFound`]) when it is already gone.
    fn delete_project_key(&self, project_id: &str, key_id: &str) -> Traced<Deleted>;

    /// Deletes an admin key. 404 when it is already gone.
    fn delete_admin_key(&self, key_id: &str) -> Traced<Deleted>;

    /// Deletes a service account and with it every key it owns. 404 when already gone.
    fn delete_service_account(&self, project_id: &str, service_account_id: &str)
        -> Traced<Deleted>;
}
