//! Repository discovery: REPO is a repository (a work tree, a bare repository, or a path
//! inside one), or a directory whose immediate subdirectories are repositories (clones or
//! bare mirrors).
//!
//! Stage: walk. Opens repositories; reads no objects.

use super::GitError;
use std::path::{Path, PathBuf};

/// One repository to scan.
pub struct FoundRepo {
    /// The repository's name when REPO held several (the subdirectory's name, without a
    /// trailing `.git`); `None` when REPO was one repository.
    pub name: Option<String>,
    /// Where it was found.
    pub path: PathBuf,
    pub repo: gix::ThreadSafeRepository,
}

/// What REPO turned out to be.
pub struct Found {
    pub repos: Vec<FoundRepo>,
    /// Subdirectories that looked like repositories but could not be opened.
    pub failures: Vec<(String, String)>,
}

/// Opens REPO as one repository, or, when `allow_many`, as a directory of repositories.
/// A path inside a work tree opens its repository.
pub fn find(path: &Path, allow_many: bool) -> Result<Found, GitError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| GitError::repo(path, crate::scan::walk::io_reason(&e)))?;
    if !meta.is_dir() {
        return Err(GitError::NotARepository(path.to_path_buf()));
    }
    if let Ok(repo) = gix::open(path) {
        return Ok(single(path, repo));
    }
    if allow_many {
        let found = children(path)?;
        if !found.repos.is_empty() || !found.failures.is_empty() {
            return Ok(found);
        }
    }
    match gix::discover(path) {
        Ok(repo) => Ok(single(path, repo)),
        Err(_) => Err(GitError::NotARepository(path.to_path_buf())),
    }
}

fn single(path: &Path, repo: gix::Repository) -> Found {
    Found {
        repos: vec![FoundRepo {
            name: None,
            path: path.to_path_buf(),
            repo: repo.into_sync(),
        }],
        failures: Vec::new(),
    }
}

/// The immediate subdirectories of `dir` that are repositories, sorted by name.
fn children(dir: &Path) -> Result<Found, GitError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| GitError::repo(dir, crate::scan::walk::io_reason(&e)))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    paths.sort();
    let mut found = Found {
        repos: Vec::new(),
        failures: Vec::new(),
    };
    for path in paths {
        let Some(file_name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if !looks_like_repository(&path) {
            continue;
        }
        let name = match file_name.strip_suffix(".git") {
            Some(stem) if !stem.is_empty() => stem.to_string(),
            _ => file_name.clone(),
        };
        match gix::open(&path) {
            Ok(repo) => found.repos.push(FoundRepo {
                name: Some(name),
                path,
                repo: repo.into_sync(),
            }),
            Err(e) => found
                .failures
                .push((file_name, super::one_line(&e.to_string()))),
        }
    }
    Ok(found)
}

/// A work tree (`.git` inside) or a bare repository (`HEAD`, `objects/` and `refs/`).
fn looks_like_repository(path: &Path) -> bool {
    path.join(".git").exists()
        || (path.join("HEAD").is_file()
            && path.join("objects").is_dir()
            && path.join("refs").is_dir())
}
