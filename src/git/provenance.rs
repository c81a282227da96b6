//! Provenance: for the few blobs that hold keys, which commits hold them, and at which paths.
//!
//! Stage: walk (attribution, after the scan). Rather than diffing every commit, each
//! commit's tree is asked which key-holding blobs it contains; the answer is memoised per
//! tree id, so each distinct tree is read once more however many commits share it. Reads
//! trees only.

use super::history::History;
use super::{join, GitError};
use gix::hashtable::{HashMap, HashSet};
use gix::objs::FindExt;
use gix::ObjectId;
use std::sync::Arc;

/// A blob at a path: one way a commit can hold a key.
pub type Placement = (String, ObjectId);

/// Where the key-holding blobs sit in the swept commits.
#[derive(Debug, Default)]
pub struct Provenance {
    /// For each placement of a key-holding blob, the indices (into [`History::commits`]) of
    /// the commits whose trees hold it.
    pub holders: std::collections::HashMap<Placement, Vec<usize>>,
    /// The placements in `HEAD`'s tree.
    pub at_head: std::collections::HashSet<Placement>,
}

/// Finds every commit of `history` that holds a blob of `hot`, and where.
pub fn attribute(
    repo: &gix::Repository,
    history: &History,
    hot: &HashSet<ObjectId>,
) -> Result<Provenance, GitError> {
    let mut finder = Finder {
        repo,
        hot,
        memo: HashMap::default(),
        buf: Vec::new(),
        empty: Arc::new(Vec::new()),
    };
    let mut out = Provenance::default();
    if hot.is_empty() {
        return Ok(out);
    }
    for (i, commit) in history.commits.iter().enumerate() {
        for (path, blob) in finder.holds(commit.tree)?.iter() {
            out.holders
                .entry((path_string(path), *blob))
                .or_default()
                .push(i);
        }
    }
    if let Some(tree) = history.head_tree {
        out.at_head = finder
            .holds(tree)?
            .iter()
            .map(|(p, b)| (path_string(p), *b))
            .collect();
    }
    Ok(out)
}

fn path_string(path: &[u8]) -> String {
    String::from_utf8_lossy(path).into_owned()
}

type Holds = Arc<Vec<(Vec<u8>, ObjectId)>>;

struct Finder<'a> {
    repo: &'a gix::Repository,
    hot: &'a HashSet<ObjectId>,
    memo: HashMap<ObjectId, Holds>,
    buf: Vec<u8>,
    /// Shared by every tree that holds no hot blob (nearly all of them).
    empty: Holds,
}

impl Finder<'_> {
    /// The hot blobs under tree `id`, with their paths relative to it. Recursion goes only
    /// as deep as the tree (directories), never along history.
    fn holds(&mut self, id: ObjectId) -> Result<Holds, GitError> {
        if let Some(known) = self.memo.get(&id) {
            return Ok(known.clone());
        }
        let mut subtrees = Vec::new();
        let mut out = Vec::new();
        // A missing tree (a shallow clone) holds nothing we could have scanned.
        if let Ok(iter) = self.repo.objects.find_tree_iter(&id, &mut self.buf) {
            for entry in iter {
                let entry = entry.map_err(|e| {
                    GitError::repo(self.repo.git_dir(), format!("corrupt tree {id}: {e}"))
                })?;
                if entry.mode.is_tree() {
                    subtrees.push((entry.filename.to_vec(), entry.oid.to_owned()));
                } else if entry.mode.is_blob_or_symlink() && self.hot.contains(entry.oid) {
                    out.push((entry.filename.to_vec(), entry.oid.to_owned()));
                }
            }
        }
        for (name, sub) in subtrees {
            for (path, blob) in self.holds(sub)?.iter() {
                out.push((join(&name, path), *blob));
            }
        }
        let holds = if out.is_empty() {
            self.empty.clone()
        } else {
            Arc::new(out)
        };
        self.memo.insert(id, holds.clone());
        Ok(holds)
    }
}
