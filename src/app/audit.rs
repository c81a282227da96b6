//! `keyhound audit`: list the organization through the Admin API, flag every key, write the
//! report, and choose the exit code.
//!
//! Knows the order of the steps; the work is in `audit` (data), `openai` (HTTP) and
//! `report::audit` (formats). A rejected admin key writes no report and exits 2; a listing
//! that fails after retries is a warning and the report says it is incomplete.

use super::{open_output, Exit};
use crate::audit::{self, settings, Options};
use crate::cli::{AuditArgs, AuditFormat};
use crate::config::UsageError;
use crate::openai::HttpAdminApi;
use crate::report::audit as formats;
use std::io::Write;

/// Runs `keyhound audit`.
pub fn run_audit(args: &AuditArgs) -> anyhow::Result<Exit> {
    let settings = settings::from_args(args, &|name| std::env::var(name).ok())?;
    // Open the output first, so that a bad -o costs no request.
    let mut sink = open_output(settings.output.as_deref())?;
    let conn = &settings.connection;
    let api = HttpAdminApi::new(conn.admin_key.clone(), conn.client.clone());
    let options = Options {
        thresholds: settings.thresholds,
        concurrency: conn.client.concurrency,
    };
    let report = audit::run(&api, Some(&conn.admin_key), options)
        .map_err(|e| UsageError(format!("audit: {e}")))?;
    match settings.format {
        AuditFormat::Human => formats::human::write_audit(&report, &mut sink)?,
        AuditFormat::Json => formats::write_json(&report, &mut sink)?,
        AuditFormat::Csv => formats::csv::write_csv(&report, &mut sink)?,
    }
    sink.flush()?;
    formats::human::write_summary(&report, std::io::stderr().lock())?;
    Ok(if report.any_flagged(&settings.fail_on) {
        Exit::Findings
    } else {
        Exit::Clean
    })
}
