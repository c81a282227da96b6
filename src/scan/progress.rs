//! Progress counters, and a line on stderr during long scans on a terminal.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

/// Counters updated by scan threads. Cheap: relaxed atomics.
#[derive(Debug, Default)]
pub struct Progress {
    files: AtomicU64,
    bytes: AtomicU64,
    findings: AtomicU64,
    warnings: AtomicU64,
}

impl Progress {
    pub fn add_file(&self, bytes: u64) {
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
    }
    /// Bytes read so far of a file not finished yet (see [`Counted`]).
    pub fn add_bytes(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Relaxed);
    }
    pub fn add_findings(&self, n: u64) {
        self.findings.fetch_add(n, Relaxed);
    }
    pub fn add_warning(&self) {
        self.warnings.fetch_add(1, Relaxed);
    }
    fn line(&self) -> String {
        format!(
            "keyhound: {} files, {:.1} MB, {} keys found so far",
            self.files.load(Relaxed),
            self.bytes.load(Relaxed) as f64 / 1e6,
            self.findings.load(Relaxed)
        )
    }
}

/// A file being read, adding what is read to the progress as it goes, so that the line moves
/// during one large file. It counts the first pass only (to its end or its first seek);
/// [`Counted::uncounted`] is what the caller still adds when the file is done.
pub struct Counted<'a, R> {
    inner: R,
    progress: &'a Progress,
    counted: u64,
    counting: bool,
}

impl<'a, R> Counted<'a, R> {
    pub fn new(inner: R, progress: &'a Progress) -> Self {
        Counted {
            inner,
            progress,
            counted: 0,
            counting: true,
        }
    }

    /// Of a file of `bytes`, the part not yet added.
    pub fn uncounted(&self, bytes: u64) -> u64 {
        bytes.saturating_sub(self.counted)
    }
}

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.counting {
            self.counted += n as u64;
            self.progress.add_bytes(n as u64);
            self.counting = n > 0;
        }
        Ok(n)
    }
}

impl<R: std::io::Seek> std::io::Seek for Counted<'_, R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.counting = false;
        self.inner.seek(pos)
    }
}

/// Prints the progress line on stderr every so often until dropped. Starts after a second, so
/// that quick scans (a pre-commit hook) print nothing.
pub struct Ticker {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    pub fn start(progress: Arc<Progress>) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let thread = std::thread::spawn(move || {
            let mut waited = Duration::ZERO;
            let mut shown = false;
            let step = Duration::from_millis(100);
            while !flag.load(Relaxed) {
                std::thread::sleep(step);
                waited += step;
                if waited >= Duration::from_secs(1) && waited.as_millis() % 250 < 100 {
                    let _ = write!(std::io::stderr(), "\r\x1b[K{}", progress.line());
                    shown = true;
                }
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        });
        Ticker {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.done.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read, Seek, SeekFrom};

    #[test]
    fn a_file_counts_as_it_is_read_once_and_the_rest_when_done() {
        let progress = Progress::default();
        let mut file = Counted::new(Cursor::new(vec![7u8; 10_000]), &progress);
        let mut buf = [0u8; 4096];
        file.read_exact(&mut buf).unwrap();
        assert_eq!(
            progress.bytes.load(Relaxed),
            4096,
            "moves before the file is done"
        );
        let mut rest = Vec::new();
        file.read_to_end(&mut rest).unwrap();
        assert_eq!(progress.bytes.load(Relaxed), 10_000);
        // A second pass (for line hashes) is not counted again.
        file.seek(SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut rest).unwrap();
        assert_eq!(progress.bytes.load(Relaxed), 10_000);
        progress.add_file(file.uncounted(10_000));
        assert_eq!(progress.bytes.load(Relaxed), 10_000);
        assert_eq!(progress.files.load(Relaxed), 1);
        assert_eq!(Counted::new(Cursor::new(b""), &progress).uncounted(5), 5);
    }
}
