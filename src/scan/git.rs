//! Scan git blobs: decompress and match many blobs in parallel, each once.
//!
//! Stage: read + match, for git sources. Every blob goes through [`scan_input`] (the same
//! step as files), over an in-memory cursor. Each worker thread holds one blob at a time,
//! so memory is bounded by the thread count times the largest blob, whatever the history's
//! size. Knows nothing of commits or paths: that is [`crate::git`].

use super::content::{scan_input, InputMatch, InputWarning};
use super::matcher::Matcher;
use super::progress::Progress;
use super::read::BufferScanner;
use gix::objs::{Find, Kind};
use gix::ObjectId;
use rayon::prelude::*;
use std::collections::HashMap;

/// Blobs handed to a worker at a time: large enough to amortise scheduling, small enough
/// to balance a history whose blobs differ wildly in size.
const BATCH: usize = 64;

/// What scanning a list of blobs gave.
#[derive(Debug, Default)]
pub struct BlobScans {
    /// The keys (minus allowed lines) of every blob that holds one.
    pub found: HashMap<ObjectId, Vec<InputMatch>>,
    /// Problems inside blobs that did not stop their scan (an archive member skipped by a
    /// guard rail, an encrypted member), by blob.
    pub warnings: HashMap<ObjectId, Vec<InputWarning>>,
    /// Blobs read to their end.
    pub blobs: u64,
    pub bytes: u64,
    /// Blobs that could not be read, and why.
    pub failures: Vec<(ObjectId, String)>,
}

impl BlobScans {
    fn merge(mut self, other: BlobScans) -> BlobScans {
        self.found.extend(other.found);
        self.warnings.extend(other.warnings);
        self.blobs += other.blobs;
        self.bytes += other.bytes;
        self.failures.extend(other.failures);
        self
    }
}

/// Reads and scans every blob in `ids` on `threads` threads. A blob that is missing or
/// cannot be decompressed is a failure, never an abort.
pub fn scan_blobs(
    repo: &gix::ThreadSafeRepository,
    ids: &[ObjectId],
    matcher: &Matcher,
    threads: usize,
    progress: &Progress,
) -> BlobScans {
    let run = || {
        ids.par_chunks(BATCH)
            .map_init(
                || Worker::new(repo),
                |worker, batch| {
                    for id in batch {
                        worker.scan(id, matcher, progress);
                    }
                    std::mem::take(&mut worker.out)
                },
            )
            .reduce(BlobScans::default, BlobScans::merge)
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        // Without a pool of our own, rayon's global pool still scans.
        Err(_) => run(),
    }
}

/// Scans the blobs that `produce` lists while it lists them: `produce` runs on a thread of
/// its own and hands each id to the sink it is given; `threads` workers read and scan what
/// it has handed over so far. Returns the scans and what `produce` returned.
pub fn scan_blob_stream<T, P>(
    repo: &gix::ThreadSafeRepository,
    matcher: &Matcher,
    threads: usize,
    progress: &Progress,
    produce: P,
) -> (BlobScans, T)
where
    P: FnOnce(&mut dyn FnMut(ObjectId)) -> T + Send,
    T: Send,
{
    // Bounded, so that a fast producer never holds more than a few batches of ids.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<ObjectId>>(256);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let mut sink = |id: ObjectId| {
                batch.push(id);
                if batch.len() == BATCH {
                    // A send fails only when the workers are gone; nothing is left to do.
                    let _ = tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                }
            };
            let result = produce(&mut sink);
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            result
        });
        let run = || {
            rx.into_iter()
                .par_bridge()
                .map_init(
                    || Worker::new(repo),
                    |worker, batch| {
                        for id in &batch {
                            worker.scan(id, matcher, progress);
                        }
                        std::mem::take(&mut worker.out)
                    },
                )
                .reduce(BlobScans::default, BlobScans::merge)
        };
        let scans = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        };
        match producer.join() {
            Ok(result) => (scans, result),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Reads one blob's content; `None` when the object is missing or not a blob.
pub fn read_blob(repo: &gix::Repository, id: &ObjectId) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    match repo.objects.try_find(id, &mut buf) {
        Ok(Some(data)) if data.kind == Kind::Blob => Some(data.data.to_vec()),
        _ => None,
    }
}

struct Worker {
    repo: gix::Repository,
    buf: Vec<u8>,
    scanner: BufferScanner,
    out: BlobScans,
}

impl Worker {
    fn new(repo: &gix::ThreadSafeRepository) -> Self {
        Worker {
            repo: repo.to_thread_local(),
            buf: Vec::new(),
            scanner: BufferScanner::default(),
            out: BlobScans::default(),
        }
    }

    fn scan(&mut self, id: &ObjectId, matcher: &Matcher, progress: &Progress) {
        let data = match self.repo.objects.try_find(id, &mut self.buf) {
            Ok(Some(data)) if data.kind == Kind::Blob => data.data,
            Ok(Some(_)) => return,
            Ok(None) => {
                progress.add_warning();
                self.out.failures.push((*id, "missing object".into()));
                return;
            }
            Err(e) => {
                progress.add_warning();
                let message = crate::git::one_line(&e.to_string());
                self.out
                    .failures
                    .push((*id, format!("cannot read: {message}")));
                return;
            }
        };
        let scanned = scan_input(&mut self.scanner, matcher, &mut std::io::Cursor::new(data));
        self.out.blobs += 1;
        self.out.bytes += scanned.bytes;
        progress.add_file(scanned.bytes);
        if !scanned.warnings.is_empty() {
            (0..scanned.warnings.len()).for_each(|_| progress.add_warning());
            self.out.warnings.insert(*id, scanned.warnings);
        }
        if !scanned.matches.is_empty() {
            progress.add_findings(scanned.matches.len() as u64);
            self.out.found.insert(*id, scanned.matches);
        }
    }
}
