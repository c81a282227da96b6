//! Provenance: for the few blobs that hold keys, which commits hold them, and at which paths.
//!
//! Stage: walk (attribution, after the scan). Rather than diffing every commit, each
//! commit's tree is asked which key-holding blobs it contains. The sweep's tree graph
//! answers which trees hold one at all (memoised per tree, without reading anything); only
//! those trees are read again, for the names on the paths to the keys.

use super::graph::{TreeGraph, BLOB};
use super::history::History;
use super::{join, GitError};
use gix::hashtable::HashSet;
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
    let graph = &history.graph;
    let mut out = Provenance::default();
    if hot.is_empty() {
        return Ok(out);
    }
    let hot_blobs: Vec<bool> = graph.blob_ids.iter().map(|b| hot.contains(b)).collect();
    let mut finder = Finder {
        repo,
        graph,
        hot,
        holds_hot: vec![Unknown; graph.len()],
        hot_blobs,
        memo: vec![None; graph.len()],
        buf: Vec::new(),
    };
    for (i, commit) in history.commits.iter().enumerate() {
        let Some(n) = graph.node_of(&commit.tree) else {
            continue;
        };
        for (path, blob) in finder.holds(n)?.iter() {
            out.holders
                .entry((path_string(path), *blob))
                .or_default()
                .push(i);
        }
    }
    if let Some(n) = history.head_tree.and_then(|t| graph.node_of(&t)) {
        out.at_head = finder
            .holds(n)?
            .iter()
            .map(|(p, b)| (path_string(p), *b))
            .collect();
    }
    Ok(out)
}

fn path_string(path: &[u8]) -> String {
    super::display_path(path.into())
}

type Holds = Arc<Vec<(Vec<u8>, ObjectId)>>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum HoldsHot {
    Unknown,
    No,
    Yes,
}
use HoldsHot::{No, Unknown, Yes};

struct Finder<'a> {
    repo: &'a gix::Repository,
    graph: &'a TreeGraph,
    hot: &'a HashSet<ObjectId>,
    holds_hot: Vec<HoldsHot>,
    hot_blobs: Vec<bool>,
    memo: Vec<Option<Holds>>,
    buf: Vec<u8>,
}

impl Finder<'_> {
    /// Whether tree node `n` holds a hot blob anywhere below it, from the graph alone.
    /// Recursion goes only as deep as the tree (directories), never along history.
    fn holds_hot(&mut self, n: u32) -> bool {
        match self.holds_hot[n as usize] {
            Yes => return true,
            No => return false,
            Unknown => {}
        }
        let mut found = false;
        for &e in self.graph.entries(n) {
            found = if e & BLOB != 0 {
                self.hot_blobs[(e & !BLOB) as usize]
            } else {
                self.holds_hot(e)
            };
            if found {
                break;
            }
        }
        self.holds_hot[n as usize] = if found { Yes } else { No };
        found
    }

    /// The hot blobs under tree node `n`, with their paths relative to it.
    fn holds(&mut self, n: u32) -> Result<Holds, GitError> {
        if !self.holds_hot(n) {
            return Ok(Holds::default());
        }
        if let Some(known) = &self.memo[n as usize] {
            return Ok(known.clone());
        }
        let id = self.graph.tree_ids[n as usize];
        let mut subtrees = Vec::new();
        let mut out = Vec::new();
        let iter = self
            .repo
            .objects
            .find_tree_iter(&id, &mut self.buf)
            .map_err(|e| {
                GitError::repo(self.repo.git_dir(), format!("cannot read tree {id}: {e}"))
            })?;
        for entry in iter {
            let entry = entry.map_err(|e| {
                GitError::repo(self.repo.git_dir(), format!("corrupt tree {id}: {e}"))
            })?;
            if entry.mode.is_tree() {
                if let Some(c) = self.graph.node_of(&entry.oid.to_owned()) {
                    subtrees.push((entry.filename.to_vec(), c));
                }
            } else if entry.mode.is_blob_or_symlink() && self.hot.contains(entry.oid) {
                out.push((entry.filename.to_vec(), entry.oid.to_owned()));
            }
        }
        for (name, c) in subtrees {
            for (path, blob) in self.holds(c)?.iter() {
                out.push((join(&name, path), *blob));
            }
        }
        let holds = Arc::new(out);
        self.memo[n as usize] = Some(holds.clone());
        Ok(holds)
    }
}
