//! A mock of OpenAI's Admin API on 127.0.0.1, for tests and benchmarks. The CLI never uses it.
//!
//! Stage: test aid. A stateful HTTP/1.1 server (std `TcpListener`, a thread per connection)
//! that follows the spec excerpt in `openai-admin-api/`: projects (archived ones only with
//! `include_archived=true`), project keys (`owner_project_access`), admin keys, service
//! accounts, one of each by id, the three DELETEs (which change the state; deleting the admin
//! key in use makes every later request 401), `GET /models` for liveness,
//! pagination (`limit`, `after`, `has_more`, `first_id`, `last_id`), 401 for a wrong admin
//! key, and faults injected per path (429 with `Retry-After` or `retry-after-ms`, 5xx,
//! malformed bodies, slow answers, redirects, dropped connections) plus a fixed latency. It
//! records every request (method, path, query, headers without `Authorization`).
//!
//! ```no_run
//! use keyhound::mock::{MockServer, Org, OrgSpec};
//! let server = MockServer::start(Org::generate(&OrgSpec::default())).unwrap();
//! let base = server.base_url(); // http://127.0.0.1:PORT/v1
//! # drop(base);
//! ```

pub mod http;
pub mod org;
pub mod routes;
#[cfg(test)]
mod tests;

pub use org::{MockKey, MockOwner, MockProject, MockServiceAccount, Org, OrgSpec, Redaction};

use http::{Connection, Request, Response};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 with these headers (either may be absent).
    RateLimit {
        retry_after: Option<String>,
        retry_after_ms: Option<String>,
    },
    /// This status, with a spec-shaped error body.
    Status(u16),
    /// This status with a `retry-after-ms` header, so that a client's retries of it are quick.
    StatusRetryAfterMs { status: u16, retry_after_ms: String },
    /// 200 with a body that is not the expected JSON.
    Malformed,
    /// Answer normally, but only after this long.
    Delay(Duration),
    /// A redirect to `location`.
    Redirect { status: u16, location: String },
    /// Close the connection without answering.
    Close,
}

/// A fault for requests to one path (`*` at the end: a prefix), `times` times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `None`: any method.
    pub method: Option<String>,
    /// The path, base included (`/v1/organization/projects`); a trailing `*` matches a prefix.
    pub path: String,
    pub times: usize,
    pub kind: FaultKind,
}

impl Fault {
    /// `kind` for the next `times` requests to `path`, whatever their method.
    pub fn new(path: &str, times: usize, kind: FaultKind) -> Fault {
        Fault {
            method: None,
            path: path.to_string(),
            times,
            kind,
        }
    }

    /// The same fault, for requests with this method only (`DELETE`, so that the GET that
    /// re-confirms a key is answered normally).
    pub fn only(mut self, method: &str) -> Fault {
        self.method = Some(method.to_string());
        self
    }

    fn matches(&self, req: &Request) -> bool {
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => req.path.starts_with(prefix),
            None => req.path == self.path,
        };
        path_ok && self.method.as_deref().is_none_or(|m| m == req.method)
    }
}

/// A request as the mock received it. `Authorization` is never recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    /// Lowercase names, in the order sent, `authorization` left out.
    pub headers: Vec<(String, String)>,
    /// The status answered (0 when the connection was closed instead).
    pub status: u16,
}

impl LoggedRequest {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Shared {
    org: Mutex<Org>,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<LoggedRequest>>,
    latency: Mutex<Duration>,
    counter: AtomicU64,
    stop: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running mock. Stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts serving `org` on an ephemeral port of 127.0.0.1.
    pub fn start(org: Org) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            org: Mutex::new(org),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            latency: Mutex::new(Duration::ZERO),
            counter: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        });
        let for_thread = shared.clone();
        let accept = std::thread::Builder::new()
            .name("mock-accept".into())
            .spawn(move || accept_loop(listener, for_thread))?;
        Ok(MockServer {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT/v1`: the value for `--api-base`.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, routes::BASE_PATH)
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Adds a fault; faults are tried in the order added.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Delays every answer by `latency` (as a remote API would).
    pub fn set_latency(&self, latency: Duration) {
        *lock(&self.shared.latency) = latency;
    }

    /// Reads or changes the organization.
    pub fn with_org<T>(&self, f: impl FnOnce(&mut Org) -> T) -> T {
        f(&mut lock(&self.shared.org))
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        let _ = std::thread::Builder::new()
            .name("mock-conn".into())
            .spawn(move || serve(stream, shared));
    }
}

fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let _ = stream.set_nodelay(true);
    let mut conn = Connection::new(stream);
    let stop = || shared.stop.load(Ordering::SeqCst);
    while let Ok(Some(req)) = conn.next(&stop) {
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let answer = answer(&shared, &req);
        let status = answer.as_ref().map_or(0, |r| r.status);
        lock(&shared.log).push(LoggedRequest {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            headers: req
                .headers
                .iter()
                .filter(|(n, _)| n != "authorization")
                .cloned()
                .collect(),
            status,
        });
        let Some(response) = answer else { return };
        if conn.write(&response, close).is_err() || close {
            return;
        }
    }
}

/// The response to `req` (after the latency and any fault), or `None` to close.
fn answer(shared: &Shared, req: &Request) -> Option<Response> {
    let latency = *lock(&shared.latency);
    if !latency.is_zero() {
        std::thread::sleep(latency);
    }
    let fault = {
        let mut faults = lock(&shared.faults);
        let found = faults.iter().position(|f| f.times > 0 && f.matches(req));
        found.map(|i| {
            faults[i].times -= 1;
            faults[i].kind.clone()
        })
    };
    let id = shared.counter.fetch_add(1, Ordering::Relaxed) + 1;
    let response = match fault {
        Some(FaultKind::Close) => return None,
        Some(FaultKind::RateLimit {
            retry_after,
            retry_after_ms,
        }) => {
            let mut r = routes::error(
                429,
                "Rate limit reached for requests.",
                "requests",
                Some("rate_limit_exceeded"),
            );
            if let Some(v) = retry_after {
                r = r.with_header("Retry-After", &v);
            }
            if let Some(v) = retry_after_ms {
                r = r.with_header("retry-after-ms", &v);
            }
            r
        }
        Some(FaultKind::Status(status)) => {
            routes::error(status, "The server had an error.", "server_error", None)
        }
        Some(FaultKind::StatusRetryAfterMs {
            status,
            retry_after_ms,
        }) => routes::error(status, "The server had an error.", "server_error", None)
            .with_header("retry-after-ms", &retry_after_ms),
        Some(FaultKind::Malformed) => Response {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: br#"{"object":"list","data":[{"id": 12,"#.to_vec(),
        },
        Some(FaultKind::Redirect { status, location }) => Response {
            status,
            headers: vec![("Location".into(), location)],
            body: Vec::new(),
        },
        Some(FaultKind::Delay(d)) => {
            std::thread::sleep(d);
            routes::route(&mut lock(&shared.org), req)
        }
        None => routes::route(&mut lock(&shared.org), req),
    };
    Some(response.with_header("x-request-id", &format!("req_{id:06}")))
}
