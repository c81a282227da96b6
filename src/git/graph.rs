//! The tree graph of a sweep: which trees and blobs each distinct tree holds, by index.
//!
//! Stage: walk. Filled once while history is enumerated (each tree read once), so that
//! provenance can tell which trees hold a key-holding blob without reading every tree a
//! second time. Holds indices, not names: about 4 bytes per tree entry.

use gix::hashtable::HashMap;
use gix::ObjectId;

/// Marks an edge to a blob (the low bits index [`TreeGraph::blob_ids`]); other edges index
/// trees.
pub const BLOB: u32 = 1 << 31;
const UNVISITED: (u32, u32) = (u32::MAX, 0);

/// Trees and blobs seen by a sweep, and the entries of each tree read.
#[derive(Debug, Default)]
pub struct TreeGraph {
    index: HashMap<ObjectId, u32>,
    /// The tree id of each node.
    pub tree_ids: Vec<ObjectId>,
    spans: Vec<(u32, u32)>,
    edges: Vec<u32>,
    blob_index: HashMap<ObjectId, u32>,
    /// Every blob seen, in the order seen.
    pub blob_ids: Vec<ObjectId>,
}

impl TreeGraph {
    /// The node of tree `id`, added (not yet read) if it is new.
    pub fn node(&mut self, id: ObjectId) -> u32 {
        let next = self.tree_ids.len() as u32;
        let n = *self.index.entry(id).or_insert(next);
        if n == next {
            self.tree_ids.push(id);
            self.spans.push(UNVISITED);
        }
        n
    }

    /// The node of tree `id`, if it was seen.
    pub fn node_of(&self, id: &ObjectId) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The index of blob `id`, and whether it is new.
    pub fn blob(&mut self, id: ObjectId) -> (u32, bool) {
        let next = self.blob_ids.len() as u32;
        let b = *self.blob_index.entry(id).or_insert(next);
        if b == next {
            self.blob_ids.push(id);
        }
        (b, b == next)
    }

    pub fn has_blob(&self, id: &ObjectId) -> bool {
        self.blob_index.contains_key(id)
    }

    /// True once the tree's entries were recorded (or found missing).
    pub fn visited(&self, n: u32) -> bool {
        self.spans[n as usize] != UNVISITED
    }

    /// Records the entries of node `n`: tree nodes, and blob indices with [`BLOB`] set.
    pub fn set_entries(&mut self, n: u32, entries: &[u32]) {
        let start = self.edges.len() as u32;
        self.edges.extend_from_slice(entries);
        self.spans[n as usize] = (start, self.edges.len() as u32);
    }

    /// The recorded entries of node `n` (empty when it was not read).
    pub fn entries(&self, n: u32) -> &[u32] {
        match self.spans[n as usize] {
            UNVISITED => &[],
            (start, end) => &self.edges[start as usize..end as usize],
        }
    }

    /// Trees seen.
    pub fn len(&self) -> usize {
        self.tree_ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree_ids.is_empty()
    }
}
