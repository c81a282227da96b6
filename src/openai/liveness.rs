//! Liveness: does a found key still work? Sends the found key to the API, so it runs only
//! when the user asks (`--verify-live`).
//!
//! Stage: I/O. `GET /models` with `Authorization: Bearer <found key>` and, to tell projects
//! apart, `OpenAI-Project`. Never sends `OpenAI-Organization` (a mismatch would look like a
//! revoked key). The key is borrowed as a [`Secret`] and is never logged or returned.

use super::transport::{ClientOptions, Transport};
use crate::secret::Secret;
use serde::Serialize;
use ureq::http::Method;

/// What `GET /models` said of a found key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveStatus {
    /// 200, or 429 `insufficient_quota` (valid but out of credit).
    Live,
    /// 401 `invalid_api_key` (or another 401): revoked or never valid.
    Revoked,
    /// 401 `mismatched_project`: the key works, but not for the project asked about.
    MismatchedProject,
    /// Anything else (other 429s, 5xx, timeouts): nothing can be concluded.
    Unknown,
}

/// Checks a found key. Implemented over HTTP by [`HttpLiveness`], by fakes in tests.
pub trait LivenessCheck: Send + Sync {
    /// Calls the API with `key`; with `project`, asks as that project (`OpenAI-Project`).
    fn check(&self, key: &Secret, project: Option<&str>) -> LiveStatus;
}

/// [`LivenessCheck`] against the API base.
pub struct HttpLiveness {
    transport: Transport,
}

impl HttpLiveness {
    pub fn new(mut options: ClientOptions) -> HttpLiveness {
        options.organization = None;
        HttpLiveness {
            transport: Transport::new(options),
        }
    }

    /// HTTP attempts sent so far.
    pub fn requests(&self) -> u64 {
        self.transport.requests()
    }
}

impl LivenessCheck for HttpLiveness {
    fn check(&self, key: &Secret, project: Option<&str>) -> LiveStatus {
        let headers: Vec<(&str, &str)> = project
            .map(|p| vec![("OpenAI-Project", p)])
            .unwrap_or_default();
        match self.transport.call(Method::GET, "/models", key, &headers) {
            Ok(reply) => {
                let (_, code) = reply.error_fields();
                match (reply.status, code.as_deref()) {
                    (200, _) => LiveStatus::Live,
                    (429, Some("insufficient_quota")) => LiveStatus::Live,
                    (401, Some("mismatched_project")) => LiveStatus::MismatchedProject,
                    (401, Some("mismatched_organization")) => LiveStatus::Unknown,
                    (401, _) => LiveStatus::Revoked,
                    _ => LiveStatus::Unknown,
                }
            }
            Err(_) => LiveStatus::Unknown,
        }
    }
}
