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
