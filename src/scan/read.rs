//! Read stage: stream one input through the matcher in bounded memory.
//!
//! A file of any size is read in fixed-size buffers; each buffer keeps the tail of the previous
//! one ([`OVERLAP`] bytes) so that a key cut by a buffer boundary is still found whole, and is
//! reported exactly once. Line numbers are counted lazily: a file without a key is never
//! scanned for newlines unless it spans several buffers.

use super::matcher::{Matcher, RawMatch, OVERLAP};
use crate::secret::Secret;
use std::io::{self, Read};

/// Bytes read per buffer, beyond the overlap.
pub const CHUNK: usize = 256 * 1024;
/// Bytes kept before the first reportable position, for the left boundary check.
const CONTEXT: usize = 16;
/// How far around a key to look for a `keyhound:allow` comment on its line.
const ALLOW_REACH: usize = 4096;

/// A key found in one input. Columns count UTF-16 code units; `end_column` is exclusive.
#[derive(Debug, Clone)]
pub struct FileMatch {
    pub rule: usize,
    pub secret: Secret,
    pub byte_offset: u64,
    pub line: u64,
    pub column: u64,
    pub end_column: u64,
    /// The line holds `keyhound:allow` or `gitleaks:allow`.
    pub allowed: bool,
}

/// Reusable per-thread state for scanning inputs.
pub struct BufferScanner {
    buf: Vec<u8>,
    raw: Vec<RawMatch>,
    chunk: usize,
}

impl Default for BufferScanner {
    fn default() -> Self {
        Self::with_chunk(CHUNK)
    }
}

impl BufferScanner {
    /// A scanner whose buffers hold `chunk` new bytes each (tests use tiny ones).
    pub fn with_chunk(chunk: usize) -> Self {
        BufferScanner {
            buf: Vec::new(),
            raw: Vec::new(),
            chunk: chunk.max(1),
        }
    }

    /// Scans `reader` to its end, appending keys to `out`. Returns the bytes read.
    pub fn scan<R: Read>(
        &mut self,
        matcher: &Matcher,
        mut reader: R,
        out: &mut Vec<FileMatch>,
    ) -> io::Result<u64> {
        let capacity = self.chunk + OVERLAP + CONTEXT;
        if self.buf.len() != capacity {
            self.buf = vec![0; capacity];
        }
        let mut filled = 0usize;
        let mut report_from = 0usize;
        let mut base: u64 = 0;
        let mut lines = LineTracker::default();
        loop {
            let mut eof = false;
            while filled < capacity {
                match reader.read(&mut self.buf[filled..]) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let buf = &self.buf[..filled];
            let report_to = if eof {
                filled
            } else {
                filled.saturating_sub(OVERLAP).max(report_from)
            };
            self.raw.clear();
            matcher.find(buf, report_from, report_to, &mut self.raw);
            for m in &self.raw {
                let (line, column) = lines.position(buf, m.start);
                let units = (m.end - m.start) as u64;
                out.push(FileMatch {
                    rule: m.rule,
                    secret: Secret::from_bytes(&buf[m.start..m.end]),
                    byte_offset: base + m.start as u64,
                    line,
                    column,
                    end_column: column + units,
                    allowed: line_allows(buf, m.start, m.end),
                });
            }
            if eof {
                return Ok(base + filled as u64);
            }
            let keep_from = report_to.saturating_sub(CONTEXT);
            lines.shift(buf, keep_from);
            self.buf.copy_within(keep_from..filled, 0);
            filled -= keep_from;
            base += keep_from as u64;
            report_from = report_to - keep_from;
        }
    }
}

/// True when the key's line carries an allow comment.
fn line_allows(buf: &[u8], start: usize, end: usize) -> bool {
    let lo = start.saturating_sub(ALLOW_REACH);
    let line_start = memchr::memrchr(b'\n', &buf[lo..start]).map_or(lo, |i| lo + i + 1);
    let hi = (end + ALLOW_REACH).min(buf.len());
    let line_end = memchr::memchr(b'\n', &buf[end..hi]).map_or(hi, |i| end + i);
    let line = &buf[line_start..line_end];
    memchr::memmem::find(line, b"keyhound:allow").is_some()
        || memchr::memmem::find(line, b"gitleaks:allow").is_some()
}

/// Counts lines up to positions in a buffer that slides over the input.
#[derive(Debug)]
struct LineTracker {
    /// Buffer index up to which newlines are counted.
    pos: usize,
    /// The 1-based line number at `pos`.
    line: u64,
    /// Index of the last newline before `pos` in this buffer, if any.
    last_newline: Option<usize>,
    /// UTF-16 units of the current line that lie before the buffer's start.
    units_before: u64,
}

impl Default for LineTracker {
    fn default() -> Self {
        LineTracker {
            pos: 0,
            line: 1,
            last_newline: None,
            units_before: 0,
        }
    }
}

impl LineTracker {
    fn advance(&mut self, buf: &[u8], to: usize) {
        if to <= self.pos {
            return;
        }
        let part = &buf[self.pos..to];
        let n = bytecount::count(part, b'\n');
        if n > 0 {
            self.line += n as u64;
            self.last_newline = memchr::memrchr(b'\n', part).map(|i| self.pos + i);
        }
        self.pos = to;
    }

    /// Line and 1-based UTF-16 column of `at`; positions must not go backwards.
    fn position(&mut self, buf: &[u8], at: usize) -> (u64, u64) {
        self.advance(buf, at);
        let column = match self.last_newline {
            Some(nl) => utf16_units(&buf[nl + 1..at]),
            None => self.units_before + utf16_units(&buf[..at]),
        };
        (self.line, column + 1)
    }

    /// The buffer's bytes before `keep_from` are about to be dropped; later positions move
    /// down by `keep_from`. The tracker may already stand past `keep_from`.
    fn shift(&mut self, buf: &[u8], keep_from: usize) {
        self.advance(buf, keep_from);
        match self.last_newline {
            Some(nl) if nl >= keep_from => self.last_newline = Some(nl - keep_from),
            Some(nl) => {
                self.units_before = utf16_units(&buf[nl + 1..keep_from]);
                self.last_newline = None;
            }
            None => self.units_before += utf16_units(&buf[..keep_from]),
        }
        self.pos -= keep_from;
    }
}

/// UTF-16 code units of bytes decoded as UTF-8 (lossily: a stray byte counts as one U+FFFD).
pub fn utf16_units(bytes: &[u8]) -> u64 {
    let mut n = 0u64;
    for &b in bytes {
        // Continuation bytes add nothing; a 4-byte lead becomes a surrogate pair.
        if b & 0xC0 != 0x80 {
            n += 1 + u64::from(b >= 0xF0);
        }
    }
    n
}

#[cfg(test)]
mod tests;
