//! Command-line syntax (clap derive only). Validation lives in `config.rs`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  no keys found (or every planned revocation succeeded)
  1  keys found (see --fail-on once cross-checked)
  2  an error in what was given: a missing path, a bad flag, an invalid rule file,
     a rejected admin key
  3  a revocation failed

Problems with single files (unreadable, not a regular file, a symbolic link loop) are
warnings: counted in the summary and in SARIF, they never change the exit code.";

/// Find leaked OpenAI API keys, tell whose they are, and shut them off.
#[derive(Debug, Parser)]
#[command(name = "keyhound", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for OpenAI keys.
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// Write a baseline: a report of every key found now, for a later `scan --baseline`.
    /// Takes the options of `scan`; writes JSON unless `--format sarif`; exits 0 when written.
    Baseline(ScanArgs),
    /// List or self-test the rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print every loaded rule.
    List {
        /// Extra rule files, added after the built-in rules.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Run every rule's examples and negative examples; exit 1 on a failure.
    Check {
        /// Extra rule files, added after the built-in rules.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Extra rule files, added after the built-in rules.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Scan files that .gitignore and .ignore exclude (.git/ is still never entered).
    #[arg(long)]
    pub no_ignore: bool,

    /// Follow symbolic links.
    #[arg(short = 'L', long)]
    pub follow: bool,

    /// Worker threads (default: the number of CPUs).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// SARIF run category (automationDetails.id).
    #[arg(long, value_name = "ID", default_value = "keyhound/")]
    pub sarif_category: String,

    /// Colour human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Never show the progress line.
    #[arg(long)]
    pub no_progress: bool,

    /// Print no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Scan the staged index of the repository at PATH (default: .), reporting keys on the
    /// lines the staged change adds relative to HEAD.
    #[arg(long, conflicts_with_all = ["history", "range"])]
    pub staged: bool,

    /// With --staged: report every key in the staged files, not only on added lines.
    #[arg(long, requires = "staged")]
    pub all_lines: bool,

    /// Scan every blob reachable from every ref of the repository at PATH, or of every
    /// repository in the directory PATH.
    #[arg(long)]
    pub history: bool,

    /// With --history: also scan objects no ref reaches (unreachable, force-pushed-away).
    #[arg(long, requires = "history")]
    pub all_objects: bool,

    /// Scan only what the commits in A..B introduce (reachable from B, not from A).
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,

    /// Leave out keys whose fingerprint an earlier keyhound JSON or SARIF report holds.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}
