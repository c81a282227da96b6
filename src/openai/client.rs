//! The Admin API over HTTP: [`HttpAdminApi`] implements [`AdminApi`].
//!
//! Stage: I/O. Every list follows `after` until `has_more` is false; statuses become typed
//! [`ApiError`]s; bodies are parsed into the spec's models. The admin key lives in a
//! [`Secret`] and leaves the process only in the (sensitive) `Authorization` header.

use super::error::ApiError;
use super::models::{
    AdminApiKey, Deleted, ListPage, Project, ProjectApiKey, ProjectServiceAccount,
};
use super::trace::Traced;
use super::transport::{endpoint_of, segment, ClientOptions, Reply, Transport};
use super::AdminApi;
use crate::secret::Secret;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use ureq::http::Method;

/// The page size asked for (the spec's maximum for projects and project keys).
pub const PAGE_LIMIT: u32 = 100;
/// A listing longer than this many pages is treated as a server fault (a cursor loop).
const MAX_PAGES: usize = 100_000;

/// The Admin API client.
pub struct HttpAdminApi {
    transport: Transport,
    admin_key: Secret,
}

impl HttpAdminApi {
    /// A client that authenticates with `admin_key` against `options.base`.
    pub fn new(admin_key: Secret, options: ClientOptions) -> HttpAdminApi {
        HttpAdminApi {
            transport: Transport::new(options),
            admin_key,
        }
    }

    /// HTTP attempts sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.transport.requests()
    }

    fn fetch<T: DeserializeOwned>(
        &self,
        method: Method,
        path_and_query: &str,
    ) -> Result<T, ApiError> {
        self.fetch_traced(method, path_and_query).result
    }

    /// One request: the parsed body of a 2xx, else a typed error; with the last reply's trace.
    fn fetch_traced<T: DeserializeOwned>(&self, method: Method, path_and_query: &str) -> Traced<T> {
        let org = self.transport.options().organization.clone();
        let headers: Vec<(&str, &str)> = org
            .as_deref()
            .map(|o| vec![("OpenAI-Organization", o)])
            .unwrap_or_default();
        let endpoint = endpoint_of(&method, path_and_query);
        let (reply, trace) =
            self.transport
                .call_traced(method, path_and_query, &self.admin_key, &headers);
        let result = reply
            .and_then(|reply| check_status(&endpoint, reply))
            .and_then(|reply| parse(&endpoint, &reply.body));
        Traced { result, trace }
    }

    /// Every item of a paginated list at `path`, following `after` until `has_more` is false.
    fn list_all<T: DeserializeOwned>(&self, path: &str, query: &str) -> Result<Vec<T>, ApiError> {
        let endpoint = format!("GET {path}");
        let mut items = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = format!("{path}?limit={PAGE_LIMIT}{query}");
            if let Some(cursor) = &after {
                url.push_str("&after=");
                url.push_str(&segment(cursor));
            }
            let page: ListPage<T> = self.fetch(Method::GET, &url)?;
            items.extend(page.data);
            if !page.has_more {
                return Ok(items);
            }
            let next = page.last_id.ok_or_else(|| ApiError::Malformed {
                endpoint: endpoint.clone(),
                reason: "has_more is true but last_id is missing".into(),
            })?;
            if after.as_deref() == Some(next.as_str()) {
                return Err(ApiError::Malformed {
                    endpoint,
                    reason: "pagination did not advance (the same last_id twice)".into(),
                });
            }
            after = Some(next);
        }
        Err(ApiError::Malformed {
            endpoint,
            reason: format!("more than {MAX_PAGES} pages"),
        })
    }
}

impl AdminApi for HttpAdminApi {
    fn list_projects(&self) -> Result<Vec<Project>, ApiError> {
        self.list_all("/organization/projects", "&include_archived=true")
    }

    fn list_project_keys(&self, project_id: &str) -> Result<Vec<ProjectApiKey>, ApiError> {
        let path = format!("/organization/projects/{}/api_keys", segment(project_id));
        self.list_all(&path, "&owner_project_access=any")
    }

    fn list_admin_keys(&self) -> Result<Vec<AdminApiKey>, ApiError> {
        let all: Vec<AdminApiKey> = self.list_all("/organization/admin_api_keys", "")?;
        let mut seen = HashSet::new();
        Ok(all
            .into_iter()
            .filter(|k| seen.insert(k.id.clone()))
            .collect())
    }

    fn list_service_accounts(
        &self,
        project_id: &str,
    ) -> Result<Vec<ProjectServiceAccount>, ApiError> {
        let path = format!(
            "/organization/projects/{}/service_accounts",
            segment(project_id)
        );
        self.list_all(&path, "")
    }

    fn get_project_key(&self, project_id: &str, key_id: &str) -> Traced<ProjectApiKey> {
        self.fetch_traced(Method::GET, &project_key_path(project_id, key_id))
    }

    fn get_admin_key(&self, key_id: &str) -> Traced<AdminApiKey> {
        self.fetch_traced(Method::GET, &admin_key_path(key_id))
    }

    fn get_service_account(
        &self,
        project_id: &str,
        service_account_id: &str,
    ) -> Traced<ProjectServiceAccount> {
        self.fetch_traced(
            Method::GET,
            &service_account_path(project_id, service_account_id),
        )
    }

    fn delete_project_key(&self, project_id: &str, key_id: &str) -> Traced<Deleted> {
        self.fetch_traced(Method::DELETE, &project_key_path(project_id, key_id))
    }

    fn delete_admin_key(&self, key_id: &str) -> Traced<Deleted> {
        self.fetch_traced(Method::DELETE, &admin_key_path(key_id))
    }

    fn delete_service_account(
        &self,
        project_id: &str,
        service_account_id: &str,
    ) -> Traced<Deleted> {
        self.fetch_traced(
            Method::DELETE,
            &service_account_path(project_id, service_account_id),
        )
    }
}

fn project_key_path(project_id: &str, key_id: &str) -> String {
    format!(
        "/organization/projects/{}/api_keys/{}",
        segment(project_id),
        segment(key_id)
    )
}

fn admin_key_path(key_id: &str) -> String {
    format!("/organization/admin_api_keys/{}", segment(key_id))
}

fn service_account_path(project_id: &str, service_account_id: &str) -> String {
    format!(
        "/organization/projects/{}/service_accounts/{}",
        segment(project_id),
        segment(service_account_id)
    )
}

/// Maps a final reply's status to success (200–299) or a typed error.
fn check_status(endpoint: &str, reply: Reply) -> Result<Reply, ApiError> {
    let endpoint = endpoint.to_string();
    match reply.status {
        200..=299 => Ok(reply),
        300..=399 => Err(ApiError::Redirected {
            endpoint,
            status: reply.status,
        }),
        401 | 403 => {
            let (kind, code) = reply.error_fields();
            Err(ApiError::AuthRejected {
                endpoint,
                status: reply.status,
                kind,
                code,
            })
        }
        400 => {
            let (kind, code) = reply.error_fields();
            Err(ApiError::BadRequest {
                endpoint,
                kind,
                code,
            })
        }
        404 => Err(ApiError::NotFound { endpoint }),
        status => Err(ApiError::Status { endpoint, status }),
    }
}

/// Parses a body; the error says where in it parsing failed, never what the body held.
pub(crate) fn parse<T: DeserializeOwned>(endpoint: &str, body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::Malformed {
        endpoint: endpoint.to_string(),
        reason: format!(
            "{} error at line {} column {}",
            match e.classify() {
                serde_json::error::Category::Io => "read",
                serde_json::error::Category::Syntax => "JSON syntax",
                serde_json::error::Category::Data => "unexpected data",
                serde_json::error::Category::Eof => "truncated JSON",
            },
            e.line(),
            e.column()
        ),
    })
}

#[cfg(test)]
mod single_tests;
#[cfg(test)]
mod tests;
