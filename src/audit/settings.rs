//! `audit` arguments → checked settings: the connection (shared with `scan --cross-check`),
//! the thresholds, `--fail-on`, the output, "now", and the clean-up (`--revoke FLAG,...`
//! with the revocation options of `keyhound revoke`).
//!
//! Stage: configuration. Makes no request; errors are one line and never quote the admin key.
//! Every mistake that costs no secret to find (flag ids, `--yes` without `--audit-log`, a
//! revocation option without `--revoke`) is reported before the admin key is looked for; the
//! audit log is opened last, so that a usage error leaves no file behind.

use super::flags::{self, Flag, Thresholds};
use super::{DEFAULT_MAX_KEYS_PER_OWNER, DEFAULT_STALE_DAYS};
use crate::cli::{AuditArgs, AuditFormat};
use crate::config::connection::{self, Connection};
use crate::config::{clock, UsageError};
use crate::revoke::settings::{self as revoke_settings, RevokeSettings};
use std::path::PathBuf;

/// The longest `--stale-days` accepted (100 years).
pub const MAX_STALE_DAYS: u32 = 36_500;

/// Everything an audit needs, checked.
#[derive(Debug)]
pub struct AuditSettings {
    pub connection: Connection,
    pub format: AuditFormat,
    pub output: Option<PathBuf>,
    pub thresholds: Thresholds,
    /// The flags that make the exit code 1; empty: the exit code does not depend on flags.
    pub fail_on: Vec<Flag>,
    /// `--revoke FLAG,...`: the clean-up after the audit; `None` without it.
    pub cleanup: Option<CleanupSettings>,
}

/// What the clean-up revokes, and how (a dry run unless `--yes`).
#[derive(Debug)]
pub struct CleanupSettings {
    /// A key carrying at least one of these is planned; never empty.
    pub flags: Vec<Flag>,
    /// `--yes` (with its open audit log), `--delete-service-accounts`.
    pub revoke: RevokeSettings,
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
    let fail_on = flags::parse_ids(&args.fail_on, "--fail-on").map_err(UsageError)?;
    let clean = &args.cleanup;
    let revoke = flags::parse_ids(&clean.revoke, "--revoke").map_err(UsageError)?;
    if revoke.is_empty() {
        if let Some(flag) = revoke_settings::first_given(&clean.options) {
            return Err(UsageError(format!("{flag} needs --revoke FLAG,...")));
        }
    } else {
        revoke_settings::require_audit_log(&clean.options)?;
    }
    let now = clock::now(env)?;
    let connection = connection::from_args(&args.api, "audit", env)?;
    let cleanup = if revoke.is_empty() {
        None
    } else {
        Some(CleanupSettings {
            flags: revoke,
            revoke: revoke_settings::from_options(&clean.options)?,
        })
    };
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
        cleanup,
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

    #[test]
    fn revoke_takes_flag_ids_and_is_a_dry_run_unless_yes() {
        assert!(from_args(&parse(&[]), &env).unwrap().cleanup.is_none());
        let args = parse(&["--revoke", "stale,orphaned", "--revoke", "stale"]);
        let c = from_args(&args, &env).unwrap().cleanup.unwrap();
        assert_eq!(c.flags, vec![Flag::Stale, Flag::Orphaned]);
        assert!(c.revoke.execute.is_none() && !c.revoke.delete_service_accounts);
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("audit.jsonl");
        let args = parse(&[
            "--revoke",
            "admin-stale",
            "--yes",
            "--audit-log",
            log.to_str().unwrap(),
            "--delete-service-accounts",
        ]);
        let c = from_args(&args, &env).unwrap().cleanup.unwrap();
        assert_eq!(c.revoke.execute.unwrap().path(), log);
        assert!(c.revoke.delete_service_accounts);
    }

    #[test]
    fn clean_up_mistakes_are_usage_errors_found_before_the_admin_key() {
        let no_key = |name: &str| (name == "KEYHOUND_NOW").then(|| "1719187200".to_string());
        let err = |argv: &[&str]| from_args(&parse(argv), &no_key).unwrap_err().0;
        assert!(
            err(&["--revoke", "stale,rotten"]).starts_with("unknown flag \"rotten\" for --revoke")
        );
        assert!(err(&["--revoke", "stale", "--yes"]).starts_with("--yes needs --audit-log FILE"));
        assert_eq!(err(&["--yes"]), "--yes needs --revoke FLAG,...");
        assert_eq!(
            err(&["--audit-log", "a.jsonl"]),
            "--audit-log needs --revoke FLAG,..."
        );
        assert_eq!(
            err(&["--delete-service-accounts"]),
            "--delete-service-accounts needs --revoke FLAG,..."
        );
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("audit.jsonl");
        let e = err(&[
            "--revoke",
            "stale",
            "--yes",
            "--audit-log",
            log.to_str().unwrap(),
        ]);
        assert!(
            e.starts_with("audit needs the organization's admin key"),
            "{e}"
        );
        assert!(
            !log.exists(),
            "no audit log is created before the settings are all good"
        );
    }
}
