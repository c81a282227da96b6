//! `keyhound audit`: list the organization through the Admin API, flag every key, clean up
//! with `--revoke FLAG,...`, write the report, and choose the exit code.
//!
//! Knows the order of the steps; the work is in `audit` (data, and which keys a clean-up
//! selects), `revoke` (plan, confirmation, audit log, DELETEs), `openai` (HTTP) and
//! `report::audit` (formats). A rejected admin key writes no report and exits 2; a listing
//! that fails after retries is a warning and the report says it is incomplete (and, with
//! `--fail-on`, makes the exit code 1: an unread listing cannot be shown clean). The clean-up's
//! plan goes where people read: after the human tables, or to stderr beside JSON or CSV, so
//! that stdout stays one document; the document is written once the plan is settled.

use super::{open_output, output, revoke::carry_out, Exit};
use crate::audit::cleanup::{self, Cleanup};
use crate::audit::settings::CleanupSettings;
use crate::audit::{self, settings, targets, AuditReport, Options};
use crate::cli::{AuditArgs, AuditFormat};
use crate::config::UsageError;
use crate::openai::{AdminApi, HttpAdminApi};
use crate::report::audit as formats;
use crate::report::revocation::human as revocation;
use crate::revoke::plan::Policy;
use crate::secret::Secret;
use std::io::{self, Write};

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
    let human = settings.format == AuditFormat::Human;
    if human {
        formats::human::write_audit(&report, &mut sink)?;
    }
    let cleanup = match &settings.cleanup {
        Some(c) => {
            let mut stderr = output::stderr();
            let out: &mut dyn Write = if human { &mut *sink } else { &mut stderr };
            Some(clean_up(&report, c, &conn.admin_key, &api, out)?)
        }
        None => None,
    };
    match settings.format {
        AuditFormat::Human => {
            if let Some(c) = &cleanup {
                revocation::write_summary(&c.revocation, &mut sink)?;
            }
        }
        AuditFormat::Json => formats::write_json_with(&report, cleanup.as_ref(), &mut sink)?,
        AuditFormat::Csv => formats::csv::write_csv_with(&report, cleanup.as_ref(), &mut sink)?,
    }
    sink.flush()?;
    let mut err = output::stderr();
    formats::human::write_summary(&report, &mut err)?;
    if let Some(c) = &cleanup {
        revocation::write_summary_line(&c.revocation, &mut err)?;
    }
    Ok(if cleanup.as_ref().is_some_and(Cleanup::any_failed) {
        Exit::RevocationFailed
    } else if report.any_flagged(&settings.fail_on) || fails_unproven(&report, &settings.fail_on) {
        Exit::Findings
    } else {
        Exit::Clean
    })
}

/// True when `--fail-on` was given but a listing failed: the keys it would have shown could
/// carry a chosen flag, and a scheduled audit must not pass on an inventory it could not read.
fn fails_unproven(report: &AuditReport, fail_on: &[crate::audit::flags::Flag]) -> bool {
    if fail_on.is_empty() || report.complete() {
        return false;
    }
    output::eprint_line(&format!(
        "keyhound: the audit is incomplete ({} listings failed): --fail-on cannot show that no \
         key carries a chosen flag",
        report.failed_listings()
    ));
    true
}

/// The clean-up: the keys carrying a chosen flag, planned as `keyhound revoke` plans (the
/// admin key in use spared), the plan written to `out`, then carried out with `--yes` (each
/// step's line on stderr as it is settled) or reported as a dry run, which sends nothing.
fn clean_up(
    report: &AuditReport,
    settings: &CleanupSettings,
    admin_key: &Secret,
    api: &dyn AdminApi,
    out: &mut dyn Write,
) -> io::Result<Cleanup> {
    let selection = targets::revocation_targets(report, &settings.flags);
    let policy = Policy {
        delete_service_accounts: settings.revoke.delete_service_accounts,
        admin_key,
    };
    let (plan, unplaced) = cleanup::plan(selection, &policy);
    formats::cleanup::write_heading(&settings.flags, &mut *out)?;
    let rev = carry_out(plan, &settings.revoke, api, None, true, out)?;
    Ok(Cleanup::new(settings.flags.clone(), rev, &unplaced))
}
