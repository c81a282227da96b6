//! Human output of a cross-check: an incident summary grouped by project (stdout), and one
//! counting line (stderr).
//!
//! Stage: report. Names, emails and paths come from outside: control characters are
//! replaced so that they cannot drive the terminal. Keys appear only redacted.

use super::super::human::sanitize;
use crate::crosscheck::{Attribution, CrossCheck, CrossCheckReport, KeyKind, Status};
use crate::finding::Finding;
use crate::openai::LiveStatus;
use crate::report::date::{date, rfc3339};
use crate::report::Report;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// How many locations a finding lists before "and N more".
const SHOWN_LOCATIONS: usize = 5;

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or_else(|| "-".to_string(), sanitize)
}

fn owner(a: &Attribution) -> String {
    let kind = a.owner_type.as_deref().unwrap_or("owner").replace('_', " ");
    let mut s = format!("{} {}", sanitize(&kind), opt(&a.owner_name));
    if let Some(email) = &a.owner_email {
        s.push_str(&format!(" <{}>", sanitize(email)));
    }
    if let Some(id) = &a.owner_id {
        s.push_str(&format!(" ({})", sanitize(id)));
    }
    s
}

fn used(a: &Attribution) -> String {
    let mut s = format!(
        "created {}, {}",
        date(a.created_at),
        a.last_used_at.map_or_else(
            || "never used".to_string(),
            |t| format!("last used {}", rfc3339(t))
        )
    );
    if let Some(t) = a.expires_at {
        s.push_str(&format!(", expires {}", date(t)));
    }
    s
}

fn key_line(a: &Attribution) -> String {
    format!(
        "key {:?} ({}), {}; {}",
        opt(&a.key_name),
        sanitize(&a.key_id),
        owner(a),
        used(a)
    )
}

fn where_leaked(f: &Finding) -> String {
    let mut places: Vec<String> = f
        .locations
        .iter()
        .take(SHOWN_LOCATIONS)
        .map(|l| format!("{}:{}:{}", sanitize(&l.shown_path()), l.line, l.column))
        .collect();
    if f.locations.len() > SHOWN_LOCATIONS {
        places.push(format!("and {} more", f.locations.len() - SHOWN_LOCATIONS));
    }
    format!("leaked at {}", places.join(", "))
}

fn liveness(check: &CrossCheck) -> &'static str {
    match check.liveness {
        Some(LiveStatus::Live) => " [verified working]",
        Some(LiveStatus::Revoked) => " [verified revoked]",
        Some(LiveStatus::MismatchedProject) => " [works, not for its listed project]",
        Some(LiveStatus::Unknown) => " [liveness unknown]",
        None => "",
    }
}

/// A live key: the finding, its check and the matching record.
type LiveKey<'a> = (&'a Finding, &'a CrossCheck, &'a Attribution);

/// Writes the incident summary: live keys grouped by project (then admin keys), then the
/// ambiguous, not-found and unchecked keys.
pub fn write_incident_summary<W: Write>(
    report: &Report,
    cc: &CrossCheckReport,
    mut out: W,
) -> io::Result<()> {
    let checked: Vec<(&Finding, &CrossCheck)> = report
        .findings
        .iter()
        .filter_map(|f| cc.get(f).map(|c| (f, c)))
        .collect();
    if checked.is_empty() {
        return out.flush();
    }
    writeln!(out, "\nIncident summary (cross-checked with the Admin API)")?;
    let mut by_project: BTreeMap<(u8, String), Vec<LiveKey>> = BTreeMap::new();
    for (f, c) in &checked {
        if let (Status::Live, Some(a)) = (c.status, &c.attribution) {
            let group = match (a.key_kind, &a.project_id) {
                (KeyKind::Admin, _) => (1, "Admin keys".to_string()),
                (KeyKind::Project, Some(id)) => {
                    let archived = if a.project_archived == Some(true) {
                        ", archived"
                    } else {
                        ""
                    };
                    (
                        0,
                        format!(
                            "Project {:?} ({}{archived})",
                            opt(&a.project_name),
                            sanitize(id)
                        ),
                    )
                }
                (KeyKind::Project, None) => (1, "Project unknown".to_string()),
            };
            by_project.entry(group).or_default().push((f, c, a));
        }
    }
    for ((_, title), keys) in &by_project {
        writeln!(out, "\n{title}")?;
        for (f, c, a) in keys {
            writeln!(out, "  LIVE {}{}", f.redacted, liveness(c))?;
            writeln!(out, "       {}", key_line(a))?;
            writeln!(out, "       {}", where_leaked(f))?;
            if c.created_after_leak {
                writeln!(
                    out,
                    "       created after the commit that leaked it: a wrong commit clock, or \
                     another key with the same visible characters"
                )?;
            }
        }
    }
    let section = |status: Status| -> Vec<&(&Finding, &CrossCheck)> {
        checked.iter().filter(|(_, c)| c.status == status).collect()
    };
    let ambiguous = section(Status::Ambiguous);
    if !ambiguous.is_empty() {
        writeln!(
            out,
            "\nAmbiguous: {} {} several listed keys (none is singled out)",
            ambiguous.len(),
            if ambiguous.len() == 1 {
                "key matches"
            } else {
                "keys match"
            }
        )?;
        for (f, c) in ambiguous {
            writeln!(
                out,
                "  AMBIGUOUS {} matches {} keys{}",
                f.redacted,
                c.candidates.len(),
                liveness(c)
            )?;
            for a in &c.candidates {
                writeln!(out, "       {} / {}", opt(&a.project_id), key_line(a))?;
            }
            writeln!(out, "       {}", where_leaked(f))?;
        }
    }
    let missing = section(Status::NotFound);
    if !missing.is_empty() {
        writeln!(out, "\nNot in the organization's listings")?;
        for (f, c) in missing {
            writeln!(out, "  NOT FOUND {}{}", f.redacted, liveness(c))?;
            writeln!(out, "       {}", where_leaked(f))?;
        }
    }
    let errors = section(Status::Error);
    if !errors.is_empty() {
        writeln!(out, "\nCould not be checked")?;
        for (f, c) in errors {
            writeln!(
                out,
                "  ERROR {}: {}",
                f.redacted,
                sanitize(c.error.as_deref().unwrap_or("unknown"))
            )?;
            writeln!(out, "       {}", where_leaked(f))?;
        }
    }
    out.flush()
}

/// The stderr line: counts per status and what was listed.
pub fn write_summary_line<W: Write>(cc: &CrossCheckReport, mut err: W) -> io::Result<()> {
    if cc.checks.is_empty() {
        return writeln!(
            err,
            "keyhound: cross-check: no key to check, no request made"
        );
    }
    let c = cc.counts();
    writeln!(
        err,
        "keyhound: cross-check: {} live, {} ambiguous, {} not found, {} unchecked; \
         {} projects and {} keys listed, {} failed listings, {:.2} s",
        c.live,
        c.ambiguous,
        c.not_found,
        c.error,
        cc.projects,
        cc.keys_listed,
        cc.warnings.len(),
        cc.elapsed_ms as f64 / 1000.0
    )
}
