//! `keyhound revoke --sarif FILE`, and the revocation step of `scan --cross-check --revoke`:
//! build the targets, plan, print the plan, carry it out when told (`--yes`), report, and
//! say how it ends.
//!
//! Knows the order of the steps; the work is in `revoke` (plan, confirmation, execution,
//! audit log), `openai` (HTTP) and `report::revocation` (formats). The plan goes where people
//! read: into the human report, or to stderr when the report is JSON or SARIF; each step's
//! line goes to stderr as it is settled (unless `--quiet`); the summary ends the report.

use super::{output, Exit};
use crate::cli::{Format, RevokeArgs, RevokeFormat};
use crate::config::{ScanConfig, UsageError};
use crate::crosscheck::CrossCheckReport;
use crate::openai::{AdminApi, HttpAdminApi, LivenessCheck};
use crate::report::revocation::{self, human};
use crate::report::Report;
use crate::revoke::execute::{self, RevocationReport};
use crate::revoke::plan::{self, Plan, Policy};
use crate::revoke::settings::{RevokeConfig, RevokeSettings};
use crate::revoke::{from_sarif, from_scan, lookup};
use crate::secret::Secret;
use std::io::{self, Write};

/// Runs `keyhound revoke`.
pub fn run_revoke(args: &RevokeArgs) -> anyhow::Result<Exit> {
    let config = RevokeConfig::from_args(args, &|name| std::env::var(name).ok())?;
    let input = from_sarif::read(&config.sarif).map_err(|e| UsageError(e.to_string()))?;
    let mut sink = open_output(&config)?;
    let api = HttpAdminApi::new(config.admin_key.clone(), config.client.clone());
    let (targets, mut left) = lookup::resolve(&api, input.targets, config.client.concurrency)
        .map_err(|e| UsageError(e.to_string()))?;
    left.extend(input.left_alone);
    config.settings.history.mark(&mut left);
    let policy = Policy {
        delete_service_accounts: config.settings.delete_service_accounts,
        admin_key: &config.admin_key,
    };
    let plan = plan::plan(targets, left, &policy);
    let progress = !config.quiet;
    let rev = match config.format {
        RevokeFormat::Human => carry_out(plan, &config.settings, &api, None, progress, &mut sink)?,
        RevokeFormat::Json => carry_out(
            plan,
            &config.settings,
            &api,
            None,
            progress,
            &mut output::stderr(),
        )?,
    };
    match config.format {
        RevokeFormat::Human => human::write_summary(&rev, &mut sink)?,
        RevokeFormat::Json => {
            serde_json::to_writer_pretty(&mut sink, &revocation::to_json(&rev))?;
            writeln!(sink)?;
        }
    }
    sink.flush()?;
    if !config.quiet {
        human::write_summary_line(&rev, output::stderr())?;
    }
    Ok(if rev.any_failed() {
        Exit::RevocationFailed
    } else {
        Exit::Clean
    })
}

/// The revocation step of a cross-checked scan: every live finding is a target; the plan is
/// written into the human report, or to stderr beside a JSON or SARIF report.
#[allow(clippy::too_many_arguments)]
pub(super) fn after_cross_check(
    config: &ScanConfig,
    settings: &RevokeSettings,
    admin_key: &Secret,
    report: &Report,
    cc: &CrossCheckReport,
    api: &dyn AdminApi,
    liveness: Option<&dyn LivenessCheck>,
    sink: &mut dyn Write,
) -> io::Result<RevocationReport> {
    let (targets, mut left) = from_scan::targets(&report.findings, cc);
    settings.history.mark(&mut left);
    let policy = Policy {
        delete_service_accounts: settings.delete_service_accounts,
        admin_key,
    };
    let plan = plan::plan(targets, left, &policy);
    let progress = !config.quiet;
    match config.format {
        Format::Human => carry_out(plan, settings, api, liveness, progress, sink),
        Format::Json | Format::Sarif => carry_out(
            plan,
            settings,
            api,
            liveness,
            progress,
            &mut output::stderr(),
        ),
    }
}

/// Prints `plan` to `out`, then carries it out with `--yes` (with `progress`, each step's line
/// on stderr as it is settled), or reports it as a dry run, which sends nothing.
pub(super) fn carry_out(
    plan: Plan,
    settings: &RevokeSettings,
    api: &dyn AdminApi,
    liveness: Option<&dyn LivenessCheck>,
    progress: bool,
    out: &mut dyn Write,
) -> io::Result<RevocationReport> {
    let audit = settings.execute.as_ref();
    human::write_plan(&plan, audit.map(|a| a.path()), &mut *out)?;
    out.flush()?;
    Ok(match audit {
        None => execute::dry_run(plan),
        Some(audit) => execute::execute(plan, api, audit, liveness, &mut |record| {
            if progress {
                // A closed stderr must not stop the revocation; the summary follows anyway.
                let _ = human::write_progress(record, output::stderr());
            }
        }),
    })
}

fn open_output(config: &RevokeConfig) -> Result<Box<dyn Write>, UsageError> {
    Ok(match &config.output {
        Some(path) => Box::new(output::file(path).map_err(|e| {
            UsageError(format!(
                "cannot write {}: {}",
                path.display(),
                crate::scan::walk::io_reason(&e)
            ))
        })?),
        None => Box::new(output::stdout()),
    })
}
