//! Revocation arguments → checked settings, for `scan --revoke`, `keyhound revoke` and
//! `audit --revoke`.
//!
//! Stage: configuration. `--yes` needs `--audit-log` (and the log is opened here, so that a
//! bad path is a usage error before anything is scanned or deleted); `scan`'s revocation
//! flags need `--revoke`, and `--revoke` needs `--cross-check`. The admin key and the API
//! base follow the cross-check's rules (`crosscheck::settings`): never from argv, never
//! `OPENAI_BASE_URL`. Errors are one line and never quote a key.

use super::audit_log::{AuditLog, History};
use crate::cli::{RevokeArgs, RevokeFormat, RevokeOptions, ScanRevokeArgs};
use crate::config::UsageError;
use crate::openai::ClientOptions;
use crate::secret::Secret;
use std::path::PathBuf;

/// What a revocation may do.
#[derive(Debug)]
pub struct RevokeSettings {
    /// `--yes`: the plan is carried out, logged to this audit log. `None`: a dry run.
    pub execute: Option<AuditLog>,
    /// `--delete-service-accounts`.
    pub delete_service_accounts: bool,
    /// What `--audit-log` says earlier runs revoked (empty without it).
    pub history: History,
}

/// `--yes` without `--audit-log` is refused.
pub fn require_audit_log(options: &RevokeOptions) -> Result<(), UsageError> {
    if options.yes && options.audit_log.is_none() {
        return Err(UsageError(
            "--yes needs --audit-log FILE: every revocation is logged, one JSON line per action"
                .into(),
        ));
    }
    Ok(())
}

/// The settings of `options`.
pub fn from_options(options: &RevokeOptions) -> Result<RevokeSettings, UsageError> {
    require_audit_log(options)?;
    // Read first: a path that cannot be the audit log stops the run before it is opened.
    let history = match options.audit_log.as_deref() {
        Some(path) => History::read(path).map_err(UsageError)?,
        None => History::default(),
    };
    let execute = match (options.yes, &options.audit_log) {
        (true, Some(path)) => Some(AuditLog::open(path).map_err(|e| UsageError(e.to_string()))?),
        _ => None,
    };
    Ok(RevokeSettings {
        execute,
        delete_service_accounts: options.delete_service_accounts,
        history,
    })
}

/// The first revocation option given in `options`, as its flag (for "needs --revoke").
pub fn first_given(options: &RevokeOptions) -> Option<&'static str> {
    [
        (options.yes, "--yes"),
        (options.audit_log.is_some(), "--audit-log"),
        (options.delete_service_accounts, "--delete-service-accounts"),
    ]
    .into_iter()
    .find(|(set, _)| *set)
    .map(|(_, flag)| flag)
}

/// The settings of `scan`'s revocation flags, `None` without `--revoke`.
pub fn from_scan_args(
    args: &ScanRevokeArgs,
    cross_check: bool,
) -> Result<Option<RevokeSettings>, UsageError> {
    let o = &args.options;
    if !args.revoke {
        if let Some(flag) = first_given(o) {
            return Err(UsageError(format!("{flag} needs --revoke")));
        }
        return Ok(None);
    }
    if !cross_check {
        return Err(UsageError(
            "--revoke needs --cross-check (only keys the cross-check attributed can be revoked)"
                .into(),
        ));
    }
    from_options(o).map(Some)
}

/// Everything `keyhound revoke` needs, checked.
#[derive(Debug)]
pub struct RevokeConfig {
    pub sarif: PathBuf,
    pub settings: RevokeSettings,
    pub admin_key: Secret,
    pub client: ClientOptions,
    pub format: RevokeFormat,
    pub output: Option<PathBuf>,
    pub quiet: bool,
}

impl RevokeConfig {
    /// Checks `args`; `env` reads an environment variable (injected for tests).
    pub fn from_args(
        args: &RevokeArgs,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<RevokeConfig, UsageError> {
        // Usage mistakes in the revocation flags come first: they cost no secret to find.
        require_audit_log(&args.options)?;
        // The same checks as a cross-check's and an audit's: the admin key is handled alike.
        let checked = crate::config::connection::from_args(&args.api, "keyhound revoke", env)?;
        Ok(RevokeConfig {
            sarif: args.sarif.clone(),
            settings: from_options(&args.options)?,
            admin_key: checked.admin_key,
            client: checked.client,
            format: args.format,
            output: args.output.clone(),
            quiet: args.quiet,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn scan(argv: &[&str]) -> ScanRevokeArgs {
        let mut full = vec!["keyhound", "scan"];
        full.extend_from_slice(argv);
        match Cli::parse_from(full).command {
            Command::Scan(s) => s.revoke,
            _ => unreachable!(),
        }
    }

    fn revoke(argv: &[&str]) -> RevokeArgs {
        let mut full = vec!["keyhound", "revoke"];
        full.extend_from_slice(argv);
        match Cli::parse_from(full).command {
            Command::Revoke(r) => *r,
            _ => unreachable!(),
        }
    }

    #[test]
    fn revocation_flags_need_revoke_and_revoke_needs_cross_check() {
        assert!(from_scan_args(&scan(&[]), false).unwrap().is_none());
        let err = from_scan_args(&scan(&["--yes"]), true).unwrap_err();
        assert_eq!(err.0, "--yes needs --revoke");
        let err = from_scan_args(&scan(&["--delete-service-accounts"]), true).unwrap_err();
        assert_eq!(err.0, "--delete-service-accounts needs --revoke");
        let err = from_scan_args(&scan(&["--revoke"]), false).unwrap_err();
        assert!(
            err.0.starts_with("--revoke needs --cross-check"),
            "{}",
            err.0
        );
        let dry = from_scan_args(&scan(&["--revoke"]), true).unwrap().unwrap();
        assert!(dry.execute.is_none() && !dry.delete_service_accounts);
    }

    #[test]
    fn yes_needs_an_audit_log_that_can_be_opened() {
        let err = from_scan_args(&scan(&["--revoke", "--yes"]), true).unwrap_err();
        assert!(
            err.0.starts_with("--yes needs --audit-log FILE"),
            "{}",
            err.0
        );
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("missing/audit.jsonl");
        let args = scan(&["--revoke", "--yes", "--audit-log", bad.to_str().unwrap()]);
        let err = from_scan_args(&args, true).unwrap_err();
        assert!(err.0.starts_with("cannot open audit log"), "{}", err.0);
        let good = dir.path().join("audit.jsonl");
        let args = scan(&["--revoke", "--yes", "--audit-log", good.to_str().unwrap()]);
        let s = from_scan_args(&args, true).unwrap().unwrap();
        assert_eq!(s.execute.unwrap().path(), good);
    }

    #[test]
    fn revoke_checks_its_flags_before_it_looks_for_the_admin_key() {
        let none = |_: &str| None;
        let err = RevokeConfig::from_args(&revoke(&["--sarif", "x", "--yes"]), &none).unwrap_err();
        assert!(
            err.0.starts_with("--yes needs --audit-log FILE"),
            "{}",
            err.0
        );
        let err = RevokeConfig::from_args(&revoke(&["--sarif", "x"]), &none).unwrap_err();
        assert!(err.0.contains("set OPENAI_ADMIN_KEY"), "{}", err.0);
        let env = |name: &str| (name == "OPENAI_ADMIN_KEY").then(|| "k".to_string());
        let c = RevokeConfig::from_args(&revoke(&["--sarif", "x"]), &env).unwrap();
        assert_eq!(c.admin_key.expose(), "k");
        assert!(c.settings.execute.is_none());
        assert_eq!(c.format, RevokeFormat::Human);
    }
}
