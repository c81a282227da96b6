//! `--cross-check` arguments → checked settings: the connection (admin key, API base, client
//! options, shared with `audit` through [`crate::config::connection`]) and the cross-check's
//! own options.
//!
//! Stage: configuration. Makes no request; errors are one line and never quote the key.

use crate::cli::{CrossCheckArgs, FailOn};
use crate::config::connection;
use crate::config::UsageError;
use crate::openai::ClientOptions;
use crate::secret::Secret;

pub use connection::{ADMIN_KEY_ENV, API_BASE_ENV, MAX_CONCURRENCY};

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
        let own = [
            (args.verify_live, "--verify-live"),
            (args.fail_on.is_some(), "--fail-on"),
        ];
        let stray = connection::first_given(&args.api)
            .or_else(|| own.iter().find(|(set, _)| *set).map(|(_, flag)| *flag));
        if let Some(flag) = stray {
            return Err(UsageError(format!("{flag} needs --cross-check")));
        }
        return Ok(None);
    }
    let conn = connection::from_args(&args.api, "--cross-check", env)?;
    Ok(Some(CrossCheckSettings {
        admin_key: conn.admin_key,
        client: conn.client,
        verify_live: args.verify_live,
        fail_on: args.fail_on.unwrap_or(FailOn::Any),
    }))
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
