//! `scan --staged` end to end: the staged change, its blobs scanned, and only the keys on
//! lines the change adds reported (every key in the staged files with `--all-lines`).
//!
//! Stage: walk → (read + match in [`crate::scan::git`]) → occurrences. Only staged files
//! that hold a key are diffed, so the cost follows the change, not the repository.

use super::added::{added_lines, similarity};
use super::discover::FoundRepo;
use super::staged::{read_index, staged_changes, Change, StagedFile, StagedPlan};
use super::sweep::{failure_warnings, RepoIgnore, RepoOutput, ScanContext};
use super::GitError;
use crate::finding::{ScanStats, Warning};
use crate::scan::content::{scan_input, InputMatch};
use crate::scan::git::{read_blob, scan_blobs};
use crate::scan::read::BufferScanner;
use gix::ObjectId;
use std::collections::{BTreeSet, HashSet};

/// A rename keeps at least this share of the file's lines (git's default is 50%).
const RENAME_SIMILARITY: f64 = 0.5;
/// Deleted files compared with one added file when looking for a rename.
const RENAME_CANDIDATES: usize = 64;

/// Scans the staged change of one repository.
pub fn scan(
    found: &FoundRepo,
    all_lines: bool,
    ctx: &ScanContext<'_>,
) -> Result<RepoOutput, GitError> {
    let repo = found.repo.to_thread_local();
    let Some(index) = read_index(&repo)? else {
        return Ok(RepoOutput::default());
    };
    let ignore = RepoIgnore::read(&repo)?;
    let plan = staged_changes(&repo, &index)?;
    let files: Vec<&StagedFile> = plan
        .files
        .iter()
        .filter(|f| all_lines || !matches!(f.change, Change::Renamed { .. }))
        .filter(|f| !ignore.path_ignored(&f.path))
        .collect();
    let mut ids: Vec<ObjectId> = files.iter().map(|f| f.blob).collect();
    ids.sort();
    ids.dedup();
    let scans = scan_blobs(&found.repo, &ids, ctx.matcher, ctx.threads, ctx.progress);
    let mut out = RepoOutput {
        warnings: failure_warnings(&scans, |blob| {
            files
                .iter()
                .find(|f| f.blob == *blob)
                .map(|f| f.path.clone())
        }),
        stats: ScanStats {
            files_scanned: scans.blobs,
            bytes_scanned: scans.bytes,
            elapsed_ms: 0,
        },
        ..RepoOutput::default()
    };
    out.warnings.extend(
        plan.skipped
            .iter()
            .map(|(path, message)| Warning::about(path, message)),
    );
    for file in files {
        if let Some(ws) = scans.warnings.get(&file.blob) {
            out.warnings
                .extend(ws.iter().map(|w| w.at(Some(file.path.clone()))));
        }
        let Some(matches) = scans.found.get(&file.blob) else {
            continue;
        };
        let added = if all_lines {
            None
        } else {
            Some(Added::of(&repo, file, &plan, ctx))
        };
        for m in matches {
            if added.as_ref().is_none_or(|a| a.holds(m)) {
                out.occurrences.push(m.occurrence(&file.path, None));
            }
        }
    }
    out.occurrences
        .retain(|o| !ignore.fingerprints.contains(&o.secret.fingerprint()));
    Ok(out)
}

/// What a staged file's change adds, against `HEAD`'s version for a modified file, against
/// the most similar deleted file for a file that looks renamed, and everything for a new file.
struct Added {
    /// The added lines of the file's own bytes.
    lines: BTreeSet<u64>,
    /// Keys the base version already held (by fingerprint): a key inside an archive member or
    /// UTF-16 text is new when the base did not hold it, since its lines are not the file's.
    base_keys: HashSet<String>,
}

impl Added {
    fn of(
        repo: &gix::Repository,
        file: &StagedFile,
        plan: &StagedPlan,
        ctx: &ScanContext<'_>,
    ) -> Self {
        let mut added = Added {
            lines: BTreeSet::new(),
            base_keys: HashSet::new(),
        };
        let Some(new) = read_blob(repo, &file.blob) else {
            return added;
        };
        let old = match &file.change {
            Change::Renamed { .. } => return added,
            Change::Modified { base } => read_blob(repo, base),
            Change::Added => most_similar(repo, &new, plan),
        };
        match old {
            Some(old) => {
                added.lines = added_lines(&old, &new);
                let scanned = scan_input(
                    &mut BufferScanner::default(),
                    ctx.matcher,
                    &mut std::io::Cursor::new(&old),
                );
                added.base_keys = scanned
                    .matches
                    .iter()
                    .map(|m| m.found.secret.fingerprint())
                    .collect();
            }
            None => added.lines = (1..=line_count(&new)).collect(),
        }
        added
    }

    fn holds(&self, m: &InputMatch) -> bool {
        if m.on_input_lines() {
            self.lines.contains(&m.found.line)
        } else {
            !self.base_keys.contains(&m.found.secret.fingerprint())
        }
    }
}

fn most_similar(repo: &gix::Repository, new: &[u8], plan: &StagedPlan) -> Option<Vec<u8>> {
    plan.deleted
        .iter()
        .take(RENAME_CANDIDATES)
        .filter_map(|(_, id)| read_blob(repo, id))
        .map(|old| (similarity(&old, new), old))
        .filter(|(s, _)| *s >= RENAME_SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, old)| old)
}

fn line_count(bytes: &[u8]) -> u64 {
    let newlines = bytecount::count(bytes, b'\n') as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}
