//! `audit` arguments → checked settings: the connection (shared with `scan --cross-check`),
//! the thresholds, `--fail-on`, the output, and "now".
//!
//! Stage: configuration. Makes no request; errors are one line and never quote the admin key.

use super::flags::{self, Flag, Thresholds};
use super::{DEFAULT_MAX_KEYS_PER_OWNER, DEFAULT_STALE_DAYS};
use crate::cli::{AuditArgs, AuditFormat};
use crate::config::connection::{self, Connection};
use crate::config::{clock, UsageError};
use std::path::PathBuf;

/// The longest `--stale-days` accepted (100 years).
pub const MAX_STALE_DAYS: u32 = 36_500;

/// Everything an audit needs, checked.
#[derive(Debug, Clone)]
pub struct AuditSettings {
    pub connection: Connection,
    pub format: AuditFormat,
    pub output: Option<PathBuf>,
    pub thresholds: Thresholds,
    /// The flags that make the exit code 1; empty: the exit code does not depend on flags.
    pub fail_on: Vec<Flag>,
}

/// The settings for `args`. `env` reads an environment variable (injected for tests).
pub fn from_args(
    args: &AuditArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<AuditSettings, UsageError> {
    let stale_days = args.stale_days.unwrap_or(DEFAULT_STALE_DAYS);
    if !(1..=MAX_STALE_DAYS).contains(&stale_days) {
        return Err(UsageError(format!(
            "--stale-days must be between 1 and {MAX_STALE_DAYS}"
        )));
    }
    let max_keys_per_owner = args
        .max_keys_per_owner
        .unwrap_or(DEFAULT_MAX_KEYS_PER_OWNER);
    if max_keys_per_owner == 0 {
        return Err(UsageError("--max-keys-per-owner must be at least 1".into()));
    }
    let fail_on = flags::parse_ids(&args.fail_on).map_err(UsageError)?;
    let now = clock::now(env)?;
    let connection = connection::from_args(&args.api, "audit", env)?;
    Ok(AuditSettings {
        connection,
        format: args.format,
        output: args.output.clone(),
        thresholds: Thresholds {
            now,
            stale_days,
            max_keys_per_owner,
        },
        fail_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(argv: &[&str]) -> AuditArgs {
        let mut full = vec!["keyhound", "audit"];
        full.extend_from_slice(argv);
        match crate::cli::Cli::parse_from(full).command {
            crate::cli::Command::Audit(a) => *a,
            _ => unreachable!(),
        }
    }

    fn env(name: &str) -> Option<String> {
        match name {
            "OPENAI_ADMIN_KEY" => Some("sk-admin-test".into()),
            "KEYHOUND_NOW" => Some("2024-06-24T00:00:00Z".into()),
            _ => None,
        }
    }

    #[test]
    fn defaults_and_the_shared_connection_options_apply() {
        let s = from_args(&parse(&[]), &env).unwrap();
        assert_eq!(s.thresholds.stale_days, 90);
        assert_eq!(s.thresholds.max_keys_per_owner, 10);
        assert_eq!(s.thresholds.now, 1_719_187_200);
        assert!(s.fail_on.is_empty());
        assert_eq!(s.connection.client.concurrency, 4);
        assert_eq!(s.connection.admin_key.expose(), "sk-admin-test");
        let args = parse(&[
            "--api-concurrency",
            "16",
            "--api-base",
            "http://127.0.0.1:9/v1",
            "--fail-on",
            "stale,orphaned",
            "--fail-on",
            "admin-no-expiry",
        ]);
        let s = from_args(&args, &env).unwrap();
        assert_eq!(s.connection.client.concurrency, 16);
        assert_eq!(s.connection.client.base.as_str(), "http://127.0.0.1:9/v1");
        assert_eq!(
            s.fail_on,
            vec![Flag::Stale, Flag::Orphaned, Flag::AdminNoExpiry]
        );
    }

    #[test]
    fn bad_values_are_one_line_usage_errors() {
        let err = |argv: &[&str]| from_args(&parse(argv), &env).unwrap_err().0;
        assert!(err(&["--fail-on", "stale,rotten"]).starts_with("unknown flag \"rotten\""));
        assert_eq!(
            err(&["--stale-days", "0"]),
            "--stale-days must be between 1 and 36500"
        );
        assert_eq!(
            err(&["--max-keys-per-owner", "0"]),
            "--max-keys-per-owner must be at least 1"
        );
        assert!(err(&["--api-base", "http://api.example.com/v1"]).contains("not loopback"));
        let no_key = |name: &str| (name == "KEYHOUND_NOW").then(|| "1719187200".to_string());
        let e = from_args(&parse(&[]), &no_key).unwrap_err().0;
        assert!(
            e.starts_with("audit needs the organization's admin key"),
            "{e}"
        );
    }
}
