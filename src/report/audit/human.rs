//! Human output of an audit: a table per project (riskiest first) with each flagged key's
//! reasons beneath it (stdout), and the warnings and one summary line (stderr).
//!
//! Stage: report. Names, emails and ids come from the API: control characters are replaced
//! so that they cannot drive the terminal, and long names are cut. Keys appear only as the
//! listing's redacted form (at most 8 + 4 characters).

use crate::audit::{AuditKey, AuditReport, Group, ProjectAudit};
use crate::report::date::{date, rfc3339};
use crate::report::human::sanitize;
use std::collections::HashMap;
use std::io::{self, Write};

/// The widest a name or owner cell grows before it is cut with `…`.
const MAX_CELL: usize = 40;

/// `s` sanitized and cut to `max` characters.
fn cell(s: &str, max: usize) -> String {
    let s = sanitize(s);
    if s.chars().count() <= max {
        return s;
    }
    let mut cut: String = s.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

fn owner(k: &AuditKey) -> String {
    let a = &k.key;
    // A user is the usual owner; any other kind is said.
    let mut s = match a.owner_type.as_deref() {
        Some("user") => String::new(),
        Some(kind) => format!("{} ", kind.replace('_', " ")),
        None => "owner ".into(),
    };
    match (&a.owner_name, &a.owner_id) {
        (Some(name), _) => s.push_str(name),
        (None, Some(id)) => s.push_str(id),
        (None, None) => s.push_str("unknown"),
    }
    if let Some(email) = &a.owner_email {
        s.push_str(&format!(" <{email}>"));
    }
    s
}

const HEADER: [&str; 8] = [
    "RISK",
    "KEY",
    "NAME",
    "REDACTED",
    "OWNER",
    "CREATED",
    "LAST USED",
    "FLAGS",
];

fn row(k: &AuditKey) -> [String; 8] {
    let a = &k.key;
    let mut flags: Vec<&str> = k.flags.iter().map(|f| f.flag.id()).collect();
    if k.admin_key_in_use {
        flags.push("(in use by this audit)");
    }
    [
        k.risk().to_string(),
        cell(&a.key_id, MAX_CELL),
        cell(a.key_name.as_deref().unwrap_or("-"), MAX_CELL),
        cell(k.redacted.as_deref().unwrap_or("-"), 16),
        cell(&owner(k), MAX_CELL),
        date(a.created_at),
        a.last_used_at.map_or_else(|| "never".into(), date),
        flags.join(", "),
    ]
}

fn write_table<W: Write>(out: &mut W, keys: &[&AuditKey]) -> io::Result<()> {
    let rows: Vec<[String; 8]> = keys.iter().map(|k| row(k)).collect();
    let mut width = HEADER.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: [&str; 8]| -> String {
        let mut s = String::from(" ");
        for (i, (c, w)) in cells.iter().zip(width).enumerate() {
            let pad = w.saturating_sub(c.chars().count());
            if i == 0 {
                s.push_str(&" ".repeat(pad + 1));
                s.push_str(c);
            } else if i == cells.len() - 1 {
                s.push_str("  ");
                s.push_str(c);
            } else {
                s.push_str("  ");
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(HEADER))?;
    for (k, r) in keys.iter().zip(&rows) {
        writeln!(
            out,
            "{}",
            line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7]].map(|s| s.as_str()))
        )?;
        for f in &k.flags {
            writeln!(out, "        - {}: {}", f.flag.id(), sanitize(&f.reason))?;
        }
    }
    Ok(())
}

fn counted(keys: &[&AuditKey]) -> String {
    let flagged = keys.iter().filter(|k| !k.flags.is_empty()).count();
    format!(
        "{} {}, {flagged} flagged",
        keys.len(),
        if keys.len() == 1 { "key" } else { "keys" }
    )
}

fn project_title(p: &ProjectAudit) -> String {
    format!(
        "Project {:?} ({}{})",
        cell(p.name.as_deref().unwrap_or("-"), MAX_CELL),
        sanitize(&p.id),
        if p.archived { ", archived" } else { "" }
    )
}

/// Writes the audit: a heading, an incompleteness notice when a listing failed, then one
/// table per group (projects and admin keys), riskiest group first.
pub fn write_audit<W: Write>(report: &AuditReport, mut out: W) -> io::Result<()> {
    if let Some(t) = report.thresholds {
        writeln!(
            out,
            "keyhound audit at {}: stale after {} days unused; many keys: more than {} per \
             owner in a project",
            rfc3339(t.now),
            t.stale_days,
            t.max_keys_per_owner
        )?;
    }
    if !report.complete() {
        writeln!(
            out,
            "\nINCOMPLETE: {} {} failed after retries; keys there are missing from this report:",
            report.failed_listings(),
            if report.failed_listings() == 1 {
                "listing"
            } else {
                "listings"
            }
        )?;
        for w in &report.warnings {
            writeln!(out, "  {}", sanitize(&w.message))?;
        }
    }
    let mut groups: Vec<(Group, Vec<&AuditKey>)> = Vec::new();
    for k in &report.keys {
        let g = Group::of(k);
        match groups.last_mut() {
            Some((last, keys)) if *last == g => keys.push(k),
            _ => groups.push((g, vec![k])),
        }
    }
    let projects: HashMap<&str, &ProjectAudit> =
        report.projects.iter().map(|p| (p.id.as_str(), p)).collect();
    for (g, keys) in &groups {
        let title = match g {
            Group::Project(id) => projects
                .get(id.as_str())
                .map_or_else(|| format!("Project {}", sanitize(id)), |p| project_title(p)),
            Group::NoProject => "Keys listed among the admin keys, without a project".into(),
            Group::Admin => "Admin keys".into(),
        };
        writeln!(out, "\n{title}: {}", counted(keys))?;
        write_table(&mut out, keys)?;
    }
    let listed: std::collections::HashSet<&Group> = groups.iter().map(|(g, _)| g).collect();
    for p in &report.projects {
        if listed.contains(&Group::Project(p.id.clone())) {
            continue;
        }
        match &p.error {
            Some(e) => writeln!(
                out,
                "\n{}: keys could not be listed: {}",
                project_title(p),
                sanitize(&e.to_string())
            )?,
            None => writeln!(out, "\n{}: no keys", project_title(p))?,
        }
    }
    out.flush()
}

/// The stderr lines: each warning, then the counts.
pub fn write_summary<W: Write>(report: &AuditReport, mut err: W) -> io::Result<()> {
    for w in &report.warnings {
        writeln!(err, "keyhound: warning: {}", sanitize(&w.message))?;
    }
    let admin = report
        .keys
        .iter()
        .filter(|k| Group::of(k) == Group::Admin)
        .count();
    let flags: Vec<String> = report
        .flag_counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(f, n)| format!("{n} {f}"))
        .collect();
    writeln!(
        err,
        "keyhound: audit: {} keys ({} in {} projects, {} archived; {} admin), {} flagged{}; \
         {}, {:.2} s",
        report.keys.len(),
        report.keys.len() - admin,
        report.projects.len(),
        report.projects.iter().filter(|p| p.archived).count(),
        admin,
        report.flagged(),
        if flags.is_empty() {
            String::new()
        } else {
            format!(" ({})", flags.join(", "))
        },
        if report.complete() {
            "complete".to_string()
        } else {
            format!("INCOMPLETE: {} failed listings", report.failed_listings())
        },
        report.elapsed_ms as f64 / 1000.0
    )
}
