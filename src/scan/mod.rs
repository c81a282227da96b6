//! Scan: walk, read and match. The only part of keyhound with threads.
//!
//! The walker's threads each read and match the files they are handed (as ripgrep does); each
//! thread keeps its own results and merges them once, when it ends. A problem with one file is
//! a [`Warning`], never an abort.

pub mod archive;
pub mod content;
pub mod decode;
pub mod git;
pub mod inspect;
pub mod matcher;
pub mod prefilter;
pub mod progress;
pub mod read;
pub mod walk;

use crate::finding::{Occurrence, ScanStats, Warning};
use content::scan_named;
use ignore::WalkState;
use matcher::Matcher;
use progress::Progress;
use read::BufferScanner;
use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use walk::{Root, WalkOptions};

/// What a scan found, before deduplication.
#[derive(Debug, Default)]
pub struct ScanOutput {
    pub occurrences: Vec<Occurrence>,
    pub warnings: Vec<Warning>,
    pub stats: ScanStats,
}

/// Scans every root in parallel.
pub fn scan_roots(
    roots: &[Root],
    matcher: &Matcher,
    opts: &WalkOptions,
    progress: &Progress,
) -> ScanOutput {
    let started = Instant::now();
    let shared = Mutex::new(ScanOutput::default());
    for root in roots {
        walk::walker(root, opts).run(|| {
            Box::new(Visitor {
                root,
                matcher,
                progress,
                shared: &shared,
                scanner: BufferScanner::default(),
                local: ScanOutput::default(),
            })
            .into_visit()
        });
    }
    let mut out = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    out.stats.elapsed_ms = started.elapsed().as_millis() as u64;
    out.warnings.sort();
    out
}

struct Visitor<'a> {
    root: &'a Root,
    matcher: &'a Matcher,
    progress: &'a Progress,
    shared: &'a Mutex<ScanOutput>,
    scanner: BufferScanner,
    local: ScanOutput,
}

impl<'a> Visitor<'a> {
    fn into_visit(
        self,
    ) -> Box<dyn FnMut(Result<ignore::DirEntry, ignore::Error>) -> WalkState + Send + 'a> {
        let mut this = self;
        Box::new(move |entry| this.visit(entry))
    }

    fn warn(&mut self, path: Option<String>, message: String) {
        self.progress.add_warning();
        self.local.warnings.push(Warning {
            path,
            member: None,
            message,
        });
    }

    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = error_path(&err).map(|p| self.root.display_path(&p));
                self.warn(path, walk_error_reason(&err));
                return WalkState::Continue;
            }
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if self.root.ignore.matched(path, is_dir).is_ignore() {
            return if is_dir {
                WalkState::Skip
            } else {
                WalkState::Continue
            };
        }
        let Some(file_type) = entry.file_type() else {
            return WalkState::Continue;
        };
        if file_type.is_dir() || file_type.is_symlink() {
            // A symbolic link reaches here only when links are not followed.
            return WalkState::Continue;
        }
        let shown = self.root.display_path(path);
        if !file_type.is_file() {
            self.warn(Some(shown), "skipped: not a regular file".into());
            return WalkState::Continue;
        }
        self.scan_file(path, shown);
        WalkState::Continue
    }

    fn scan_file(&mut self, path: &Path, shown: String) {
        let file = match open_regular(path) {
            Ok(Some(f)) => f,
            Ok(None) => return self.warn(Some(shown), "skipped: not a regular file".into()),
            Err(e) => {
                return self.warn(Some(shown), format!("cannot read: {}", walk::io_reason(&e)))
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let mut file = progress::Counted::new(file, self.progress);
        let scanned = scan_named(&mut self.scanner, self.matcher, &name, &mut file);
        for w in &scanned.warnings {
            self.progress.add_warning();
            self.local.warnings.push(w.at(Some(shown.clone())));
        }
        match &scanned.error {
            None => {
                self.local.stats.files_scanned += 1;
                self.local.stats.bytes_scanned += scanned.bytes;
                self.progress.add_file(file.uncounted(scanned.bytes));
            }
            Some(e) => self.warn(
                Some(shown.clone()),
                format!("read failed: {}", walk::io_reason(e)),
            ),
        }
        if scanned.matches.is_empty() {
            return;
        }
        self.progress.add_findings(scanned.matches.len() as u64);
        for m in &scanned.matches {
            self.local.occurrences.push(m.occurrence(&shown, None));
        }
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        shared.occurrences.extend(local.occurrences);
        shared.warnings.extend(local.warnings);
        shared.stats.files_scanned += local.stats.files_scanned;
        shared.stats.bytes_scanned += local.stats.bytes_scanned;
    }
}

/// Opens a file for reading without blocking on FIFOs; `None` when it is not a regular file.
fn open_regular(path: &Path) -> std::io::Result<Option<File>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Ok(None);
    }
    Ok(Some(file))
}

fn error_path(err: &ignore::Error) -> Option<std::path::PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn walk_error_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_error_reason(err),
        ignore::Error::Loop { .. } => "skipped: symbolic link loop".into(),
        ignore::Error::Io(e) => format!("cannot read: {}", walk::io_reason(e)),
        other => other.to_string(),
    }
}

/// Shared so that tests and the library's callers can hold a matcher across scans.
pub type SharedMatcher = Arc<Matcher>;
