//! Staged changes: which index entries differ from `HEAD`'s tree, and how.
//!
//! Stage: walk, for `scan --staged`. Compares the index with `HEAD`'s tree directory by
//! directory, skipping every directory whose cached tree id (the index's `TREE` extension,
//! which `git add` invalidates only along the paths it touches) equals `HEAD`'s: beyond
//! reading the index, the cost follows the staged change, not the repository. Reads trees,
//! never blobs.

use super::{display_path, join, GitError};
use gix::bstr::{BStr, ByteSlice};
use gix::index::{entry::Mode, extension::Tree as CacheTree};
use gix::objs::FindExt;
use gix::ObjectId;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;

/// How a staged file differs from `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// New at this path (all of its lines are added, unless a rename is found for it).
    Added,
    /// Changed in place; `base` is the blob at `HEAD`.
    Modified { base: ObjectId },
    /// Moved unchanged from `from` (an exact rename: nothing is added).
    Renamed { from: String },
}

/// A staged file whose content differs from `HEAD` at its path.
#[derive(Debug, Clone)]
pub struct StagedFile {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// The staged blob.
    pub blob: ObjectId,
    pub change: Change,
}

/// The staged change, as far as the index and trees tell it.
#[derive(Debug, Default)]
pub struct StagedPlan {
    pub files: Vec<StagedFile>,
    /// Blobs at `HEAD` whose paths are gone from the index (deleted or moved away): the
    /// candidates for rename detection.
    pub deleted: Vec<(String, ObjectId)>,
    /// Paths that were not examined, and why (unresolved conflicts, sparse directories).
    pub skipped: Vec<(String, String)>,
    /// Index entries read.
    pub index_entries: usize,
    /// Trees of `HEAD` read to compare: those along the staged change's paths, not the
    /// repository's.
    pub trees_read: usize,
}

/// Reads the index (the file `GIT_INDEX_FILE` names when set, as git does for hooks) of a
/// repository with a work tree. A missing index file is an empty index.
pub fn read_index(repo: &gix::Repository) -> Result<Option<gix::index::File>, GitError> {
    if repo.workdir().is_none() {
        return Err(GitError::repo(
            repo.git_dir(),
            "a bare repository has no staged changes (--staged needs a work tree)",
        ));
    }
    let path = match std::env::var_os("GIT_INDEX_FILE") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => repo.index_path(),
    };
    if !path.exists() {
        return Ok(None);
    }
    gix::index::File::at(&path, repo.object_hash(), false, Default::default())
        .map(Some)
        .map_err(|e| GitError::repo(&path, format!("cannot read the index: {e}")))
}

/// The staged change of `index` against `HEAD` (every staged file is [`Change::Added`] when
/// there is no `HEAD` yet). Exact renames are recognised here; similar-content renames need
/// blob content and are left to the caller (see [`StagedPlan::deleted`]).
pub fn staged_changes(
    repo: &gix::Repository,
    index: &gix::index::File,
) -> Result<StagedPlan, GitError> {
    let head_tree = head_tree(repo)?;
    let mut differ = Differ {
        repo,
        state: index,
        plan: StagedPlan {
            index_entries: index.entries().len(),
            ..StagedPlan::default()
        },
        buf: Vec::new(),
    };
    differ.dir(b"", 0..index.entries().len(), head_tree, index.tree())?;
    let mut plan = differ.plan;
    mark_exact_renames(&mut plan);
    Ok(plan)
}

/// `HEAD`'s tree, or `None` when `HEAD` is unborn (no commit yet).
pub fn head_tree(repo: &gix::Repository) -> Result<Option<ObjectId>, GitError> {
    let head = repo
        .head()
        .map_err(|e| GitError::repo(repo.git_dir(), format!("cannot read HEAD: {e}")))?;
    if head.is_unborn() {
        return Ok(None);
    }
    let commit = repo
        .head_commit()
        .map_err(|e| GitError::repo(repo.git_dir(), format!("cannot read HEAD: {e}")))?;
    commit
        .tree_id()
        .map(|id| Some(id.detach()))
        .map_err(|e| GitError::repo(repo.git_dir(), format!("cannot read HEAD's tree: {e}")))
}

/// An added file whose blob left `HEAD` at another path is that path, moved.
fn mark_exact_renames(plan: &mut StagedPlan) {
    let mut gone: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    for (i, (_, id)) in plan.deleted.iter().enumerate() {
        gone.entry(*id).or_default().push(i);
    }
    let mut used = HashSet::new();
    for file in plan.files.iter_mut().filter(|f| f.change == Change::Added) {
        if let Some(i) = gone.get_mut(&file.blob).and_then(|v| v.pop()) {
            used.insert(i);
            file.change = Change::Renamed {
                from: plan.deleted[i].0.clone(),
            };
        }
    }
    let mut i = 0;
    plan.deleted.retain(|_| {
        i += 1;
        !used.contains(&(i - 1))
    });
}

struct Differ<'a> {
    repo: &'a gix::Repository,
    state: &'a gix::index::State,
    plan: StagedPlan,
    buf: Vec<u8>,
}

type HeadEntries = HashMap<Vec<u8>, (gix::objs::tree::EntryMode, ObjectId)>;

impl Differ<'_> {
    /// Compares the index entries in `range` (all under `prefix`, which is empty or ends in
    /// `/`) with the tree `head` (absent when the directory is new).
    fn dir(
        &mut self,
        prefix: &[u8],
        range: Range<usize>,
        head: Option<ObjectId>,
        cache: Option<&CacheTree>,
    ) -> Result<(), GitError> {
        if let (Some(c), Some(h)) = (cache, head) {
            if c.num_entries.is_some() && c.id == h {
                return Ok(());
            }
        }
        let head_entries = match head {
            Some(id) => self.tree_entries(id)?,
            None => HeadEntries::new(),
        };
        let entries = self.state.entries();
        let (mut seen_dirs, mut seen_files) = (HashSet::new(), HashSet::new());
        let mut i = range.start;
        while i < range.end {
            let path = entries[i].path(self.state);
            // Entries are sorted by path, so a directory's are contiguous; a corrupt index
            // may break that, and its strays are skipped rather than sliced.
            let Some(rel) = path.strip_prefix(prefix).map(|r| r.as_bstr()) else {
                i += 1;
                continue;
            };
            if let Some(slash) = rel.find_byte(b'/') {
                let name = rel[..slash].to_vec();
                let sub = path[..prefix.len() + slash + 1].to_vec();
                let end = i + entries[i..range.end]
                    .partition_point(|e| e.path(self.state).starts_with(&sub));
                let head_sub = head_entries
                    .get(&name)
                    .filter(|(mode, _)| mode.is_tree())
                    .map(|(_, id)| *id);
                let cache_sub =
                    cache.and_then(|c| c.children.iter().find(|t| t.name.as_slice() == name));
                self.dir(&sub, i..end, head_sub, cache_sub)?;
                seen_dirs.insert(name);
                i = end;
            } else {
                let at_head = head_entries.get(rel).filter(|(mode, _)| !mode.is_tree());
                self.file(i, path, at_head.map(|(_, id)| *id), &head_entries, rel);
                seen_files.insert(rel.to_vec());
                i += 1;
            }
        }
        for (name, (mode, id)) in head_entries {
            let path = join(prefix.strip_suffix(b"/").unwrap_or(prefix), &name);
            if mode.is_tree() && !seen_dirs.contains(&name) {
                self.deleted_tree(&path, id)?;
            } else if mode.is_blob_or_symlink() && !seen_files.contains(&name) {
                self.plan.deleted.push((display_path(path.as_bstr()), id));
            }
        }
        Ok(())
    }

    fn file(
        &mut self,
        i: usize,
        path: &BStr,
        at_head: Option<ObjectId>,
        head_entries: &HeadEntries,
        rel: &BStr,
    ) {
        let entry = &self.state.entries()[i];
        let shown = display_path(path);
        if entry.stage_raw() != 0 {
            if self.plan.skipped.last().map(|(p, _)| p) != Some(&shown) {
                self.plan.skipped.push((
                    shown,
                    "not scanned: unmerged (resolve the conflict and stage the file)".into(),
                ));
            }
            return;
        }
        if entry.mode == Mode::DIR {
            // A sparse index keeps an unexpanded directory as one entry with its tree id.
            let same = head_entries.get(rel).is_some_and(|(_, id)| *id == entry.id);
            if !same {
                self.plan
                    .skipped
                    .push((shown, "not scanned: sparse directory entry".into()));
            }
            return;
        }
        // A submodule's commit is another repository's content; an intent-to-add entry
        // holds no staged content yet.
        if entry.mode == Mode::COMMIT
            || entry
                .flags
                .contains(gix::index::entry::Flags::INTENT_TO_ADD)
        {
            return;
        }
        let change = match at_head {
            Some(id) if id == entry.id => return,
            Some(base) => Change::Modified { base },
            None => Change::Added,
        };
        self.plan.files.push(StagedFile {
            path: shown,
            blob: entry.id,
            change,
        });
    }

    fn deleted_tree(&mut self, prefix: &[u8], id: ObjectId) -> Result<(), GitError> {
        for (name, (mode, id)) in self.tree_entries(id)? {
            let path = join(prefix, &name);
            if mode.is_tree() {
                self.deleted_tree(&path, id)?;
            } else if mode.is_blob_or_symlink() {
                self.plan.deleted.push((display_path(path.as_bstr()), id));
            }
        }
        Ok(())
    }

    fn tree_entries(&mut self, id: ObjectId) -> Result<HeadEntries, GitError> {
        self.plan.trees_read += 1;
        let git_dir = self.repo.git_dir();
        let iter = self
            .repo
            .objects
            .find_tree_iter(&id, &mut self.buf)
            .map_err(|e| GitError::repo(git_dir, format!("cannot read tree {id}: {e}")))?;
        let mut out = HeadEntries::new();
        for entry in iter {
            let entry =
                entry.map_err(|e| GitError::repo(git_dir, format!("corrupt tree {id}: {e}")))?;
            out.insert(entry.filename.to_vec(), (entry.mode, entry.oid.to_owned()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &std::path::Path, args: &[&str]) {
        let ok = Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.test")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.test")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .args(args)
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn only_trees_along_the_staged_paths_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        for d in 0..40 {
            for f in 0..5 {
                let path = root.join(format!("d{d}/sub/f{f}.txt"));
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, format!("{d} {f}\n")).unwrap();
            }
        }
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "all"]);
        std::fs::write(root.join("d7/sub/f1.txt"), "changed\n").unwrap();
        std::fs::write(root.join("d7/sub/new.txt"), "new\n").unwrap();
        // `git add PATH` keeps the cached trees of other directories valid (`git add -A`
        // invalidates them all, for git too, and the comparison then reads every tree).
        git(root, &["add", "d7/sub/f1.txt", "d7/sub/new.txt"]);

        let repo = gix::open(root).unwrap();
        let index = read_index(&repo).unwrap().unwrap();
        let plan = staged_changes(&repo, &index).unwrap();
        let got: Vec<(&str, bool)> = plan
            .files
            .iter()
            .map(|f| (f.path.as_str(), matches!(f.change, Change::Modified { .. })))
            .collect();
        assert_eq!(
            got,
            vec![("d7/sub/f1.txt", true), ("d7/sub/new.txt", false)]
        );
        // The root, d7 and d7/sub: 3 of the 81 trees.
        assert_eq!(plan.trees_read, 3, "{plan:?}");
        assert_eq!(plan.index_entries, 201);
    }
}
