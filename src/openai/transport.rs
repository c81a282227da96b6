//! The one place keyhound speaks HTTP: send a request, retry it, log it.
//!
//! Stage: I/O. Blocking `ureq` over rustls. Redirects are never followed (a 3xx is returned
//! to the caller as it is), so a bearer key only ever reaches the configured base; the
//! `Authorization` header is marked sensitive; an environment proxy is used only for an
//! `https://` base, through a CONNECT tunnel that the proxy cannot read. The verbose log line
//! holds the method, path, status, `x-request-id` and attempt: never a header value.

use super::base::ApiBase;
use super::error::{sanitize, ApiError};
use super::models::ErrorResponse;
use super::retry::{is_retryable_status, RetryPolicy};
use super::trace::Trace;
use crate::secret::Secret;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use ureq::http::{HeaderValue, Method};

/// Where verbose request lines go (stderr in the CLI, a buffer in tests).
pub type RequestLog = Arc<dyn Fn(&str) + Send + Sync>;

/// How the HTTP client behaves. [`ClientOptions::default`] holds the documented defaults.
#[derive(Clone)]
pub struct ClientOptions {
    pub base: ApiBase,
    /// Sent as `OpenAI-Organization` on Admin API requests when set; never otherwise.
    pub organization: Option<String>,
    /// The whole-request timeout (connect, send, receive).
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// How many requests may run at once (sizes the connection pool).
    pub concurrency: usize,
    /// Receives one line per attempt when set (`-v`).
    pub log: Option<RequestLog>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            base: ApiBase::default(),
            organization: None,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            concurrency: 4,
            log: None,
        }
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base", &self.base)
            .field("organization", &self.organization)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("concurrency", &self.concurrency)
            .field("log", &self.log.is_some())
            .finish()
    }
}

/// A final answer: any status that is not retried (or no longer).
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    /// `x-request-id`, sanitized (it comes from the server).
    pub request_id: Option<String>,
}

impl Reply {
    /// The API's `error.type` and `error.code`, when the body is an error object and they
    /// are identifiers such as `invalid_api_key`. Anything else is dropped: these end up in
    /// error messages, and a server (or a gateway at the base) that echoes the bearer key
    /// there must not get it printed.
    pub fn error_fields(&self) -> (Option<String>, Option<String>) {
        let parsed: ErrorResponse = serde_json::from_slice(&self.body).unwrap_or_default();
        (
            parsed.error.kind.filter(|s| is_api_token(s)),
            parsed.error.code.filter(|s| is_api_token(s)),
        )
    }
}

/// An error `type` or `code` as the API writes them: lowercase letters, digits, `_`, `.`
/// and `-`, at most 64 characters. A key (mixed case, and longer) is none.
fn is_api_token(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-'))
}

/// The largest response body read (a page of 100 keys is ~40 KB).
const BODY_LIMIT: u64 = 64 << 20;

/// A pooled HTTP agent bound to one base URL.
pub(crate) struct Transport {
    agent: ureq::Agent,
    options: ClientOptions,
    /// The base's path (e.g. `/v1`), prefixed to logged paths.
    base_path: String,
    requests: AtomicU64,
}

impl Transport {
    pub fn new(options: ClientOptions) -> Transport {
        let pool = options.concurrency.max(1);
        let proxy = if options.base.is_https() {
            ureq::Proxy::try_from_env()
        } else {
            None
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(proxy)
            .timeout_global(Some(options.timeout))
            .max_idle_connections(pool * 2)
            .max_idle_connections_per_host(pool)
            .user_agent(concat!("keyhound/", env!("CARGO_PKG_VERSION")))
            .build();
        let base_path = options
            .base
            .as_str()
            .parse::<ureq::http::Uri>()
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default();
        Transport {
            agent: config.into(),
            options,
            base_path,
            requests: AtomicU64::new(0),
        }
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Attempts sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Sends `method path_and_query` with `bearer`, retrying what the policy retries. Returns
    /// the final reply whatever its status; `Err` only when no reply came or retries ran out.
    pub fn call(
        &self,
        method: Method,
        path_and_query: &str,
        bearer: &Secret,
        headers: &[(&str, &str)],
    ) -> Result<Reply, ApiError> {
        self.call_traced(method, path_and_query, bearer, headers).0
    }

    /// [`Transport::call`], with the status and `x-request-id` of the last reply received
    /// (also when retries ran out), for audit logs.
    pub fn call_traced(
        &self,
        method: Method,
        path_and_query: &str,
        bearer: &Secret,
        headers: &[(&str, &str)],
    ) -> (Result<Reply, ApiError>, Trace) {
        let endpoint = endpoint_of(&method, path_and_query);
        let policy = &self.options.retry;
        let mut attempt = 0u32;
        let mut trace = Trace::default();
        loop {
            attempt += 1;
            let outcome = self.attempt(&method, path_and_query, bearer, headers, attempt);
            let last_try = attempt > policy.max_retries;
            let delay = match outcome {
                Attempt::Final(reply) => {
                    let trace = Trace {
                        status: Some(reply.status),
                        request_id: reply.request_id.clone(),
                    };
                    return (Ok(reply), trace);
                }
                Attempt::Retry {
                    error,
                    retry_after_ms,
                    retry_after,
                    trace: seen,
                } => {
                    if let Some(seen) = seen {
                        trace = seen;
                    }
                    if last_try {
                        let error = ApiError::RetriesExhausted {
                            endpoint,
                            attempts: attempt,
                            last: Box::new(error),
                        };
                        return (Err(error), trace);
                    }
                    policy.delay(
                        attempt - 1,
                        retry_after_ms.as_deref(),
                        retry_after.as_deref(),
                    )
                }
                Attempt::Fatal(error) => return (Err(error), trace),
            };
            std::thread::sleep(delay);
        }
    }

    fn attempt(
        &self,
        method: &Method,
        path_and_query: &str,
        bearer: &Secret,
        headers: &[(&str, &str)],
        attempt: u32,
    ) -> Attempt {
        let endpoint = endpoint_of(method, path_and_query);
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut auth = match HeaderValue::from_str(&format!("Bearer {}", bearer.expose())) {
            Ok(v) => v,
            Err(_) => {
                return Attempt::Fatal(ApiError::Transport {
                    endpoint,
                    reason: "the key holds characters that cannot be sent in a header".into(),
                })
            }
        };
        auth.set_sensitive(true);
        let mut request = ureq::http::Request::builder()
            .method(method.clone())
            .uri(self.options.base.join(path_and_query))
            .header("Authorization", auth)
            .header("Accept", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = match request.body(()) {
            Ok(r) => r,
            Err(_) => {
                return Attempt::Fatal(ApiError::Transport {
                    endpoint,
                    reason: "invalid request (a header or path could not be encoded)".into(),
                })
            }
        };
        let shown = format!("{method} {}{path_and_query}", self.base_path);
        match self.agent.run(request) {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                let request_id = header("x-request-id").map(|id| sanitize(&id));
                let retry_after_ms = header("retry-after-ms");
                let retry_after = header("retry-after");
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(BODY_LIMIT)
                    .read_to_vec();
                self.log(&shown, &status.to_string(), request_id.as_deref(), attempt);
                let seen = Some(Trace {
                    status: Some(status),
                    request_id: request_id.clone(),
                });
                let body = match body {
                    Ok(b) => b,
                    Err(e) => {
                        return Attempt::Retry {
                            error: transport_error(endpoint, e),
                            retry_after_ms: None,
                            retry_after: None,
                            trace: seen,
                        }
                    }
                };
                let reply = Reply {
                    status,
                    body,
                    request_id,
                };
                if is_retryable_status(status) && !out_of_quota(&reply) {
                    Attempt::Retry {
                        error: ApiError::Status { endpoint, status },
                        retry_after_ms,
                        retry_after,
                        trace: seen,
                    }
                } else {
                    Attempt::Final(reply)
                }
            }
            Err(e) => {
                let error = transport_error(endpoint, e);
                self.log(&shown, &format!("failed ({error})"), None, attempt);
                Attempt::Retry {
                    error,
                    retry_after_ms: None,
                    retry_after: None,
                    trace: None,
                }
            }
        }
    }

    fn log(&self, shown: &str, status: &str, request_id: Option<&str>, attempt: u32) {
        if let Some(log) = &self.options.log {
            let id = request_id.unwrap_or("-");
            log(&format!(
                "keyhound: api: {shown} -> {status} (x-request-id {id}, attempt {attempt})"
            ));
        }
    }
}

enum Attempt {
    Final(Reply),
    Retry {
        error: ApiError,
        retry_after_ms: Option<String>,
        retry_after: Option<String>,
        /// The reply's status and request id, when a reply came.
        trace: Option<Trace>,
    },
    Fatal(ApiError),
}

/// A 429 that says the key is out of credit is an answer, not a rate limit.
fn out_of_quota(reply: &Reply) -> bool {
    reply.status == 429 && reply.error_fields().1.as_deref() == Some("insufficient_quota")
}

/// `GET /organization/projects`: the method and the path without its query.
pub(crate) fn endpoint_of(method: &Method, path_and_query: &str) -> String {
    let path = path_and_query.split('?').next().unwrap_or(path_and_query);
    format!("{method} {path}")
}

fn transport_error(endpoint: String, e: ureq::Error) -> ApiError {
    match e {
        ureq::Error::Timeout(_) => ApiError::Timeout { endpoint },
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            ApiError::Timeout { endpoint }
        }
        other => ApiError::Transport {
            endpoint,
            reason: sanitize(&other.to_string()),
        },
    }
}

/// Percent-encodes one path segment (an id from a listing), so that it cannot change the path.
pub(crate) fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for &b in id.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
