//! Admin API connection options → checked settings: the admin key, the API base, the
//! client's options. Shared by `scan --cross-check` and `audit`.
//!
//! Stage: configuration. The admin key comes from `--admin-key-file` or `OPENAI_ADMIN_KEY`,
//! never from argv, and is held in a [`Secret`]; the base from `--api-base`,
//! `KEYHOUND_API_BASE` or the default (`OPENAI_BASE_URL` is never read: an application's
//! proxy must not receive the admin key). Errors are one line and never quote the key. Makes
//! no request.

use super::UsageError;
use crate::cli::ApiArgs;
use crate::openai::{ApiBase, ClientOptions, RequestLog};
use crate::secret::Secret;
use std::io::Write;
use std::sync::Arc;

/// The environment variable holding the admin key.
pub const ADMIN_KEY_ENV: &str = "OPENAI_ADMIN_KEY";
/// The environment variable that can change the API base.
pub const API_BASE_ENV: &str = "KEYHOUND_API_BASE";
/// The most `--api-concurrency` accepts.
pub const MAX_CONCURRENCY: usize = 64;
/// `--api-concurrency` when it is not given.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// How to reach the Admin API, checked.
#[derive(Debug, Clone)]
pub struct Connection {
    pub admin_key: Secret,
    pub client: ClientOptions,
}

/// The first connection option given in `args`, as its flag (for "needs --cross-check").
pub fn first_given(args: &ApiArgs) -> Option<&'static str> {
    [
        (args.admin_key_file.is_some(), "--admin-key-file"),
        (args.api_base.is_some(), "--api-base"),
        (args.organization.is_some(), "--organization"),
        (args.api_concurrency.is_some(), "--api-concurrency"),
        (args.verbose, "--verbose"),
    ]
    .into_iter()
    .find(|(set, _)| *set)
    .map(|(_, flag)| flag)
}

/// Checks `args`. `needed_by` names what needs the admin key in the error that says it is
/// missing (`--cross-check`, `audit`); `env` reads an environment variable (injected for tests).
pub fn from_args(
    args: &ApiArgs,
    needed_by: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Connection, UsageError> {
    let admin_key = admin_key(args, needed_by, env)?;
    let base = match args
        .api_base
        .clone()
        .or_else(|| env(API_BASE_ENV).filter(|v| !v.trim().is_empty()))
    {
        Some(url) => ApiBase::parse(url.trim()).map_err(|e| UsageError(e.to_string()))?,
        None => ApiBase::default(),
    };
    let concurrency = args.api_concurrency.unwrap_or(DEFAULT_CONCURRENCY);
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        return Err(UsageError(format!(
            "--api-concurrency must be between 1 and {MAX_CONCURRENCY}"
        )));
    }
    if let Some(org) = &args.organization {
        if org.is_empty() || !org.chars().all(|c| c.is_ascii_graphic()) {
            return Err(UsageError(
                "--organization must be an organization id such as org-abc123".into(),
            ));
        }
    }
    let log: Option<RequestLog> = args.verbose.then(|| {
        // A log line must not stop the command: a closed stderr drops it (eprintln! would
        // panic).
        Arc::new(|line: &str| {
            let _ = writeln!(std::io::stderr(), "{line}");
        }) as RequestLog
    });
    Ok(Connection {
        admin_key,
        client: ClientOptions {
            base,
            organization: args.organization.clone(),
            concurrency,
            log,
            ..ClientOptions::default()
        },
    })
}

fn admin_key(
    args: &ApiArgs,
    needed_by: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Secret, UsageError> {
    let (value, source) = match &args.admin_key_file {
        Some(path) => {
            let limit = super::input::ADMIN_KEY_FILE_LIMIT;
            let text = super::input::read_bounded_text(path, limit).map_err(|e| {
                UsageError(format!(
                    "cannot read admin key file {}: {}",
                    path.display(),
                    crate::scan::walk::io_reason(&e)
                ))
            })?;
            (text, format!("admin key file {}", path.display()))
        }
        None => match env(ADMIN_KEY_ENV) {
            Some(v) => (v, ADMIN_KEY_ENV.to_string()),
            None => {
                return Err(UsageError(format!(
                    "{needed_by} needs the organization's admin key: set {ADMIN_KEY_ENV} or \
                     pass --admin-key-file FILE"
                )))
            }
        },
    };
    let key = value.trim();
    if key.is_empty() {
        return Err(UsageError(format!("{source} is empty")));
    }
    if !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(UsageError(format!(
            "{source} does not hold one admin key (it holds spaces, line breaks or \
             non-ASCII characters)"
        )));
    }
    Ok(Secret::new(key))
}
