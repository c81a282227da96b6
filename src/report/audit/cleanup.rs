//! Report: the clean-up's outcome inside an audit's JSON and CSV: each key's `revocation`
//! (the object of `scan --revoke`, ids only), the summary's `revocation` (the counts, the
//! audit log, the chosen flags), and the CSV's `revocation` column (the status).
//!
//! Stage: report. Reads a [`Cleanup`]; never calls the API and never sees a key. The plan and
//! the human summary are the revocation's own (`report::revocation::human`).

use crate::audit::cleanup::Cleanup;
use crate::audit::flags::Flag;
use crate::audit::AuditKey;
use crate::report::revocation::{record_value, summary_value};
use serde_json::{json, Value};
use std::io::{self, Write};

/// The CSV column added with `--revoke`.
pub const CSV_COLUMN: &str = "revocation";

/// `k`'s `revocation` object; `null` for a key that carries none of the chosen flags.
pub fn key_value(cleanup: &Cleanup, k: &AuditKey) -> Value {
    cleanup.record_of(k).map_or(Value::Null, record_value)
}

/// The summary's `revocation`: the counts, `dryRun`, `auditLog`, `auditLogError` (as in a
/// scan) and `flags`, the ids chosen with `--revoke`.
pub fn summary(cleanup: &Cleanup) -> Value {
    let mut v = summary_value(&cleanup.revocation);
    v["flags"] = json!(cleanup.flags.iter().map(|f| f.id()).collect::<Vec<_>>());
    v
}

/// `k`'s CSV cell: its status (`revoked`, `would_revoke`, `skipped`...), empty for a key
/// that carries none of the chosen flags.
pub fn csv_cell(cleanup: &Cleanup, k: &AuditKey) -> String {
    cleanup
        .record_of(k)
        .map_or_else(String::new, |r| r.status.as_str().to_string())
}

/// The line that opens the clean-up in human text, before the revocation's plan.
pub fn write_heading<W: Write>(flags: &[Flag], mut out: W) -> io::Result<()> {
    let ids: Vec<&str> = flags.iter().map(|f| f.id()).collect();
    writeln!(
        out,
        "\nClean-up: the keys flagged {}; the admin key this audit runs with is never revoked",
        ids.join(", ")
    )
}
