//! Where a command's text goes: stdout, stderr or `-o FILE`, through writers that a reader
//! going away does not stop.
//!
//! Stage: report I/O. A closed pipe (`keyhound scan | head -1`, or a pager quit early) ends
//! the output, not the command: what is written after it is dropped, and the command still
//! ends with its own exit code (1 when keys were found, 3 when a revocation failed), so that
//! a closed pipe never reads as a clean scan. Any other write error (a full disk) still fails
//! the command, naming what could not be written. Knows nothing of what is written.

use std::io::{self, Write};
use std::path::Path;

/// A writer that drops everything once its reader has gone (`BrokenPipe`), and says what
/// it writes to in any other error.
pub struct Unpiped<W> {
    inner: W,
    closed: bool,
    what: String,
}

impl<W: Write> Unpiped<W> {
    /// Wraps `inner`; `what` names it in errors (`stdout`, a path).
    pub fn new(inner: W, what: impl Into<String>) -> Self {
        Unpiped {
            inner,
            closed: false,
            what: what.into(),
        }
    }

    /// True once a write found the reader gone.
    pub fn closed(&self) -> bool {
        self.closed
    }

    fn settle<T>(&mut self, result: io::Result<T>, dropped: T) -> io::Result<T> {
        match result {
            Ok(v) => Ok(v),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(dropped)
            }
            Err(e) => Err(io::Error::new(
                e.kind(),
                format!(
                    "cannot write to {}: {}",
                    self.what,
                    crate::scan::walk::io_reason(&e)
                ),
            )),
        }
    }
}

impl<W: Write> Write for Unpiped<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.settle(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.settle(result, ())
    }
}

/// Standard output, buffered.
pub fn stdout() -> io::BufWriter<Unpiped<io::StdoutLock<'static>>> {
    io::BufWriter::new(Unpiped::new(io::stdout().lock(), "stdout"))
}

/// Standard error (unbuffered, as it is).
pub fn stderr() -> Unpiped<io::Stderr> {
    Unpiped::new(io::stderr(), "stderr")
}

/// A report file, buffered; it is created (or truncated) here.
pub fn file(path: &Path) -> io::Result<io::BufWriter<Unpiped<std::fs::File>>> {
    let file = std::fs::File::create(path)?;
    Ok(io::BufWriter::new(Unpiped::new(
        file,
        path.display().to_string(),
    )))
}

/// One line on stderr, in one write, that must never fail the command (the final error).
pub fn eprint_line(line: &str) {
    let _ = stderr().write_all(format!("{line}\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader is gone after `room` bytes, or that is full.
    struct Failing {
        room: usize,
        kind: io::ErrorKind,
        written: Vec<u8>,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() + buf.len() > self.room {
                return Err(io::Error::from(self.kind));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_drops_the_rest_and_is_no_error() {
        let mut w = Unpiped::new(
            Failing {
                room: 4,
                kind: io::ErrorKind::BrokenPipe,
                written: Vec::new(),
            },
            "stdout",
        );
        w.write_all(b"abc").unwrap();
        assert!(!w.closed());
        w.write_all(b"defgh").unwrap();
        w.write_all(b"more").unwrap();
        w.flush().unwrap();
        assert!(w.closed());
        assert_eq!(w.inner.written, b"abc");
    }

    #[test]
    fn other_write_errors_fail_and_name_the_destination() {
        let mut w = Unpiped::new(
            Failing {
                room: 0,
                kind: io::ErrorKind::StorageFull,
                written: Vec::new(),
            },
            "out/report.json",
        );
        let e = w.write_all(b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert!(
            e.to_string()
                .starts_with("cannot write to out/report.json: "),
            "{e}"
        );
        assert!(!w.closed());
    }
}
