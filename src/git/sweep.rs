//! Git scans end to end: find the repositories, enumerate what to read, scan it, and turn
//! the matches into occurrences with their provenance.
//!
//! Stage: walk → (read + match in [`crate::scan::git`]) → occurrences. This module decides
//! and attributes; the scan module reads and matches, on its threads.

use super::discover::{self, FoundRepo};
use super::history::{self, CommitInfo, History, SweepOptions};
use super::provenance::{self, Provenance};
use super::{remote, GitError, GitMode, GitRequest};
use crate::finding::{GitOrigin, Occurrence, ScanStats, Warning};
use crate::report::sarif::{RunInfo, VersionControl};
use crate::scan::git::{scan_blob_stream, BlobScans};
use crate::scan::matcher::Matcher;
use crate::scan::progress::Progress;
use crate::scan::walk::{self, Suppressions};
use crate::scan::ScanOutput;
use gix::ObjectId;
use ignore::gitignore::Gitignore;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// Report paths of blobs that no commit holds start with this.
pub const ORPHAN_PREFIX: &str = "unreachable-blob/";

/// What a git scan gives: the occurrences and warnings for every format, and the SARIF
/// runs (one per repository when REPO held several).
#[derive(Debug, Default)]
pub struct GitOutput {
    pub output: ScanOutput,
    pub runs: Vec<RunInfo>,
}

/// How a scan is run: the matcher, its threads, and the SARIF base category.
pub struct ScanContext<'a> {
    pub matcher: &'a Matcher,
    pub threads: usize,
    pub progress: &'a Progress,
    /// `automationDetails.id` of a single run; runs of a multi-repository scan get
    /// `<category><repository>/`.
    pub category: &'a str,
}

/// Runs the git scan `request` asks for. Errors are about the repository as a whole (not
/// one, a bare repository for `--staged`, a bad `--range`): the user's to fix.
pub fn run(request: &GitRequest, ctx: &ScanContext<'_>) -> Result<GitOutput, GitError> {
    let started = Instant::now();
    let many_allowed = matches!(request.mode, GitMode::History { .. });
    let found = discover::find(&request.path, many_allowed)?;
    let multi = found.repos.iter().any(|r| r.name.is_some()) || !found.failures.is_empty();
    let mut out = GitOutput::default();
    for (name, message) in &found.failures {
        out.output.warnings.push(Warning::about(
            name,
            format!("cannot open repository: {message}"),
        ));
    }
    for found_repo in &found.repos {
        let result = match &request.mode {
            GitMode::Staged { all_lines } => super::staged_scan::scan(found_repo, *all_lines, ctx),
            GitMode::History { all_objects, range } => {
                let opts = SweepOptions {
                    all_objects: *all_objects,
                    range: range.clone(),
                };
                sweep_repo(found_repo, &opts, ctx)
            }
        };
        let repo_out = match result {
            Ok(r) => r,
            // One unreadable repository among many is a warning; alone, it is the error.
            Err(e) if multi => {
                out.output.warnings.push(Warning {
                    path: found_repo.name.clone(),
                    member: None,
                    message: e.to_string(),
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let info = run_info(found_repo, ctx.category, &repo_out.warnings);
        out.output.occurrences.extend(repo_out.occurrences);
        out.output.warnings.extend(
            repo_out
                .warnings
                .into_iter()
                .map(|w| prefixed(found_repo, w)),
        );
        out.output.stats.files_scanned += repo_out.stats.files_scanned;
        out.output.stats.bytes_scanned += repo_out.stats.bytes_scanned;
        out.runs.push(info);
    }
    if multi {
        // Every repository keeps its own run, even one that failed to open or had no key.
        for (name, message) in &found.failures {
            out.runs.push(RunInfo {
                repository: Some(repo_name(name)),
                category: format!("{}{}/", ctx.category, repo_name(name)),
                provenance: None,
                warnings: vec![Warning::general(format!(
                    "cannot open repository: {message}"
                ))],
            });
        }
    }
    out.output.warnings.sort();
    out.output.stats.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(out)
}

fn repo_name(dir_name: &str) -> String {
    match dir_name.strip_suffix(".git") {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => dir_name.to_string(),
    }
}

/// In the combined report, a repository's warnings name it.
fn prefixed(repo: &FoundRepo, mut w: Warning) -> Warning {
    if let Some(name) = &repo.name {
        w.path = Some(match w.path {
            Some(p) => format!("{name}/{p}"),
            None => name.clone(),
        });
    }
    w
}

fn run_info(found: &FoundRepo, category: &str, warnings: &[Warning]) -> RunInfo {
    let repo = found.repo.to_thread_local();
    let provenance = remote::remote_uri(&repo).map(|uri| VersionControl {
        repository_uri: uri,
        revision_id: repo.head_id().ok().map(|id| id.to_string()),
        branch: repo
            .head_name()
            .ok()
            .flatten()
            .map(|n| n.as_bstr().to_string()),
    });
    RunInfo {
        category: match &found.name {
            Some(name) => format!("{category}{name}/"),
            None => category.to_string(),
        },
        repository: found.name.clone(),
        provenance,
        warnings: warnings.to_vec(),
    }
}

/// The occurrences, warnings and counters of one repository.
#[derive(Debug, Default)]
pub struct RepoOutput {
    pub occurrences: Vec<Occurrence>,
    pub warnings: Vec<Warning>,
    pub stats: ScanStats,
}

/// The paths and fingerprints a repository's own `.keyhoundignore` (at its work tree's
/// root) leaves out.
pub struct RepoIgnore {
    pub paths: Gitignore,
    pub fingerprints: HashSet<String>,
}

impl RepoIgnore {
    pub fn read(repo: &gix::Repository) -> Result<Self, GitError> {
        let mut suppressions = Suppressions::default();
        let paths = match repo.workdir() {
            Some(dir) => walk::read_ignore_file(dir, &mut suppressions)
                .map_err(|e| GitError::repo(dir, e))?,
            None => Gitignore::empty(),
        };
        Ok(RepoIgnore {
            paths,
            fingerprints: suppressions.fingerprints,
        })
    }

    /// Nothing ignored.
    pub fn none() -> Self {
        RepoIgnore {
            paths: Gitignore::empty(),
            fingerprints: HashSet::new(),
        }
    }

    pub fn path_ignored(&self, path: &str) -> bool {
        self.paths
            .matched_path_or_any_parents(path, false)
            .is_ignore()
    }
}

/// Warnings for blobs that could not be read, each at the path `place` gives it (a path that
/// holds it), or at the blob's id when none does.
pub fn failure_warnings(
    scans: &BlobScans,
    place: impl Fn(&ObjectId) -> Option<String>,
) -> Vec<Warning> {
    scans
        .failures
        .iter()
        .map(|(id, message)| match place(id) {
            Some(path) => Warning::about(path, format!("{message} (blob {id})")),
            None => Warning::about(format!("{ORPHAN_PREFIX}{id}"), message),
        })
        .collect()
}

/// Warnings about blobs (from inside them, or that they could not be read), each at the
/// first path (in path order) that holds its blob, or at the blob's id when no commit holds
/// it.
fn placed_warnings(scans: &BlobScans, prov: &Provenance) -> Vec<Warning> {
    let failed: HashSet<ObjectId> = scans.failures.iter().map(|(id, _)| *id).collect();
    let mut first_path: HashMap<ObjectId, &str> = HashMap::new();
    for (path, blob) in prov.holders.keys() {
        if scans.warnings.contains_key(blob) || failed.contains(blob) {
            let entry = first_path.entry(*blob).or_insert(path.as_str());
            if path.as_str() < *entry {
                *entry = path.as_str();
            }
        }
    }
    let place = |blob: &ObjectId| first_path.get(blob).map(|p| p.to_string());
    let mut out = failure_warnings(scans, place);
    for (blob, ws) in &scans.warnings {
        let path = place(blob).unwrap_or_else(|| format!("{ORPHAN_PREFIX}{blob}"));
        out.extend(ws.iter().map(|w| w.at(Some(path.clone()))));
    }
    out
}

/// `--history` over one repository.
fn sweep_repo(
    found: &FoundRepo,
    opts: &SweepOptions,
    ctx: &ScanContext<'_>,
) -> Result<RepoOutput, GitError> {
    let repo = found.repo.to_thread_local();
    let mut ignore_problem = None;
    let ignore = match RepoIgnore::read(&repo) {
        Ok(ignore) => ignore,
        // One repository among many with a broken ignore file is still swept, unsuppressed:
        // skipping it would lose its keys.
        Err(e) if found.name.is_some() => {
            ignore_problem = Some(Warning::general(format!(
                "{e}; swept without its .keyhoundignore"
            )));
            RepoIgnore::none()
        }
        Err(e) => return Err(e),
    };
    // Blobs are scanned while history is still being enumerated.
    let (scans, history) = scan_blob_stream(
        &found.repo,
        ctx.matcher,
        ctx.threads,
        ctx.progress,
        |on_blob| history::enumerate(&found.repo.to_thread_local(), opts, on_blob),
    );
    let history = history?;
    // Blobs with warnings (and those that could not be read: missing from a damaged
    // repository, not only unreachable ones) are placed too, so that a warning names a path.
    let hot: gix::hashtable::HashSet<ObjectId> = scans
        .found
        .keys()
        .chain(scans.warnings.keys())
        .chain(scans.failures.iter().map(|(id, _)| id))
        .copied()
        .collect();
    let prov = provenance::attribute(&repo, &history, &hot)?;
    let mut warnings = placed_warnings(&scans, &prov);
    warnings.extend(ignore_problem);
    let mut out = RepoOutput {
        occurrences: attributed(&history, &scans, &prov, &ignore, found.name.as_deref()),
        warnings,
        stats: ScanStats {
            files_scanned: scans.blobs,
            bytes_scanned: scans.bytes,
            elapsed_ms: 0,
        },
    };
    out.warnings
        .extend(history.problems.iter().map(Warning::general));
    out.occurrences
        .retain(|o| !ignore.fingerprints.contains(&o.secret.fingerprint()));
    Ok(out)
}

/// The earliest commit holding a key at a path, and how widely history holds it there.
struct Group<'a> {
    earliest: &'a CommitInfo,
    blob: ObjectId,
    commits: u64,
    at_head: bool,
}

/// One occurrence per match of each key at each path, taken from the blob of the earliest
/// commit holding the key there; blobs no commit holds get an [`ORPHAN_PREFIX`] path.
fn attributed(
    history: &History,
    scans: &BlobScans,
    prov: &Provenance,
    ignore: &RepoIgnore,
    repository: Option<&str>,
) -> Vec<Occurrence> {
    let order = |c: &CommitInfo| (c.time, c.generation, c.id);
    let mut groups: BTreeMap<(String, String), Group<'_>> = BTreeMap::new();
    let mut held = HashSet::new();
    for ((path, blob), commits) in &prov.holders {
        held.insert(*blob);
        if ignore.path_ignored(path) {
            continue;
        }
        let (Some(matches), Some(best)) = (
            scans.found.get(blob),
            commits
                .iter()
                .map(|&i| &history.commits[i])
                .min_by_key(|c| order(c)),
        ) else {
            continue;
        };
        let at_head = prov.at_head.contains(&(path.clone(), *blob));
        let fingerprints: HashSet<String> = matches
            .iter()
            .map(|m| m.found.secret.fingerprint())
            .collect();
        for fp in fingerprints {
            let group = groups.entry((fp, path.clone())).or_insert(Group {
                earliest: best,
                blob: *blob,
                commits: 0,
                at_head: false,
            });
            group.commits += commits.len() as u64;
            group.at_head |= at_head;
            if order(best) < order(group.earliest) {
                group.earliest = best;
                group.blob = *blob;
            }
        }
    }
    let mut out = Vec::new();
    for ((fp, path), g) in groups {
        let origin = GitOrigin {
            commit: g.earliest.id.to_string(),
            time: g.earliest.time,
            author_name: g.earliest.author_name.clone(),
            author_email: g.earliest.author_email.clone(),
            blob: g.blob.to_string(),
            commit_count: g.commits,
            present_at_head: g.at_head,
            reachable: g.earliest.reachable,
            repository: repository.map(str::to_string),
        };
        let matches = scans.found.get(&g.blob).map(Vec::as_slice).unwrap_or(&[]);
        for m in matches
            .iter()
            .filter(|m| m.found.secret.fingerprint() == fp)
        {
            out.push(m.occurrence(&path, Some(origin.clone())));
        }
    }
    let mut orphans: Vec<_> = scans
        .found
        .iter()
        .filter(|(b, _)| !held.contains(*b))
        .collect();
    orphans.sort_by_key(|(b, _)| **b);
    for (blob, matches) in orphans {
        let origin = GitOrigin {
            blob: blob.to_string(),
            repository: repository.map(str::to_string),
            ..GitOrigin::default()
        };
        let path = format!("{ORPHAN_PREFIX}{blob}");
        for m in matches {
            out.push(m.occurrence(&path, Some(origin.clone())));
        }
    }
    out
}
