//! keyhound's binary: parse arguments, run the command, map the outcome to an exit code.

use clap::Parser;
use keyhound::app::{self, output, Exit};
use keyhound::cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0, and help for a bare `keyhound` to stderr
            // with 2; a usage error is one line, like every other error, with 2.
            use clap::error::ErrorKind;
            if !e.use_stderr() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = e.print();
            } else {
                output::eprint_line(&format!("keyhound: error: {}", usage_line(&e)));
            }
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match &cli.command {
        Command::Scan(args) => app::run_scan(args),
        Command::Baseline(args) => app::run_baseline(args),
        Command::Revoke(args) => app::run_revoke(args),
        Command::Audit(args) => app::run_audit(args),
        Command::Rules { command } => app::run_rules(command),
    };
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        // A closed stdout or stderr never gets here (the command's writers drop what a gone
        // reader cannot take, and the command keeps its own exit code), so an error is one.
        Err(e) => {
            output::eprint_line(&format!("keyhound: error: {}", one_line(&e)));
            ExitCode::from(Exit::UsageError as u8)
        }
    }
}

/// The error chain on one line, with control characters (from a path, a repository, an
/// archive member) replaced so that they cannot drive the terminal.
fn one_line(e: &anyhow::Error) -> String {
    let line = format!("{e:#}").replace('\n', " ");
    keyhound::report::human::sanitize(&keyhound::secret::redact_keys_in(&line))
}

/// clap's error on one line: its message, the details it indents under it (possible
/// values, missing arguments) and its tip; the usage block and the `--help` hint are left
/// out (`keyhound <command> --help` has them).
fn usage_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() {
            continue;
        }
        let line = line.strip_prefix("error: ").unwrap_or(line);
        match line.strip_prefix("tip: ") {
            Some(tip) => parts.push(format!("({tip})")),
            None => parts.push(line.to_string()),
        }
    }
    keyhound::report::human::sanitize(&keyhound::secret::redact_keys_in(&parts.join(" ")))
}
