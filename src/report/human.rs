//! Human output: one line per occurrence on stdout, a summary on stderr.

use super::Report;
use std::io::{self, Write};

const RED: &str = "\x1b[31m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Writes one line per occurrence: `path:line:column: rule  redacted  (fingerprint prefix)`,
/// with `archive!/member` as the path inside an archive and `[base64]` (the encoding) after
/// keys found by decoding.
pub fn write_findings<W: Write>(report: &Report, color: bool, mut out: W) -> io::Result<()> {
    let paint = |code: &'static str| if color { code } else { "" };
    let mut lines: Vec<(&crate::finding::Location, &crate::finding::Finding)> = report
        .findings
        .iter()
        .flat_map(|f| f.locations.iter().map(move |l| (l, f)))
        .collect();
    lines.sort_by(|a, b| a.0.cmp(b.0));
    for (loc, f) in lines {
        let decoded = match &loc.encoding {
            Some(e) => format!(" [{e}]"),
            None => String::new(),
        };
        let shown = loc.shown_path();
        let path = match loc.git.as_ref().and_then(|g| g.repository.as_ref()) {
            Some(repository) => format!("{repository}/{shown}"),
            None => shown,
        };
        write!(
            out,
            "{}{}{}:{}:{}: {}{}{} {} {}(sha256:{}){}{}",
            paint(BOLD),
            sanitize(&path),
            paint(RESET),
            loc.line,
            loc.column,
            paint(RED),
            f.rule_id,
            paint(RESET),
            f.redacted,
            paint(DIM),
            &f.fingerprint[..12],
            paint(RESET),
            decoded,
        )?;
        if let Some(git) = &loc.git {
            write!(out, " {}", sanitize(&git_note(git)))?;
        }
        writeln!(out)?;
    }
    out.flush()
}

/// Where history holds a key: `since 1a2b3c4d 2024-05-01 (Name <email>), 12 commits, at HEAD`.
fn git_note(git: &crate::finding::GitOrigin) -> String {
    let head = if git.present_at_head {
        "still at HEAD"
    } else {
        "not at HEAD"
    };
    if git.commit.is_empty() {
        return format!("[unreachable blob {}]", &git.blob);
    }
    let date = super::date::rfc3339(git.time);
    format!(
        "[since {} {} ({} <{}>), in {} {}, {}{}]",
        git.commit.get(..12).unwrap_or(&git.commit),
        date.get(..10).unwrap_or(&date),
        git.author_name,
        git.author_email,
        git.commit_count,
        plural(git.commit_count as usize, "commit", "commits"),
        head,
        if git.reachable { "" } else { ", unreachable" },
    )
}

/// Writes warnings and the summary line (for stderr).
pub fn write_summary<W: Write>(report: &Report, mut err: W) -> io::Result<()> {
    for w in &report.warnings {
        match (&w.path, &w.member) {
            (Some(p), Some(m)) => writeln!(
                err,
                "keyhound: warning: {}!/{}: {}",
                sanitize(p),
                sanitize(m),
                sanitize(&w.message)
            )?,
            // Messages quote what they are about (a tar member's name, a git error).
            (Some(p), None) => writeln!(
                err,
                "keyhound: warning: {}: {}",
                sanitize(p),
                sanitize(&w.message)
            )?,
            (None, _) => writeln!(err, "keyhound: warning: {}", sanitize(&w.message))?,
        }
    }
    let occurrences: usize = report.findings.iter().map(|f| f.locations.len()).sum();
    let s = &report.stats;
    writeln!(
        err,
        "keyhound: {} {} ({} {}) in {} {}, {:.1} MB, {:.2} s; {} {}",
        report.findings.len(),
        plural(report.findings.len(), "key", "keys"),
        occurrences,
        plural(occurrences, "occurrence", "occurrences"),
        s.files_scanned,
        plural(s.files_scanned as usize, "file", "files"),
        s.bytes_scanned as f64 / 1e6,
        s.elapsed_ms as f64 / 1000.0,
        report.warnings.len(),
        plural(report.warnings.len(), "warning", "warnings"),
    )
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Replaces control characters in a path so that a file name cannot drive the terminal,
/// and bidirectional overrides and isolates so that it cannot reorder what is shown.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Warning;

    #[test]
    fn warnings_cannot_drive_or_reorder_the_terminal() {
        let report = Report {
            rules: crate::rules::RuleSet::builtin().unwrap(),
            findings: Vec::new(),
            warnings: vec![
                Warning::about("a\x1b[2J.tar", "damaged: member b\x1b]0;title\x07"),
                Warning::general("listing \u{202E}txt.exe\u{202C} failed\r"),
            ],
            stats: Default::default(),
            completed: true,
            category: "keyhound/".into(),
        };
        let mut err = Vec::new();
        write_summary(&report, &mut err).unwrap();
        let text = String::from_utf8(err).unwrap();
        for bad in ['\x1b', '\x07', '\r', '\u{202E}', '\u{202C}'] {
            assert!(!text.contains(bad), "{bad:?} in {text:?}");
        }
        assert!(
            text.contains("damaged: member b\u{FFFD}]0;title\u{FFFD}"),
            "{text}"
        );
    }
}
