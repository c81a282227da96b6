//! Commands: run a scan, a revocation or a rules command, and say which exit code it ends
//! with.
//!
//! Knows the order of the pipeline's stages; knows nothing of clap's syntax (that is
//! `cli.rs`) or of how errors become exit codes (that is `main.rs`).

use crate::cli::{Format, RulesCommand, RulesFormat, ScanArgs};
use crate::config::{ScanConfig, UsageError};
use crate::crosscheck::CrossCheckReport;
use crate::finding::{dedupe, Warning};
use crate::git::sweep;
use crate::report::sarif::RunInfo;
use crate::report::{self, Report};
use crate::revoke::execute::RevocationReport;
use crate::rules::{check_rules, RuleSet};
use crate::scan::{self, matcher::Matcher, progress};
use std::io::Write;
use std::sync::Arc;

mod audit;
mod crosscheck;
pub mod output;
mod revoke;

pub use revoke::run_revoke;

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
    let (report, runs) = scan_any(&config)?;
    if let Some(settings) = &config.crosscheck {
        return crosscheck::run(&config, settings, report, &runs, sink);
    }
    emit(&config, &report, &runs, sink)?;
    Ok(if report.findings.is_empty() {
        Exit::Clean
    } else {
        Exit::Findings
    })
}

/// Runs `keyhound baseline`: a scan whose report (JSON unless SARIF was asked for) is the
/// baseline; the keys it holds are accepted, so it exits 0.
pub fn run_baseline(args: &ScanArgs) -> anyhow::Result<Exit> {
    if args.baseline.is_some() {
        return Err(UsageError(
            "keyhound baseline records every key found now; --baseline does not apply".into(),
        )
        .into());
    }
    // A baseline is written without asking the API: --cross-check (and the --revoke it
    // carries) would be silently ignored, a --yes unheeded.
    if args.crosscheck.cross_check {
        return Err(UsageError(
            "keyhound baseline records every key found now and asks no API; --cross-check \
             (and --revoke) do not apply: use keyhound scan"
                .into(),
        )
        .into());
    }
    let mut config = ScanConfig::from_args(args)?;
    if config.format == Format::Human {
        config.format = Format::Json;
    }
    let sink = open_output(config.output.as_deref())?;
    let (report, runs) = scan_any(&config)?;
    emit(&config, &report, &runs, sink)?;
    Ok(Exit::Clean)
}

/// A tree scan, or the git scan the configuration asks for, with the SARIF runs of a git
/// scan (none for a tree scan: one run of the whole report).
fn scan_any(config: &ScanConfig) -> anyhow::Result<(Report, Vec<RunInfo>)> {
    let Some(request) = &config.git else {
        return Ok((scan_to_report(config), Vec::new()));
    };
    let matcher = Matcher::with_options(config.rules.clone(), config.inspect.clone());
    let progress = Arc::new(progress::Progress::default());
    let ticker = config
        .progress
        .then(|| progress::Ticker::start(progress.clone()));
    let ctx = sweep::ScanContext {
        matcher: &matcher,
        threads: config.walk.threads,
        progress: &progress,
        category: &config.category,
    };
    let result = sweep::run(request, &ctx);
    drop(ticker);
    let out = result.map_err(|e| UsageError(e.to_string()))?;
    Ok((finish(config, out.output), out.runs))
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
    finish(config, output)
}

/// Deduplicates and suppresses what a scan found.
fn finish(config: &ScanConfig, output: scan::ScanOutput) -> Report {
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
        warnings: output.warnings.into_iter().map(Warning::redacted).collect(),
        stats: output.stats,
        completed: true,
        category: config.category.clone(),
    }
}

fn open_output(path: Option<&std::path::Path>) -> Result<Box<dyn Write>, UsageError> {
    Ok(match path {
        Some(path) => Box::new(output::file(path).map_err(|e| {
            UsageError(format!(
                "cannot write {}: {}",
                path.display(),
                scan::walk::io_reason(&e)
            ))
        })?),
        None => Box::new(output::stdout()),
    })
}

/// Writes a scan's report: the findings part, then the rest.
fn emit(
    config: &ScanConfig,
    report: &Report,
    runs: &[RunInfo],
    mut sink: Box<dyn Write>,
) -> anyhow::Result<()> {
    write_findings_part(config, report, None, &mut sink)?;
    write_report_part(config, report, runs, None, None, sink)
}

/// Human output's first part: the findings, and the incident summary of a cross-check.
/// Written before any revocation, whose plan refers to them. Other formats write nothing
/// here: their document is written whole by [`write_report_part`].
fn write_findings_part(
    config: &ScanConfig,
    report: &Report,
    cc: Option<&CrossCheckReport>,
    sink: &mut dyn Write,
) -> anyhow::Result<()> {
    if config.format == Format::Human {
        report::human::write_findings(report, config.color, &mut *sink)?;
        if let Some(cc) = cc {
            report::crosscheck::human::write_incident_summary(report, cc, &mut *sink)?;
        }
    }
    Ok(())
}

/// The rest of the report (the revocation summary in human output; the whole JSON or
/// SARIF document otherwise), then the summary lines on stderr.
fn write_report_part(
    config: &ScanConfig,
    report: &Report,
    runs: &[RunInfo],
    cc: Option<&CrossCheckReport>,
    revocation: Option<&RevocationReport>,
    mut sink: Box<dyn Write>,
) -> anyhow::Result<()> {
    use report::revocation as rv;
    match (config.format, cc) {
        (Format::Human, _) => {
            if let Some(rev) = revocation {
                rv::human::write_summary(rev, &mut sink)?;
            }
        }
        (Format::Json, None) => report::json::write_json(report, &mut sink)?,
        (Format::Json, Some(cc)) => rv::write_scan_json(report, cc, revocation, &mut sink)?,
        (Format::Sarif, None) => report::sarif::write_sarif_runs(report, runs, &mut sink, |_| {
            report::sarif::ExtraProperties::new()
        })?,
        (Format::Sarif, Some(cc)) => rv::write_scan_sarif(report, runs, cc, revocation, &mut sink)?,
    }
    sink.flush()?;
    if !config.quiet {
        let mut err = output::stderr();
        report::human::write_summary(report, &mut err)?;
        if let Some(cc) = cc {
            report::crosscheck::human::write_summary_line(cc, &mut err)?;
        }
        if let Some(rev) = revocation {
            rv::human::write_summary_line(rev, &mut err)?;
        }
    }
    Ok(())
}

/// Runs `keyhound rules list|check`.
pub fn run_rules(command: &RulesCommand) -> anyhow::Result<Exit> {
    let load =
        |files: &[std::path::PathBuf]| RuleSet::load(files).map_err(|e| UsageError(e.to_string()));
    let mut out = output::stdout();
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
            out.flush()?;
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
            out.flush()?;
            Ok(if failures.is_empty() {
                Exit::Clean
            } else {
                Exit::Findings
            })
        }
    }
}
