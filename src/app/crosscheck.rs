//! `scan --cross-check`: after the scan, attribute the findings through the Admin API, write
//! the report with the cross-check in it, and choose the exit code.
//!
//! Knows the order of the steps; the work is in `crosscheck` (data), `openai` (HTTP) and
//! `report::crosscheck` (formats). A rejected admin key still writes the report (every
//! finding's check says why) before the command fails with exit 2. With `--revoke`, the
//! revocation (`super::revoke`) runs after the cross-check, before the report is finished;
//! a failed revocation makes the exit code 3.

use super::Exit;
use crate::cli::FailOn;
use crate::config::{ScanConfig, UsageError};
use crate::crosscheck::settings::CrossCheckSettings;
use crate::crosscheck::{self, Options};
use crate::openai::{HttpAdminApi, HttpLiveness, LivenessCheck};
use crate::report::sarif::RunInfo;
use crate::report::Report;
use crate::revoke::execute::RevocationReport;
use std::io::Write;

/// Cross-checks `report`'s findings, writes the result to `sink`, and says how it ends.
pub fn run(
    config: &ScanConfig,
    settings: &CrossCheckSettings,
    mut report: Report,
    runs: &[RunInfo],
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
    let mut sink = sink;
    // Findings first: a revocation plan below them refers to them.
    super::write_findings_part(config, &report, Some(&cc), &mut sink)?;
    let revocation = match &config.revoke {
        Some(revoke) if cc.auth_error.is_none() => Some(super::revoke::after_cross_check(
            config,
            revoke,
            &settings.admin_key,
            &report,
            &cc,
            &api,
            live.as_ref().map(|l| l as &dyn LivenessCheck),
            &mut sink,
        )?),
        _ => None,
    };
    super::write_report_part(config, &report, runs, Some(&cc), revocation.as_ref(), sink)?;
    if let Some(message) = &cc.auth_error {
        return Err(UsageError(message.clone()).into());
    }
    if revocation
        .as_ref()
        .is_some_and(RevocationReport::any_failed)
    {
        return Ok(Exit::RevocationFailed);
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
