//! CSV output of an audit: one row per key, for spreadsheets (after a clean-up, with each
//! key's revocation status in a last column).
//!
//! Stage: report. RFC 4180: CRLF line endings, a field holding `,`, `"`, CR or LF quoted,
//! quotes doubled. Names come from the API and a spreadsheet evaluates a cell that starts
//! with `=`, `+`, `-` or `@` (or a tab or CR) as a formula, so such a cell is prefixed with
//! `'`. Control characters but line feed and tab are replaced (CSV is often printed to a
//! terminal). Keys appear only as the listing's redacted form.

use super::cleanup;
use crate::audit::cleanup::Cleanup;
use crate::audit::{AuditKey, AuditReport};
use crate::report::date::rfc3339;
use std::io::{self, Write};

/// The header row, in column order.
pub const COLUMNS: [&str; 19] = [
    "project_id",
    "project_name",
    "project_archived",
    "key_kind",
    "key_id",
    "key_name",
    "redacted",
    "owner_type",
    "owner_id",
    "owner_name",
    "owner_email",
    "service_account_id",
    "owner_project_access",
    "created_at",
    "last_used_at",
    "expires_at",
    "risk",
    "flags",
    "reasons",
];

/// One field, guarded against formula injection and quoted when it must be. Control
/// characters other than line feed and tab become U+FFFD: CSV is often printed to a terminal.
pub fn field(value: &str) -> String {
    let value: String = value
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn time(t: Option<i64>) -> String {
    t.map(rfc3339).unwrap_or_default()
}

fn row(k: &AuditKey) -> [String; 19] {
    let a = &k.key;
    [
        opt(&a.project_id),
        opt(&a.project_name),
        a.project_archived
            .map(|b| b.to_string())
            .unwrap_or_default(),
        a.key_kind.as_str().to_string(),
        a.key_id.clone(),
        opt(&a.key_name),
        opt(&k.redacted),
        opt(&a.owner_type),
        opt(&a.owner_id),
        opt(&a.owner_name),
        opt(&a.owner_email),
        opt(&k.service_account_id),
        opt(&k.owner_project_access),
        time(Some(a.created_at)),
        time(a.last_used_at),
        time(a.expires_at),
        k.risk().to_string(),
        k.flags
            .iter()
            .map(|f| f.flag.id())
            .collect::<Vec<_>>()
            .join(";"),
        k.flags
            .iter()
            .map(|f| format!("{}: {}", f.flag.id(), f.reason))
            .collect::<Vec<_>>()
            .join("; "),
    ]
}

fn write_row<W: Write>(out: &mut W, cells: &[String]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
    out.write_all(line.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

/// Writes the header and one row per key, in the report's order (riskiest group first).
pub fn write_csv<W: Write>(report: &AuditReport, out: W) -> io::Result<()> {
    write_csv_with(report, None, out)
}

/// [`write_csv`], with a last column, `revocation`, holding each key's status after a
/// clean-up.
pub fn write_csv_with<W: Write>(
    report: &AuditReport,
    clean: Option<&Cleanup>,
    mut out: W,
) -> io::Result<()> {
    let mut header: Vec<String> = COLUMNS.map(String::from).to_vec();
    header.extend(clean.map(|_| cleanup::CSV_COLUMN.to_string()));
    write_row(&mut out, &header)?;
    for k in &report.keys {
        let mut cells = row(k).to_vec();
        cells.extend(clean.map(|c| cleanup::csv_cell(c, k)));
        write_row(&mut out, &cells)?;
    }
    out.flush()
}
