//! Commands: run a scan or a rules command, and say which exit code it ends with.
//!
//! Knows the order of the pipeline's stages; knows nothing of clap's syntax (that is
//! `cli.rs`) or of how errors become exit codes (that is `main.rs`).

use crate::cli::{Format, RulesCommand, RulesFormat, ScanArgs};
use crate::config::{ScanConfig, UsageError};
use crate::finding::dedupe;
use crate::report::{self, Report};
use crate::rules::{check_rules, RuleSet};
use crate::scan::{self, matcher::Matcher, progress};
use std::io::Write;
use std::sync::Arc;

mod audit;
mod crosscheck;

pub use audit::run_audit;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Clean = 0,
    Findings = 1,
    UsageError = 2,
    RevocationFailed = 3,
}

/// Runs `keyhound scan`.
pub fn run_scan(args: &ScanArgs) -> anyhow::Result<Exit> {
    let config = ScanConfig::from_args(args)?;
    // Open the output before scanning, so that a bad -o never costs a finished scan.
    let sink = open_output(config.output.as_deref())?;
    let report = scan_to_report(&config);
    if let Some(settings) = &config.crosscheck {
        return crosscheck::run(&config, settings, report, sink);
    }
    emit(&config, &report, sink)?;
    Ok(if report.findings.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    })
}

/// Walks, reads, matches and deduplicates: the scan half of the pipeline.
pub fn scan_to_report(config: &ScanConfig) -> Report {
    let matcher = Matcher::with_options(config.rules.clone(), config.inspect.clone());
    let progress = Arc::new(progress::Progress::default());
    let ticker = config
        .progress
        .then(|| progress::Ticker::start(progress.clone()));
    let output = scan::scan_roots(&config.roots, &matcher, &config.walk, &progress);
    drop(ticker);
    let ids: Vec<(&str, &str)> = config
        .rules
        .rules()
        .iter()
        .map(|r| (r.id(), r.spec.kind.as_str()))
        .collect();
    let mut findings = dedupe(output.occurrences, &ids);
    findings.retain(|f| !config.suppressions.fingerprints.contains(&f.fingerprint));
    Report {
        rules: config.rules.clone(),
        findings,
        warnings: output.warnings,
        stats: output.stats,
        completed: true,
        category: config.category.clone(),
    }
}

fn open_output(path: Option<&std::path::Path>) -> Result<Box<dyn Write>, UsageError> {
    Ok(match path {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| {
                UsageError(format!(
                    "cannot write {}: {}",
                    path.display(),
                    scan::walk::io_reason(&e)
                ))
            })?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

fn emit(config: &ScanConfig, report: &Report, mut sink: Box<dyn Write>) -> anyhow::Result<()> {
    match config.format {
        Format::Human => report::human::write_findings(report, config.color, &mut sink)?,
        Format::Json => report::json::write_json(report, &mut sink)?,
        Format::Sarif => report::sarif::write_sarif(report, &mut sink)?,
    }
    sink.flush()?;
    if !config.quiet {
        report::human::write_summary(report, std::io::stderr().lock())?;
    }
    Ok(())
}

/// Runs `keyhound rules list|check`.
pub fn run_rules(command: &RulesCommand) -> anyhow::Result<Exit> {
    let load =
        |files: &[std::path::PathBuf]| RuleSet::load(files).map_err(|e| UsageError(e.to_string()));
    let mut out = std::io::stdout().lock();
    match command {
        RulesCommand::List { rules, format } => {
            let set = load(rules)?;
            match format {
                RulesFormat::Json => {
                    let specs: Vec<_> = set.rules().iter().map(|r| &r.spec).collect();
                    serde_json::to_writer_pretty(&mut out, &specs)?;
                    writeln!(out)?;
                }
                RulesFormat::Human => {
                    for r in set.rules() {
                        writeln!(
                            out,
                            "{:<28} {:<7} severity {:<4} {}",
                            r.id(),
                            r.spec.level,
                            r.spec.security_severity,
                            r.spec.name
                        )?;
                    }
                }
            }
            Ok(Exit::Clean)
        }
        RulesCommand::Check { rules } => {
            let set = load(rules)?;
            let failures = check_rules(&set);
            let examples: usize = set
                .rules()
                .iter()
                .map(|r| r.spec.examples.len() + r.spec.negative_examples.len())
                .sum();
            for f in &failures {
                writeln!(out, "FAIL {}: {}: {:?}", f.rule_id, f.problem, f.example)?;
            }
            writeln!(
                out,
                "{} rules, {} examples: {} passed, {} failed",
                set.len(),
                examples,
                examples.saturating_sub(failures.len()),
                failures.len()
            )?;
            Ok(if failures.is_empty() {
                Exit::Clean
            } else {
                Exit::Findings
            })
        }
    }
}
