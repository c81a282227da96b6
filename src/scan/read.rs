//! Read stage: stream one input through the matcher in bounded memory.
//!
//! A file of any size is read in fixed-size buffers; each buffer keeps the tail of the previous
//! one ([`OVERLAP`] bytes) so that a key cut by a buffer boundary is still found whole, and is
//! reported exactly once; it also keeps `ALLOW_REACH` bytes on either side of every key it
//! reports, so that an allow comment on the key's line is seen wherever the boundary falls.
//! Line numbers are counted lazily: a file without a key is never scanned for newlines unless
//! it spans several buffers.

use super::decode::base64::{self, DecodedMatch, EncodedHit, Ends};
use super::matcher::{Matcher, RawMatch, OVERLAP};
use crate::secret::Secret;
use std::convert::Infallible;
use std::io::{self, Read};

/// Bytes read per buffer, beyond the overlap.
pub const CHUNK: usize = 256 * 1024;
/// How far around a key to look for a `keyhound:allow` comment on its line.
const ALLOW_REACH: usize = 4096;
/// Bytes kept before the first reportable position: for the left boundary check, and for an
/// allow comment earlier on the key's line.
const CONTEXT: usize = ALLOW_REACH;
/// Bytes at the end of a buffer that are not reported from, but kept for the next one: a key
/// cut by the boundary ([`OVERLAP`]) and, after the longest key, the rest of its line up to
/// [`ALLOW_REACH`].
const TAIL: usize = OVERLAP + ALLOW_REACH;

/// A key found in one input. Columns count UTF-16 code units; `end_column` is exclusive.
#[derive(Debug, Clone)]
pub struct FileMatch {
    pub rule: usize,
    pub secret: Secret,
    pub byte_offset: u64,
    pub line: u64,
    pub column: u64,
    /// The line of the last character; later than `line` only for wrapped base64.
    pub end_line: u64,
    pub end_column: u64,
    /// The line holds `keyhound:allow` or `gitleaks:allow`.
    pub allowed: bool,
    /// How many times the key was base64-encoded where it was found (0: as is). The
    /// location then spans the encoded text.
    pub base64_depth: u8,
}

/// How a scan that may stop after its first buffer ended.
#[derive(Debug)]
pub enum Scanned<T> {
    /// Read to the end: the number of bytes.
    Done(u64),
    /// The first buffer was handed to the sniffer, which asked to stop: nothing was matched.
    /// Holds the sniffer's verdict and the bytes already read, which the caller must put
    /// back in front of the rest of the reader.
    Diverted(T, Vec<u8>),
}

/// Reusable per-thread state for scanning inputs.
pub struct BufferScanner {
    buf: Vec<u8>,
    raw: Vec<RawMatch>,
    hits: Vec<EncodedHit>,
    decoded: Vec<DecodedMatch>,
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
            hits: Vec::new(),
            decoded: Vec::new(),
            chunk: chunk.max(1),
        }
    }

    /// Scans `reader` to its end, appending keys to `out`. Returns the bytes read.
    pub fn scan<R: Read>(
        &mut self,
        matcher: &Matcher,
        reader: R,
        out: &mut Vec<FileMatch>,
    ) -> io::Result<u64> {
        match self.scan_unless(matcher, reader, out, |_| None::<Infallible>)? {
            Scanned::Done(n) => Ok(n),
            Scanned::Diverted(never, _) => match never {},
        }
    }

    /// Like [`BufferScanner::scan`], but first shows the first buffer (up to the chunk size,
    /// or the whole input if shorter) to `sniff`; when it returns `Some`, stops before
    /// matching anything. Sniffing this way costs no extra read or seek for inputs that are
    /// scanned as they are.
    pub fn scan_unless<R: Read, T>(
        &mut self,
        matcher: &Matcher,
        mut reader: R,
        out: &mut Vec<FileMatch>,
        sniff: impl FnOnce(&[u8]) -> Option<T>,
    ) -> io::Result<Scanned<T>> {
        let mut sniff = Some(sniff);
        let capacity = self.chunk + TAIL + CONTEXT;
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
            if let Some(sniff) = sniff.take() {
                if let Some(verdict) = sniff(&self.buf[..filled]) {
                    return Ok(Scanned::Diverted(verdict, self.buf[..filled].to_vec()));
                }
            }
            let buf = &self.buf[..filled];
            let report_to = if eof {
                filled
            } else {
                filled.saturating_sub(TAIL).max(report_from)
            };
            self.raw.clear();
            self.hits.clear();
            self.decoded.clear();
            matcher.find_all(buf, report_from, report_to, &mut self.raw, &mut self.hits);
            if !self.hits.is_empty() {
                let ends = Ends {
                    left: base == 0,
                    right: eof,
                };
                base64::find_encoded(
                    matcher,
                    buf,
                    report_from,
                    report_to,
                    &self.hits,
                    ends,
                    &mut self.decoded,
                );
            }
            // Both lists are sorted by start; line positions must be taken in that order.
            let (mut r, mut d) = (0, 0);
            while r < self.raw.len() || d < self.decoded.len() {
                let take_raw = d >= self.decoded.len()
                    || (r < self.raw.len() && self.raw[r].start <= self.decoded[d].start);
                let (rule, start, end, key, depth) = if take_raw {
                    let m = self.raw[r];
                    r += 1;
                    (m.rule, m.start, m.end, &buf[m.start..m.end], 0)
                } else {
                    let m = &self.decoded[d];
                    d += 1;
                    (m.rule, m.start, m.end, &m.key[..], m.depth)
                };
                let (line, column) = lines.position(buf, start);
                let (end_line, end_column) = end_position(buf, start, end, line, column);
                out.push(FileMatch {
                    rule,
                    secret: Secret::from_bytes(key),
                    byte_offset: base + start as u64,
                    line,
                    column,
                    end_line,
                    end_column,
                    allowed: line_allows(buf, start, end),
                    base64_depth: depth,
                });
            }
            if eof {
                return Ok(Scanned::Done(base + filled as u64));
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

/// Line and exclusive UTF-16 column of the end of `start..end`, which starts at
/// (`line`, `column`); only wrapped base64 spans lines.
fn end_position(buf: &[u8], start: usize, end: usize, line: u64, column: u64) -> (u64, u64) {
    let span = &buf[start..end];
    match memchr::memrchr(b'\n', span) {
        None => (line, column + utf16_units(span)),
        Some(last) => (
            line + bytecount::count(span, b'\n') as u64,
            utf16_units(&span[last + 1..]) + 1,
        ),
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
