//! Git enumeration: which repositories to sweep, which blobs to read, and where each blob
//! came from.
//!
//! Stage: walk, for git sources. This module reads the index, refs, commits and trees, and
//! decides *what* to read; it never matches blob content (that is [`crate::scan::git`]) and
//! starts no threads. Paths it produces are repository-relative and `/`-separated.

pub mod added;
pub mod discover;
pub mod graph;
pub mod history;
pub mod provenance;
pub mod range;
pub mod remote;
pub mod staged;
pub mod staged_scan;
pub mod sweep;

use gix::bstr::BStr;
use std::path::{Path, PathBuf};

/// What a git scan was asked to do, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitMode {
    /// The staged index against `HEAD`; `all_lines` reports every key in the staged files.
    Staged { all_lines: bool },
    /// Every blob reachable from every ref; `all_objects` adds unreachable objects; `range`
    /// (`A..B`) limits the sweep to what those commits introduce.
    History {
        all_objects: bool,
        range: Option<String>,
    },
}

/// A git scan request: the mode and the repository (or directory of repositories) to scan.
#[derive(Debug, Clone)]
pub struct GitRequest {
    pub mode: GitMode,
    pub path: PathBuf,
}

/// A problem with a repository as a whole (as opposed to one object in it).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path is neither a repository, inside one, nor a directory holding repositories.
    #[error("{}: not a git repository (nor a directory of repositories)", .0.display())]
    NotARepository(PathBuf),
    /// The repository could not be opened or read.
    #[error("{}: {message}", path.display())]
    Repository { path: PathBuf, message: String },
    /// `--range` could not be resolved.
    #[error("--range {range}: {message}")]
    Range { range: String, message: String },
}

impl GitError {
    pub(crate) fn repo(path: &Path, message: impl std::fmt::Display) -> Self {
        GitError::Repository {
            path: path.to_path_buf(),
            message: one_line(&message.to_string()),
        }
    }
}

/// The first line of an error message from the git library (its chains can span lines).
pub(crate) fn one_line(message: &str) -> String {
    message.lines().next().unwrap_or("").trim().to_string()
}

/// A repository path as reports show it: lossy UTF-8, `/`-separated, any key-shaped word
/// redacted.
pub fn display_path(path: &BStr) -> String {
    crate::secret::redact_keys_owned(String::from_utf8_lossy(path).into_owned())
}

/// Joins a tree path prefix and an entry name.
pub(crate) fn join(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + name.len() + 1);
    out.extend_from_slice(prefix);
    if !prefix.is_empty() {
        out.push(b'/');
    }
    out.extend_from_slice(name);
    out
}
