//! Arguments → validated settings, at one place. Everything after this trusts its input.

use crate::cli::{Color, Format, ScanArgs};
use crate::git::{GitMode, GitRequest};
use crate::rules::RuleSet;
use crate::scan::inspect::{self, InspectOptions};
use crate::scan::walk::{self, Root, Suppressions, WalkOptions};
use std::io::IsTerminal;
use std::path::PathBuf;

pub mod clock;
pub mod connection;
pub mod input;

/// A mistake in what the user gave: reported on one line, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Everything a scan needs, checked.
#[derive(Debug)]
pub struct ScanConfig {
    pub rules: RuleSet,
    pub roots: Vec<Root>,
    pub suppressions: Suppressions,
    pub walk: WalkOptions,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub color: bool,
    pub progress: bool,
    pub quiet: bool,
    pub category: String,
    /// What to decode and unpack, and the guard rails.
    pub inspect: InspectOptions,
    /// `--cross-check` and its options; `None` without it.
    pub crosscheck: Option<crate::crosscheck::settings::CrossCheckSettings>,
    /// A git scan (`--staged`, `--history`, `--range`) instead of a tree scan.
    pub git: Option<GitRequest>,
    /// `--revoke` and its options; `None` without it.
    pub revoke: Option<crate::revoke::settings::RevokeSettings>,
}

impl ScanConfig {
    pub fn from_args(args: &ScanArgs) -> Result<Self, UsageError> {
        let rules = RuleSet::load(&args.rules).map_err(|e| UsageError(e.to_string()))?;
        let mut suppressions = Suppressions::default();
        let roots = walk::prepare_roots(&args.paths, &mut suppressions).map_err(UsageError)?;
        if let Some(file) = &args.baseline {
            let held = crate::baseline::load(file).map_err(|e| UsageError(e.to_string()))?;
            suppressions.fingerprints.extend(held);
        }
        let git = git_request(args)?;
        let threads = match args.threads {
            Some(0) => return Err(UsageError("--threads must be at least 1".into())),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(2, |n| n.get()),
        };
        if args.sarif_category.is_empty() {
            return Err(UsageError("--sarif-category must not be empty".into()));
        }
        let inspect = inspect::options_from(
            !args.no_decode,
            !args.no_archives,
            &args.max_archive_bytes,
            &args.max_archive_depth,
        )
        .map_err(UsageError)?;
        let crosscheck = crate::crosscheck::settings::from_args(&args.crosscheck, &|name| {
            std::env::var(name).ok()
        })?;
        let revoke =
            crate::revoke::settings::from_scan_args(&args.revoke, args.crosscheck.cross_check)?;
        let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
        let color = match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
        };
        Ok(ScanConfig {
            rules,
            roots,
            suppressions,
            walk: WalkOptions {
                no_ignore: args.no_ignore,
                follow_links: args.follow,
                threads,
            },
            format: args.format,
            output: args.output.clone(),
            color,
            progress: !args.no_progress && !args.quiet && std::io::stderr().is_terminal(),
            quiet: args.quiet,
            category: args.sarif_category.clone(),
            inspect,
            crosscheck,
            git,
            revoke,
        })
    }
}

/// The git scan the flags ask for, if any: one REPO path, `--range` as `A..B`.
fn git_request(args: &ScanArgs) -> Result<Option<GitRequest>, UsageError> {
    let mode = if args.staged {
        GitMode::Staged {
            all_lines: args.all_lines,
        }
    } else if args.history || args.range.is_some() {
        GitMode::History {
            all_objects: args.all_objects,
            range: args.range.clone(),
        }
    } else {
        return Ok(None);
    };
    let [path] = args.paths.as_slice() else {
        return Err(UsageError(
            "--staged, --history and --range take one REPO path".into(),
        ));
    };
    if let Some(range) = &args.range {
        let ok = range
            .split_once("..")
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.starts_with('.'));
        if !ok {
            return Err(UsageError(format!(
                "--range {range}: expected A..B (two revisions)"
            )));
        }
    }
    Ok(Some(GitRequest {
        mode,
        path: path.clone(),
    }))
}
