//! History enumeration: the commits to attribute and the unique blobs to scan.
//!
//! Stage: walk, for `scan --history`. Collects every commit reachable from every ref (and,
//! with `--all-objects`, every commit still in the object store), then visits each distinct
//! tree once to list each distinct blob once, however many commits hold it. Reads commits
//! and trees, never blob content; keeps object ids, not contents, so memory follows the
//! number of objects, not their size.

use super::graph::{TreeGraph, BLOB};
use super::GitError;
use gix::bstr::ByteSlice;
use gix::hashtable::{HashMap, HashSet};
use gix::objs::{FindExt, FindHeader, Kind};
use gix::ObjectId;
use std::path::Path;

/// One commit of the swept history.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub tree: ObjectId,
    pub parents: Vec<ObjectId>,
    /// Committer time, seconds since the Unix epoch.
    pub time: i64,
    pub author_name: String,
    pub author_email: String,
    /// 1 for a root commit, else one more than its highest parent in the sweep: an ancestor
    /// always has a lower generation than its descendants.
    pub generation: u32,
    /// False for commits found only by `--all-objects` (no ref reaches them).
    pub reachable: bool,
}

/// What to sweep.
#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    pub all_objects: bool,
    /// `A..B`: the commits reachable from `B` and not from `A`.
    pub range: Option<String>,
}

/// The enumerated history of one repository.
#[derive(Debug, Default)]
pub struct History {
    pub commits: Vec<CommitInfo>,
    /// Distinct blobs listed to scan (each handed to the caller once, as found).
    pub blobs: u64,
    /// The commit `HEAD` points to, if any.
    pub head: Option<ObjectId>,
    /// That commit's tree.
    pub head_tree: Option<ObjectId>,
    /// Distinct trees read.
    pub trees: u64,
    /// What each distinct tree holds.
    pub graph: TreeGraph,
    /// Problems that did not stop the sweep (missing objects of a shallow clone, ...).
    pub problems: Vec<String>,
}

/// Enumerates the history of `repo` as `opts` asks.
/// Each distinct blob to scan is handed to `on_blob` once, as soon as it is found, so that
/// scanning can start before the enumeration ends.
pub fn enumerate(
    repo: &gix::Repository,
    opts: &SweepOptions,
    on_blob: &mut dyn FnMut(ObjectId),
) -> Result<History, GitError> {
    let git_dir = repo.git_dir().to_path_buf();
    let mut walk = Walk {
        repo,
        git_dir: &git_dir,
        buf: Vec::new(),
        history: History::default(),
        scratch: Vec::new(),
        missing: 0,
        on_blob,
    };
    walk.history.head = repo.head_id().ok().map(|id| id.detach());
    walk.history.head_tree = walk.history.head.and_then(|h| walk.commit_tree(h));
    let (tips, hidden) = match &opts.range {
        Some(range) => super::range::range_tips(repo, range)?,
        None => (walk.ref_tips()?, Vec::new()),
    };
    let range_commits = if opts.range.is_some() {
        Some(super::range::range_commits(
            repo,
            &tips,
            &hidden,
            opts.range.as_deref().unwrap_or(""),
        )?)
    } else {
        None
    };
    let mut commits = walk.commits(&tips, range_commits.as_ref(), true)?;
    if opts.range.is_some() {
        // What the range's boundary already holds is not introduced by the range.
        let boundary: Vec<ObjectId> = commits
            .iter()
            .flat_map(|c| c.parents.iter().copied())
            .filter(|p| range_commits.as_ref().is_some_and(|r| !r.contains(p)))
            .collect();
        for id in boundary {
            if let Some(tree) = walk.commit_tree(id) {
                walk.mark_seen(tree)?;
            }
        }
    }
    // One pass over the object store finds both the commits no ref reaches and the blobs
    // that may be held by no tree at all.
    let mut loose_blobs = Vec::new();
    if opts.all_objects {
        let known: HashSet<ObjectId> = commits.iter().map(|c| c.id).collect();
        let (extra, blobs) = walk.unreached_objects(&known)?;
        loose_blobs = blobs;
        let more = walk.commits(&extra, None, false)?;
        commits.extend(more.into_iter().filter(|c| !known.contains(&c.id)));
    }
    assign_generations(&mut commits);
    for c in &commits {
        walk.visit_tree(c.tree)?;
    }
    for id in loose_blobs {
        if walk.history.graph.blob(id).1 {
            walk.list(id);
        }
    }
    if walk.missing > 0 {
        walk.history.problems.push(format!(
            "{} objects are missing (a shallow or partial clone?): their content was not scanned",
            walk.missing
        ));
    }
    walk.history.commits = commits;
    Ok(walk.history)
}

/// Gives every commit its generation (see [`CommitInfo::generation`]), without recursion.
fn assign_generations(commits: &mut [CommitInfo]) {
    let index: HashMap<ObjectId, usize> =
        commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut generation = vec![0u32; commits.len()];
    for start in 0..commits.len() {
        let mut stack = vec![start];
        while let Some(&i) = stack.last() {
            if generation[i] != 0 {
                stack.pop();
                continue;
            }
            let pending: Vec<usize> = commits[i]
                .parents
                .iter()
                .filter_map(|p| index.get(p).copied())
                .filter(|&p| generation[p] == 0 && !stack.contains(&p))
                .collect();
            if pending.is_empty() {
                let highest = commits[i]
                    .parents
                    .iter()
                    .filter_map(|p| index.get(p).map(|&j| generation[j]))
                    .max()
                    .unwrap_or(0);
                generation[i] = highest.saturating_add(1);
                stack.pop();
            } else {
                stack.extend(pending);
            }
        }
    }
    for (c, g) in commits.iter_mut().zip(generation) {
        c.generation = g;
    }
}

struct Walk<'a> {
    repo: &'a gix::Repository,
    git_dir: &'a Path,
    buf: Vec<u8>,
    history: History,
    scratch: Vec<u32>,
    missing: u64,
    on_blob: &'a mut dyn FnMut(ObjectId),
}

impl Walk<'_> {
    /// Hands a new blob to the scan.
    fn list(&mut self, id: ObjectId) {
        self.history.blobs += 1;
        (self.on_blob)(id);
    }

    fn fail(&self, message: String) -> GitError {
        GitError::repo(self.git_dir, message)
    }

    /// Every ref's target (branches, tags, remote-tracking refs, notes, the stash and every
    /// older stash entry in its reflog), and `HEAD`. Tags are peeled; refs to trees or
    /// blobs add those directly.
    fn ref_tips(&mut self) -> Result<Vec<ObjectId>, GitError> {
        let mut tips: Vec<ObjectId> = self.history.head.into_iter().collect();
        let platform = self
            .repo
            .references()
            .map_err(|e| self.fail(format!("cannot list refs: {e}")))?;
        let refs = platform
            .all()
            .map_err(|e| self.fail(format!("cannot list refs: {e}")))?;
        for r in refs {
            let Ok(mut r) = r else {
                self.history
                    .problems
                    .push("an unreadable ref was skipped".into());
                continue;
            };
            if r.name().as_bstr() == "refs/stash" {
                let mut log = r.log_iter();
                if let Ok(Some(lines)) = log.all() {
                    tips.extend(lines.filter_map(Result::ok).map(|l| l.new_oid()));
                }
            }
            match r.peel_to_id() {
                Ok(id) => tips.push(id.detach()),
                Err(_) => self.history.problems.push(format!(
                    "ref {} points to a missing object",
                    r.name().as_bstr()
                )),
            }
        }
        let mut commits = Vec::new();
        for id in tips {
            match self.repo.objects.try_header(&id) {
                Ok(Some(h)) if h.kind == Kind::Commit => commits.push(id),
                Ok(Some(h)) if h.kind == Kind::Tree => self.visit_tree(id)?,
                Ok(Some(h)) if h.kind == Kind::Blob => {
                    if self.history.graph.blob(id).1 {
                        self.list(id);
                    }
                }
                Ok(_) => {}
                Err(_) => self.missing += 1,
            }
        }
        commits.sort();
        commits.dedup();
        Ok(commits)
    }

    /// Decodes every commit reachable from `tips` (only those in `only`, when given).
    fn commits(
        &mut self,
        tips: &[ObjectId],
        only: Option<&HashSet<ObjectId>>,
        reachable: bool,
    ) -> Result<Vec<CommitInfo>, GitError> {
        let mut seen: HashSet<ObjectId> = HashSet::default();
        let mut stack: Vec<ObjectId> = tips.to_vec();
        let mut out = Vec::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) || only.is_some_and(|o| !o.contains(&id)) {
                continue;
            }
            let commit = match self.repo.objects.find_commit(&id, &mut self.buf) {
                Ok(c) => c,
                Err(_) => {
                    self.missing += 1;
                    continue;
                }
            };
            let parents: Vec<ObjectId> = commit.parents().collect();
            let (author_name, author_email) = match commit.author() {
                Ok(a) => (
                    String::from_utf8_lossy(a.name.trim()).into_owned(),
                    String::from_utf8_lossy(a.email.trim()).into_owned(),
                ),
                Err(_) => (String::new(), String::new()),
            };
            let time = commit.committer().map(|c| c.seconds()).unwrap_or(0);
            stack.extend(parents.iter().copied());
            out.push(CommitInfo {
                id,
                tree: commit.tree(),
                parents,
                time,
                author_name,
                author_email,
                generation: 0,
                reachable,
            });
        }
        Ok(out)
    }

    fn commit_tree(&mut self, id: ObjectId) -> Option<ObjectId> {
        self.repo
            .objects
            .find_commit(&id, &mut self.buf)
            .ok()
            .map(|c| c.tree())
    }

    /// Lists the blobs under `root` that were not seen before, reading each tree once.
    fn visit_tree(&mut self, root: ObjectId) -> Result<(), GitError> {
        self.walk_tree(root, true)
    }

    /// Marks everything under `root` as seen without listing it.
    fn mark_seen(&mut self, root: ObjectId) -> Result<(), GitError> {
        self.walk_tree(root, false)
    }

    fn walk_tree(&mut self, root: ObjectId, list: bool) -> Result<(), GitError> {
        let mut stack = vec![self.history.graph.node(root)];
        let mut entries = std::mem::take(&mut self.scratch);
        while let Some(n) = stack.pop() {
            if self.history.graph.visited(n) {
                continue;
            }
            self.history.trees += 1;
            let id = self.history.graph.tree_ids[n as usize];
            entries.clear();
            let mut children = Vec::new();
            match self.repo.objects.find_tree_iter(&id, &mut self.buf) {
                Ok(iter) => {
                    for entry in iter {
                        let entry = entry.map_err(|e| {
                            GitError::repo(self.git_dir, format!("corrupt tree {id}: {e}"))
                        })?;
                        if entry.mode.is_tree() {
                            children.push(entry.oid.to_owned());
                        } else if entry.mode.is_blob_or_symlink() {
                            let (b, new) = self.history.graph.blob(entry.oid.to_owned());
                            if new && list {
                                // Field by field: `self.buf` is borrowed by the tree.
                                self.history.blobs += 1;
                                (self.on_blob)(entry.oid.to_owned());
                            }
                            entries.push(BLOB | b);
                        }
                    }
                }
                Err(_) => self.missing += 1,
            }
            for child in children {
                let c = self.history.graph.node(child);
                if !self.history.graph.visited(c) {
                    stack.push(c);
                }
                entries.push(c);
            }
            self.history.graph.set_entries(n, &entries);
        }
        self.scratch = entries;
        Ok(())
    }

    /// The commits in the object store that are not `known`, and every blob the trees
    /// walked so far do not hold.
    fn unreached_objects(
        &mut self,
        known: &HashSet<ObjectId>,
    ) -> Result<(Vec<ObjectId>, Vec<ObjectId>), GitError> {
        let (mut commits, mut blobs) = (Vec::new(), Vec::new());
        for id in self.all_objects()? {
            if known.contains(&id) || self.history.graph.has_blob(&id) {
                continue;
            }
            match self.repo.objects.try_header(&id) {
                Ok(Some(h)) if h.kind == Kind::Commit => commits.push(id),
                Ok(Some(h)) if h.kind == Kind::Blob => blobs.push(id),
                _ => {}
            }
        }
        Ok((commits, blobs))
    }

    /// Every object id in the store (packs, then loose objects), each once.
    fn all_objects(&self) -> Result<Vec<ObjectId>, GitError> {
        let iter = self
            .repo
            .objects
            .iter()
            .map_err(|e| self.fail(format!("cannot list objects: {e}")))?;
        let mut ids: Vec<ObjectId> = iter.filter_map(Result::ok).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
}
