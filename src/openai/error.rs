//! The Admin API client's typed error.
//!
//! Stage: none (data). Every variant names the endpoint (`METHOD /path`, never a query value
//! or a header) and carries only status codes and the API's machine-readable `type`/`code`:
//! never a key, never the API's free-text message.

use std::fmt;

/// What an Admin API (or liveness) request ended with, when it did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401 or 403: the admin key is wrong, revoked, or lacks a permission.
    #[error(
        "{endpoint}: the admin key was rejected ({status}{}): wrong or insufficient admin key",
        detail(kind, code)
    )]
    AuthRejected {
        endpoint: String,
        status: u16,
        kind: Option<String>,
        code: Option<String>,
    },
    /// 404: the object does not exist (for a DELETE: it is already gone).
    #[error("{endpoint}: not found (404)")]
    NotFound { endpoint: String },
    /// 400: the API refused the request (e.g. deleting a service account's key).
    #[error("{endpoint}: bad request (400{})", detail(kind, code))]
    BadRequest {
        endpoint: String,
        kind: Option<String>,
        code: Option<String>,
    },
    /// A 3xx: redirects are never followed, so that the admin key cannot reach another host.
    #[error("{endpoint}: redirected ({status}); keyhound does not follow redirects")]
    Redirected { endpoint: String, status: u16 },
    /// Any other status that is not retried (or a 2xx other than 200).
    #[error("{endpoint}: unexpected status {status}")]
    Status { endpoint: String, status: u16 },
    /// The body was not the JSON the spec describes.
    #[error("{endpoint}: malformed response: {reason}")]
    Malformed { endpoint: String, reason: String },
    /// The request did not complete within the timeout.
    #[error("{endpoint}: timed out")]
    Timeout { endpoint: String },
    /// The connection failed (DNS, TCP, TLS, I/O).
    #[error("{endpoint}: {reason}")]
    Transport { endpoint: String, reason: String },
    /// A retryable failure (408, 409, 429, 5xx, timeout, transport) persisted.
    #[error("{endpoint}: gave up after {attempts} attempts; last: {last}")]
    RetriesExhausted {
        endpoint: String,
        attempts: u32,
        last: Box<ApiError>,
    },
}

impl ApiError {
    /// True for a rejected admin key: the cross-check stops, the command exits 2.
    pub fn is_auth(&self) -> bool {
        matches!(self, ApiError::AuthRejected { .. })
    }

    /// True for a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::NotFound { .. })
    }

    /// The HTTP status the error came with (the last one, after retries), when a reply came.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::AuthRejected { status, .. }
            | ApiError::Redirected { status, .. }
            | ApiError::Status { status, .. } => Some(*status),
            ApiError::NotFound { .. } => Some(404),
            ApiError::BadRequest { .. } => Some(400),
            ApiError::Malformed { .. } | ApiError::Timeout { .. } | ApiError::Transport { .. } => {
                None
            }
            ApiError::RetriesExhausted { last, .. } => last.status(),
        }
    }
}

/// ` type/code` when the API said either.
fn detail(kind: &Option<String>, code: &Option<String>) -> Detail {
    Detail(kind.clone(), code.clone())
}

struct Detail(Option<String>, Option<String>);

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = [&self.0, &self.1]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            Ok(())
        } else {
            write!(f, " {}", sanitize(&parts.join("/")))
        }
    }
}

/// Keeps an API-supplied token printable on one line and short.
pub(crate) fn sanitize(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_endpoint_and_the_api_code() {
        let e = ApiError::AuthRejected {
            endpoint: "GET /organization/projects".into(),
            status: 401,
            kind: Some("invalid_request_error".into()),
            code: Some("invalid_api_key".into()),
        };
        assert_eq!(
            e.to_string(),
            "GET /organization/projects: the admin key was rejected \
             (401 invalid_request_error/invalid_api_key): wrong or insufficient admin key"
        );
        let e = ApiError::BadRequest {
            endpoint: "DELETE /x".into(),
            kind: None,
            code: None,
        };
        assert_eq!(e.to_string(), "DELETE /x: bad request (400)");
    }
}
