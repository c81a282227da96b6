//! Human text of a revocation: the plan (before anything is changed), one line per step as
//! it is settled, the summary of what was revoked and what was not and why, and one counting
//! line for stderr.
//!
//! Stage: report. Names, emails and redacted forms come from the API (ids from a SARIF
//! file): control characters are replaced so that they cannot drive the terminal. Keys
//! appear only redacted.

use super::super::human::sanitize;
use crate::openai::LiveStatus;
use crate::report::date::{date, rfc3339};
use crate::revoke::execute::{Record, RevocationReport};
use crate::revoke::plan::{Action, Plan, Step};
use crate::revoke::{Details, LeftAlone, Status, Target};
use std::io::{self, Write};
use std::path::Path;

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "-".to_string(), sanitize)
}

/// `sk-proj-…excA "deploy key" in project "Web" (proj_1)`.
fn key_line(t: &Target) -> String {
    let d = &t.details;
    let mut s = format!("{} {:?}", sanitize(&t.redacted), opt(&d.key_name));
    if let Some(p) = t.subject.project_id() {
        match &d.project_name {
            Some(name) => s.push_str(&format!(
                " in project {:?} ({})",
                sanitize(name),
                sanitize(p)
            )),
            None => s.push_str(&format!(" in project {}", sanitize(p))),
        }
    }
    s
}

/// `owner user Ada <ada@example.com> (user_1); created 2024-03-26, last used ...`.
fn owner_line(d: &Details) -> String {
    let kind = d
        .owner_type
        .as_deref()
        .unwrap_or("unknown")
        .replace('_', " ");
    let mut s = format!("owner {} {}", sanitize(&kind), opt(&d.owner_name));
    if let Some(email) = &d.owner_email {
        s.push_str(&format!(" <{}>", sanitize(email)));
    }
    if let Some(id) = &d.owner_id {
        s.push_str(&format!(" ({})", sanitize(id)));
    }
    if let Some(t) = d.created_at {
        s.push_str(&format!("; created {}", date(t)));
    }
    s.push_str(&match d.last_used_at {
        Some(t) => format!(", last used {}", rfc3339(t)),
        None => ", never used".to_string(),
    });
    s
}

fn write_step<W: Write>(out: &mut W, n: usize, step: &Step) -> io::Result<()> {
    let t = &step.target;
    writeln!(out, "  {n}. {}", sanitize(&step.action.describe()))?;
    writeln!(out, "     {}", key_line(t))?;
    writeln!(out, "     {}", owner_line(&t.details))?;
    writeln!(out, "     {}", sanitize(&t.why))?;
    if let Action::DeleteServiceAccount {
        service_account_id, ..
    } = &step.action
    {
        writeln!(
            out,
            "     ALL keys of service account {} stop working, not only this one",
            sanitize(service_account_id)
        )?;
    }
    if step.self_key {
        writeln!(
            out,
            "     this is the admin key keyhound is running with: revoked last, nothing can \
             be done with it afterwards"
        )?;
    }
    Ok(())
}

fn write_left_alone<W: Write>(out: &mut W, l: &LeftAlone) -> io::Result<()> {
    let what = match &l.target {
        Some(t) => format!(
            "{} {} {:?}",
            sanitize(&t.redacted),
            sanitize(&t.subject.describe()),
            opt(&t.details.key_name)
        ),
        None => sanitize(&l.redacted),
    };
    let label = match l.status {
        Status::AlreadyRevoked => "already revoked",
        _ => "left alone",
    };
    writeln!(out, "  - {what}, {label}: {}", sanitize(&l.reason))
}

/// Writes the plan. `audit_log` is `Some` when it is carried out (`--yes`).
pub fn write_plan<W: Write>(plan: &Plan, audit_log: Option<&Path>, mut out: W) -> io::Result<()> {
    writeln!(
        out,
        "\nRevocation plan: {} to revoke, {} left alone",
        plan.steps.len(),
        plan.left_alone.len()
    )?;
    match audit_log {
        None => writeln!(
            out,
            "DRY RUN: nothing is changed; --yes --audit-log FILE carries the plan out."
        )?,
        Some(path) => writeln!(
            out,
            "Carried out now, each key re-confirmed just before its DELETE; audit log {}",
            sanitize(&path.display().to_string())
        )?,
    }
    for (i, step) in plan.steps.iter().enumerate() {
        write_step(&mut out, i + 1, step)?;
    }
    if !plan.left_alone.is_empty() {
        writeln!(out, "Not revoked:")?;
        for l in &plan.left_alone {
            write_left_alone(&mut out, l)?;
        }
    }
    out.flush()
}

fn label(status: Status) -> &'static str {
    match status {
        Status::Revoked => "REVOKED",
        Status::AlreadyRevoked => "ALREADY REVOKED",
        Status::WouldRevoke => "WOULD REVOKE",
        Status::Failed => "FAILED",
        Status::Skipped => "SKIPPED",
    }
}

fn after(r: &Record) -> &'static str {
    match r.liveness_after {
        Some(LiveStatus::Revoked) => " [refused afterwards]",
        Some(LiveStatus::Live) => " [STILL ACCEPTED afterwards]",
        Some(LiveStatus::MismatchedProject) => " [still accepted for another project]",
        Some(LiveStatus::Unknown) => " [liveness afterwards unknown]",
        None => "",
    }
}

/// One line for a settled step, as it happens.
pub fn write_progress<W: Write>(r: &Record, mut out: W) -> io::Result<()> {
    let what = r.target.as_ref().map_or_else(
        || sanitize(&r.redacted),
        |t| sanitize(&format!("{} {}", t.redacted, t.subject.describe())),
    );
    let http = match (&r.trace.status, &r.trace.request_id) {
        (Some(s), Some(id)) => format!(" (HTTP {s}, x-request-id {})", sanitize(id)),
        (Some(s), None) => format!(" (HTTP {s})"),
        _ => String::new(),
    };
    writeln!(
        out,
        "  {} {what}{http}{}: {}",
        label(r.status),
        after(r),
        sanitize(&r.reason)
    )?;
    out.flush()
}

/// Writes the summary: the counts, then (unless a dry run, whose plan says it all) every
/// record with its reason.
pub fn write_summary<W: Write>(rev: &RevocationReport, mut out: W) -> io::Result<()> {
    let c = rev.counts();
    if rev.dry_run {
        writeln!(
            out,
            "\nRevocation (dry run): {} would be revoked, {} already revoked, {} left alone; \
             nothing was changed",
            c.would_revoke, c.already_revoked, c.skipped
        )?;
        return out.flush();
    }
    writeln!(
        out,
        "\nRevocation: {} revoked, {} already revoked, {} failed, {} left alone",
        c.revoked, c.already_revoked, c.failed, c.skipped
    )?;
    let order = [
        Status::Revoked,
        Status::AlreadyRevoked,
        Status::Failed,
        Status::Skipped,
    ];
    for status in order {
        for r in rev.records.iter().filter(|r| r.status == status) {
            write_progress(r, &mut out)?;
        }
    }
    if let Some(e) = &rev.audit_error {
        writeln!(
            out,
            "The audit log could not be written ({}); no DELETE was sent after that.",
            sanitize(e)
        )?;
    }
    out.flush()
}

/// The stderr line.
pub fn write_summary_line<W: Write>(rev: &RevocationReport, mut err: W) -> io::Result<()> {
    let c = rev.counts();
    if rev.dry_run {
        return writeln!(
            err,
            "keyhound: revocation: dry run, {} would be revoked, {} already revoked, {} left \
             alone; nothing was changed",
            c.would_revoke, c.already_revoked, c.skipped
        );
    }
    writeln!(
        err,
        "keyhound: revocation: {} revoked, {} already revoked, {} failed, {} left alone",
        c.revoked, c.already_revoked, c.failed, c.skipped
    )
}
