//! `scan --cross-check`: after the scan, attribute the findings through the Admin API, write
//! the report with the cross-check in it, and choose the exit code.
//!
//! Knows the order of the steps; the work is in `crosscheck` (data), `openai` (HTTP) and
//! `report::crosscheck` (formats). A rejected admin key still writes the report (every
//! finding's check says why) before the command fails with exit 2.

use super::Exit;
use crate::cli::FailOn;
use crate::config::{ScanConfig, UsageError};
use crate::crosscheck::settings::CrossCheckSettings;
use crate::crosscheck::{self, Options};
use crate::openai::{HttpAdminApi, HttpLiveness, LivenessCheck};
use crate::report::sarif::RunInfo;
use crate::report::Report;
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
    super::emit(config, &report, runs, Some(&cc), sink)?;
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
