//! An in-memory [`AdminApi`] for unit tests: the organization as plain data, failures on
//! demand, and a record of calls.
//!
//! Stage: test aid (the CLI never uses it). It returns whole lists, so it exercises what is
//! done with an inventory, not pagination or HTTP (the [`crate::mock`] server does that).

use super::error::ApiError;
use super::models::{AdminApiKey, Deleted, Project, ProjectApiKey, ProjectServiceAccount};
use super::trace::Traced;
use super::AdminApi;
use std::collections::HashMap;
use std::sync::Mutex;

/// The organization, and which calls fail.
#[derive(Debug, Default)]
pub struct InMemoryAdminApi {
    pub state: Mutex<MemoryState>,
}

/// What [`InMemoryAdminApi`] holds; tests edit it freely.
#[derive(Debug, Default, Clone)]
pub struct MemoryState {
    pub projects: Vec<Project>,
    /// Keys by project id.
    pub keys: HashMap<String, Vec<ProjectApiKey>>,
    /// Service accounts by project id.
    pub service_accounts: HashMap<String, Vec<ProjectServiceAccount>>,
    pub admin_keys: Vec<AdminApiKey>,
    /// Calls (`list_projects`, `list_project_keys proj_1`, ...) that fail with the error.
    pub failures: HashMap<String, ApiError>,
    /// Every call made, in order.
    pub calls: Vec<String>,
}

impl InMemoryAdminApi {
    pub fn new(state: MemoryState) -> Self {
        InMemoryAdminApi {
            state: Mutex::new(state),
        }
    }

    fn with<T>(
        &self,
        call: String,
        f: impl FnOnce(&mut MemoryState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.calls.push(call.clone());
        if let Some(e) = state.failures.get(&call) {
            return Err(e.clone());
        }
        f(&mut state)
    }
}

fn not_found(endpoint: &str) -> ApiError {
    ApiError::NotFound {
        endpoint: endpoint.to_string(),
    }
}

fn deleted(object: &str, id: &str) -> Deleted {
    Deleted {
        object: object.to_string(),
        id: id.to_string(),
        deleted: true,
    }
}

impl AdminApi for InMemoryAdminApi {
    fn list_projects(&self) -> Result<Vec<Project>, ApiError> {
        self.with("list_projects".into(), |s| Ok(s.projects.clone()))
    }

    fn list_project_keys(&self, project_id: &str) -> Result<Vec<ProjectApiKey>, ApiError> {
        self.with(format!("list_project_keys {project_id}"), |s| {
            Ok(s.keys.get(project_id).cloned().unwrap_or_default())
        })
    }

    fn list_admin_keys(&self) -> Result<Vec<AdminApiKey>, ApiError> {
        self.with("list_admin_keys".into(), |s| Ok(s.admin_keys.clone()))
    }

    fn list_service_accounts(
        &self,
        project_id: &str,
    ) -> Result<Vec<ProjectServiceAccount>, ApiError> {
        self.with(format!("list_service_accounts {project_id}"), |s| {
            Ok(s.service_accounts
                .get(project_id)
                .cloned()
                .unwrap_or_default())
        })
    }

    fn get_project_key(&self, project_id: &str, key_id: &str) -> Traced<ProjectApiKey> {
        Traced::untraced(
            self.with(format!("get_project_key {project_id} {key_id}"), |s| {
                s.keys
                    .get(project_id)
                    .and_then(|keys| keys.iter().find(|k| k.id == key_id))
                    .cloned()
                    .ok_or_else(|| not_found("GET project key"))
            }),
        )
    }

    fn get_admin_key(&self, key_id: &str) -> Traced<AdminApiKey> {
        Traced::untraced(self.with(format!("get_admin_key {key_id}"), |s| {
            s.admin_keys
                .iter()
                .find(|k| k.id == key_id)
                .cloned()
                .ok_or_else(|| not_found("GET admin key"))
        }))
    }

    fn get_service_account(
        &self,
        project_id: &str,
        service_account_id: &str,
    ) -> Traced<ProjectServiceAccount> {
        Traced::untraced(self.with(
            format!("get_service_account {project_id} {service_account_id}"),
            |s| {
                s.service_accounts
                    .get(project_id)
                    .and_then(|all| all.iter().find(|a| a.id == service_account_id))
                    .cloned()
                    .ok_or_else(|| not_found("GET service account"))
            },
        ))
    }

    fn delete_project_key(&self, project_id: &str, key_id: &str) -> Traced<Deleted> {
        Traced::untraced(
            self.with(format!("delete_project_key {project_id} {key_id}"), |s| {
                let keys = s.keys.entry(project_id.to_string()).or_default();
                let at = keys
                    .iter()
                    .position(|k| k.id == key_id)
                    .ok_or_else(|| not_found("DELETE project key"))?;
                if keys[at].owner.kind.as_deref() == Some("service_account") {
                    return Err(ApiError::BadRequest {
                        endpoint: "DELETE project key".into(),
                        kind: Some("invalid_request_error".into()),
                        code: None,
                    });
                }
                keys.remove(at);
                Ok(deleted("organization.project.api_key.deleted", key_id))
            }),
        )
    }

    fn delete_admin_key(&self, key_id: &str) -> Traced<Deleted> {
        Traced::untraced(self.with(format!("delete_admin_key {key_id}"), |s| {
            let at = s
                .admin_keys
                .iter()
                .position(|k| k.id == key_id)
                .ok_or_else(|| not_found("DELETE admin key"))?;
            s.admin_keys.remove(at);
            Ok(deleted("organization.admin_api_key.deleted", key_id))
        }))
    }

    fn delete_service_account(
        &self,
        project_id: &str,
        service_account_id: &str,
    ) -> Traced<Deleted> {
        Traced::untraced(self.with(
            format!("delete_service_account {project_id} {service_account_id}"),
            |s| {
                let accounts = s
                    .service_accounts
                    .entry(project_id.to_string())
                    .or_default();
                let at = accounts
                    .iter()
                    .position(|a| a.id == service_account_id)
                    .ok_or_else(|| not_found("DELETE service account"))?;
                accounts.remove(at);
                if let Some(keys) = s.keys.get_mut(project_id) {
                    keys.retain(|k| {
                        k.owner.service_account.as_ref().map(|a| a.id.as_str())
                            != Some(service_account_id)
                    });
                }
                Ok(deleted(
                    "organization.project.service_account.deleted",
                    service_account_id,
                ))
            },
        ))
    }
}
