//! What one Admin API call left behind besides its result: the status of the last reply and
//! its `x-request-id`, so that an audit log can name the exact request OpenAI answered.
//!
//! Stage: none (data). Holds no header other than the request id the server chose, and never
//! a key.

use super::error::ApiError;

/// The last reply a call received: its HTTP status and `x-request-id` (`None` when no reply
/// came, or the server sent no id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub status: Option<u16>,
    pub request_id: Option<String>,
}

/// A call's result and its [`Trace`].
#[derive(Debug, Clone)]
pub struct Traced<T> {
    pub result: Result<T, ApiError>,
    pub trace: Trace,
}

impl<T> Traced<T> {
    /// A result whose trace says only what the result itself tells (no request id): for
    /// implementations that have no wire, such as the in-memory fake.
    pub fn untraced(result: Result<T, ApiError>) -> Traced<T> {
        let status = match &result {
            Ok(_) => Some(200),
            Err(e) => e.status(),
        };
        Traced {
            result,
            trace: Trace {
                status,
                request_id: None,
            },
        }
    }
}
