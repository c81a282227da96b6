//! `scan --cross-check`: after the scan, attribute the findings through the Admin API, write
//! the report with the cross-check in it, and choose the exit code.
//!
//! Knows the order of the steps; the work is in `crosscheck` (data), `openai` (HTTP) and
//! `report::crosscheck` (formats). A rejected admin key still writes the report (every
//! finding's check says why) before the command fails with exit 2.

use super::Exit;
use crate::cli::{FailOn, Format};
use crate::config::{ScanConfig, UsageError};
use crate::crosscheck::settings::CrossCheckSettings;
use crate::crosscheck::{self, CrossCheckReport, Options};
use crate::openai::{HttpAdminApi, HttpLiveness, LivenessCheck};
use crate::report::{self, Report};
use std::io::Write;

/// Cross-checks `report`'s findings, writes the result to `sink`, and says how it ends.
pub fn run(
    config: &ScanConfig,
    settings: &CrossCheckSettings,
    mut report: Report,
    sink: Box<dyn Write>,
) -> anyhow::Result<Exit> {
    let api = HttpAdminApi::new(settings.admin_key.clone(), settings.client.clone());
    let live = settings
        .verify_live
        .then(|| HttpLiveness::new(settings.client.clone()));
    let cc = crosscheck::cross_check(
        &report.findings,
        &api,
        live.as_ref().map(|l| l as &dyn LivenessCheck),
        Options {
            concurrency: settings.client.concurrency,
        },
    );
    report.warnings.extend(cc.warnings.iter().cloned());
    report.warnings.sort();
    emit(config, &report, &cc, sink)?;
    if let Some(message) = &cc.auth_error {
        return Err(UsageError(message.clone()).into());
    }
    let failing = match settings.fail_on {
        FailOn::Any => !report.findings.is_empty(),
        FailOn::Live => report
            .findings
            .iter()
            .any(|f| cc.get(f).is_none_or(|c| c.may_be_live())),
    };
    Ok(if failing { Exit::Findings } else { Exit::Clean })
}

fn emit(
    config: &ScanConfig,
    report: &Report,
    cc: &CrossCheckReport,
    mut sink: Box<dyn Write>,
) -> anyhow::Result<()> {
    match config.format {
        Format::Human => {
            report::human::write_findings(report, config.color, &mut sink)?;
            report::crosscheck::human::write_incident_summary(report, cc, &mut sink)?;
        }
        Format::Json => report::crosscheck::write_json(report, cc, &mut sink)?,
        Format::Sarif => report::crosscheck::write_sarif(report, cc, &mut sink)?,
    }
    sink.flush()?;
    if !config.quiet {
        let mut err = std::io::stderr().lock();
        report::human::write_summary(report, &mut err)?;
        report::crosscheck::human::write_summary_line(cc, &mut err)?;
    }
    Ok(())
}
