//! Command-line syntax (clap derive only). Validation lives in `config.rs`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  no keys found
  1  keys found (see --fail-on once cross-checked), even if --revoke revoked them all
  2  an error in what was given: a missing path, a bad flag, an invalid rule file,
     a missing or rejected admin key, a path that is no git repository, a bad
     --range, an unusable --baseline
  3  a revocation failed (keyhound revoke --help has the codes of keyhound revoke)

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
    Scan(Box<ScanArgs>),
    /// Write a baseline: a report of every key found now, for a later `scan --baseline`.
    /// Takes the options of `scan`; writes JSON unless `--format sarif`; exits 0 when written.
    Baseline(Box<ScanArgs>),
    /// Revoke the live keys of a reviewed SARIF file (a dry run unless --yes).
    #[command(after_help = REVOKE_EXIT_CODES)]
    Revoke(Box<RevokeArgs>),
    /// Report every key of the organization with its owner, last use and hygiene flags
    /// (through the Admin API; see README.md, "Audit").
    #[command(after_help = AUDIT_EXIT_CODES)]
    Audit(Box<AuditArgs>),
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

    /// Worker threads, 1 to 1024 (default: the number of CPUs).
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

    /// Do not decode base64 or UTF-16 text: match the bytes as they are.
    #[arg(long, help_heading = "Looking inside")]
    pub no_decode: bool,

    /// Do not open archives or compressed files (zip, jar, whl, docx, tar, gzip): scan their
    /// bytes as they are.
    #[arg(long, help_heading = "Looking inside")]
    pub no_archives: bool,

    /// Most bytes one archive may expand to, nested archives included; past it the rest is
    /// skipped with a warning. Suffixes K, M, G (KiB, MiB, GiB).
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "256M",
        help_heading = "Looking inside"
    )]
    pub max_archive_bytes: String,

    /// Most archives nested in one another that are opened (1 to 32); deeper ones are
    /// skipped with a warning.
    #[arg(
        long,
        value_name = "N",
        default_value = "3",
        help_heading = "Looking inside"
    )]
    pub max_archive_depth: String,

    /// Print no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Scan the staged index of the repository at PATH (default: .), reporting keys on the
    /// lines the staged change adds relative to HEAD.
    #[arg(long, conflicts_with_all = ["history", "range"], help_heading = "Git")]
    pub staged: bool,

    /// With --staged: report every key in the staged files, not only on added lines.
    #[arg(long, requires = "staged", help_heading = "Git")]
    pub all_lines: bool,

    /// Scan every blob reachable from every ref of the repository at PATH, or of every
    /// repository in the directory PATH.
    #[arg(long, help_heading = "Git")]
    pub history: bool,

    /// With --history: also scan objects no ref reaches (unreachable, force-pushed-away).
    #[arg(long, requires = "history", help_heading = "Git")]
    pub all_objects: bool,

    /// Scan only what the commits in A..B introduce (reachable from B, not from A).
    #[arg(long, value_name = "A..B", help_heading = "Git")]
    pub range: Option<String>,

    /// Leave out keys whose fingerprint an earlier keyhound JSON or SARIF report holds.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    #[command(flatten)]
    pub crosscheck: CrossCheckArgs,

    #[command(flatten)]
    pub revoke: ScanRevokeArgs,
}

/// What makes a cross-checked scan exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any key found.
    Any,
    /// A found key that may still work (live, ambiguous, or not checkable).
    Live,
}

/// `scan --cross-check` and its options (see README.md, "Cross-check").
#[derive(Debug, Args)]
#[command(next_help_heading = "Cross-check (Admin API)")]
pub struct CrossCheckArgs {
    /// Attribute each found key to its project, key and owner with the organization's admin
    /// key (from OPENAI_ADMIN_KEY or --admin-key-file; never from the command line).
    #[arg(long)]
    pub cross_check: bool,

    /// Also call GET /v1/models with each found key to see whether it still works. This
    /// SENDS THE FOUND KEY to the API base.
    #[arg(long)]
    pub verify_live: bool,

    /// What makes the exit code 1 [default: any].
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// How to reach the Admin API: shared by `scan --cross-check` and `audit`.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// Read the admin key from FILE instead of OPENAI_ADMIN_KEY.
    #[arg(long, value_name = "FILE")]
    pub admin_key_file: Option<PathBuf>,

    /// The Admin API base, /v1 included [env: KEYHOUND_API_BASE] [default:
    /// https://api.openai.com/v1]. Plain http:// only to a loopback host.
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,

    /// Send OpenAI-Organization: ORG with every Admin API request.
    #[arg(long, value_name = "ORG")]
    pub organization: Option<String>,

    /// Admin API requests in flight at once [default: 4].
    #[arg(long, value_name = "N")]
    pub api_concurrency: Option<usize>,

    /// Log every Admin API request (method, path, status, x-request-id) on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

const REVOKE_EXIT_CODES: &str = "\
Exit codes:
  0  every planned key was revoked or already revoked (a dry run: nothing failed)
  2  an error in what was given: a missing, unreadable or malformed SARIF file,
     --yes without --audit-log, a missing or rejected admin key
  3  a revocation failed

Keys left alone by policy (ambiguous, not found, unchecked, a service account's key
without --delete-service-accounts) do not change the exit code; the summary says why.";

/// What a revocation may do; shared by `scan --revoke`, `keyhound revoke` and
/// `audit --revoke`.
#[derive(Debug, Args)]
pub struct RevokeOptions {
    /// Carry the plan out. Without it nothing is changed (no DELETE is sent). Needs
    /// --audit-log.
    #[arg(long)]
    pub yes: bool,

    /// Append one JSON line per revocation action to FILE (required with --yes).
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Revoke a service account's key by deleting its whole service account: ALL the
    /// account's keys stop working. Without it such keys are left alone.
    #[arg(long)]
    pub delete_service_accounts: bool,
}

/// `scan --revoke` (see README.md, "Revocation").
#[derive(Debug, Args)]
#[command(next_help_heading = "Revocation")]
pub struct ScanRevokeArgs {
    /// After the cross-check, plan the revocation of every key it attributed uniquely
    /// (live); a dry run unless --yes.
    #[arg(long)]
    pub revoke: bool,

    #[command(flatten)]
    pub options: RevokeOptions,
}

/// Output of `keyhound revoke`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RevokeFormat {
    Human,
    Json,
}

/// `keyhound revoke --sarif FILE`.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The SARIF file of a cross-checked scan (keyhound scan --cross-check --format sarif),
    /// reviewed; every run is read.
    #[arg(long, value_name = "FILE")]
    pub sarif: PathBuf,

    #[command(flatten)]
    pub options: RevokeOptions,

    /// Output format.
    #[arg(long, value_enum, default_value_t = RevokeFormat::Human)]
    pub format: RevokeFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print no progress lines and no summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,

    #[command(flatten)]
    pub api: ApiArgs,
}

const AUDIT_EXIT_CODES: &str = "\
Flags: orphaned, archived-project, admin-stale, admin-no-expiry, stale, legacy-format,
many-keys-per-owner, never-used (see README.md, \"Audit\").

Exit codes:
  0  the audit ran (and no key carries a --fail-on flag)
  1  a key carries a flag chosen with --fail-on
  2  an error in what was given: a bad flag, an unknown --fail-on or --revoke id,
     --yes without --audit-log, a missing or rejected admin key
  3  a revocation of the clean-up (--revoke --yes) failed

A listing that fails after retries is a warning: the audit says it is incomplete.
--revoke FLAG,... plans the revocation of every key carrying one of those flags, and
changes nothing without --yes. The admin key the audit runs with is never revoked.";

/// `audit`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Human,
    Json,
    Csv,
}

/// `keyhound audit` (see README.md, "Audit").
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// A key unused for N days or more (or never used and created N days ago or more) is
    /// stale [default: 90].
    #[arg(long, value_name = "N")]
    pub stale_days: Option<u32>,

    /// An owner holding more than N keys in one project is flagged
    /// (many-keys-per-owner) [default: 10].
    #[arg(long, value_name = "N")]
    pub max_keys_per_owner: Option<usize>,

    /// Exit 1 when a key carries one of these flags (comma-separated ids).
    #[arg(long, value_name = "FLAG,...", value_delimiter = ',')]
    pub fail_on: Vec<String>,

    #[command(flatten)]
    pub api: ApiArgs,

    #[command(flatten)]
    pub cleanup: AuditCleanupArgs,
}

/// `audit --revoke FLAG,...` (see README.md, "Audit").
#[derive(Debug, Args)]
#[command(next_help_heading = "Clean-up (revocation)")]
pub struct AuditCleanupArgs {
    /// Plan the revocation of every key carrying one of these flags (comma-separated ids);
    /// a dry run unless --yes. The admin key the audit runs with is never revoked.
    #[arg(long, value_name = "FLAG,...", value_delimiter = ',')]
    pub revoke: Vec<String>,

    #[command(flatten)]
    pub options: RevokeOptions,
}
