//! `--cross-check` arguments → checked settings: the admin key, the API base, the client's
//! options.
//!
//! Stage: configuration. The admin key comes from `--admin-key-file` or `OPENAI_ADMIN_KEY`,
//! never from argv, and is held in a [`Secret`]; the base from `--api-base`,
//! `KEYHOUND_API_BASE` or the default (`OPENAI_BASE_URL` is never read: an application's
//! proxy must not receive the admin key). Errors are one line and never quote the key.

use crate::cli::{CrossCheckArgs, FailOn};
use crate::config::UsageError;
use crate::openai::{ApiBase, ClientOptions, RequestLog};
use crate::secret::Secret;
use std::sync::Arc;

/// The environment variable holding the admin key.
pub const ADMIN_KEY_ENV: &str = "OPENAI_ADMIN_KEY";
/// The environment variable that can change the API base.
pub const API_BASE_ENV: &str = "KEYHOUND_API_BASE";
/// The most `--api-concurrency` accepts.
pub const MAX_CONCURRENCY: usize = 64;

/// Everything a cross-check needs, checked.
#[derive(Debug, Clone)]
pub struct CrossCheckSettings {
    pub admin_key: Secret,
    pub client: ClientOptions,
    /// Send each found key to `GET /models` (opt-in).
    pub verify_live: bool,
    pub fail_on: FailOn,
}

/// The settings for `args`, `None` without `--cross-check`. `env` reads an environment
/// variable (injected for tests).
pub fn from_args(
    args: &CrossCheckArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<CrossCheckSettings>, UsageError> {
    if !args.cross_check {
        let stray = [
            (args.admin_key_file.is_some(), "--admin-key-file"),
            (args.api_base.is_some(), "--api-base"),
            (args.organization.is_some(), "--organization"),
            (args.api_concurrency.is_some(), "--api-concurrency"),
            (args.verify_live, "--verify-live"),
            (args.fail_on.is_some(), "--fail-on"),
            (args.verbose, "--verbose"),
        ];
        if let Some((_, flag)) = stray.iter().find(|(set, _)| *set) {
            return Err(UsageError(format!("{flag} needs --cross-check")));
        }
        return Ok(None);
    }
    let admin_key = admin_key(args, env)?;
    let base = match args
        .api_base
        .clone()
        .or_else(|| env(API_BASE_ENV).filter(|v| !v.trim().is_empty()))
    {
        Some(url) => ApiBase::parse(url.trim()).map_err(|e| UsageError(e.to_string()))?,
        None => ApiBase::default(),
    };
    let concurrency = args.api_concurrency.unwrap_or(4);
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
    let log: Option<RequestLog> = args
        .verbose
        .then(|| Arc::new(|line: &str| eprintln!("{line}")) as RequestLog);
    Ok(Some(CrossCheckSettings {
        admin_key,
        client: ClientOptions {
            base,
            organization: args.organization.clone(),
            concurrency,
            log,
            ..ClientOptions::default()
        },
        verify_live: args.verify_live,
        fail_on: args.fail_on.unwrap_or(FailOn::Any),
    }))
}

fn admin_key(
    args: &CrossCheckArgs,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Secret, UsageError> {
    let (value, source) = match &args.admin_key_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
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
                    "the Admin API needs the organization's admin key: set {ADMIN_KEY_ENV} or \
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(argv: &[&str]) -> CrossCheckArgs {
        let mut full = vec!["keyhound", "scan"];
        full.extend_from_slice(argv);
        match crate::cli::Cli::parse_from(full).command {
            crate::cli::Command::Scan(s) => s.crosscheck,
            _ => unreachable!(),
        }
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn without_cross_check_its_options_are_refused() {
        let none = env_of(&[]);
        assert!(from_args(&parse(&[]), &none).unwrap().is_none());
        let err = from_args(&parse(&["--verify-live"]), &none).unwrap_err();
        assert_eq!(err.0, "--verify-live needs --cross-check");
        let err = from_args(&parse(&["--fail-on", "live"]), &none).unwrap_err();
        assert_eq!(err.0, "--fail-on needs --cross-check");
    }

    #[test]
    fn the_admin_key_comes_from_the_environment_or_a_file_and_is_trimmed() {
        let env = env_of(&[("OPENAI_ADMIN_KEY", " sk-admin-test \n")]);
        let s = from_args(&parse(&["--cross-check"]), &env)
            .unwrap()
            .unwrap();
        assert_eq!(s.admin_key.expose(), "sk-admin-test");
        assert_eq!(s.client.base.as_str(), crate::openai::DEFAULT_BASE);
        assert_eq!(s.client.concurrency, 4);
        assert_eq!(s.fail_on, FailOn::Any);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("admin.key");
        std::fs::write(&file, "sk-admin-from-file\n").unwrap();
        let args = parse(&["--cross-check", "--admin-key-file", file.to_str().unwrap()]);
        let s = from_args(&args, &env).unwrap().unwrap();
        assert_eq!(s.admin_key.expose(), "sk-admin-from-file");
        std::fs::write(&file, "two words\n").unwrap();
        let err = from_args(&args, &env).unwrap_err();
        assert!(err.0.contains("does not hold one admin key"), "{}", err.0);
        assert!(!err.0.contains("two words"));
        let err = from_args(&parse(&["--cross-check"]), &env_of(&[])).unwrap_err();
        assert!(err.0.contains("set OPENAI_ADMIN_KEY"), "{}", err.0);
    }

    #[test]
    fn the_base_comes_from_the_flag_then_keyhound_api_base_never_openai_base_url() {
        let env = env_of(&[
            ("OPENAI_ADMIN_KEY", "k"),
            ("OPENAI_BASE_URL", "https://app-proxy.example.com/v1"),
        ]);
        let s = from_args(&parse(&["--cross-check"]), &env)
            .unwrap()
            .unwrap();
        assert_eq!(s.client.base.as_str(), crate::openai::DEFAULT_BASE);
        let env = env_of(&[
            ("OPENAI_ADMIN_KEY", "k"),
            ("KEYHOUND_API_BASE", "http://127.0.0.1:9/v1"),
        ]);
        let s = from_args(&parse(&["--cross-check"]), &env)
            .unwrap()
            .unwrap();
        assert_eq!(s.client.base.as_str(), "http://127.0.0.1:9/v1");
        let args = parse(&[
            "--cross-check",
            "--api-base",
            "http://openai.example.com/v1",
        ]);
        let err = from_args(&args, &env).unwrap_err();
        assert!(err.0.contains("not loopback"), "{}", err.0);
        let args = parse(&["--cross-check", "--api-concurrency", "0"]);
        assert!(from_args(&args, &env).is_err());
    }
}
