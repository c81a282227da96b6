//! GitHub code scanning's `primaryLocationLineHash`, computed while streaming a file.
//!
//! Stage: report. This is a port of github/codeql-action `src/fingerprints.ts` (`hash()`): the
//! file is decoded as UTF-8 lossily (invalid bytes become U+FFFD, like Node's `utf8` stream; a
//! BOM is kept) and hashed over UTF-16 code units. Spaces and tabs are skipped, `\r\n` and a
//! lone `\r` count as `\n`. Each line's hash is a rolling polynomial hash (base 37, mod 2^64) of
//! the 100 non-blank units that start at the line, across line ends, followed by a 65535 EOF
//! unit and zero padding. The value is `hex(hash):n`, where `n` counts how many lines so far had
//! the same hash.
//!
//! Memory: the window is fixed (100 units) and reads go through one 64 KiB buffer. Reading
//! stops as soon as the last wanted line's hash is known. The `:n` suffix needs, in one pass, a
//! count per distinct hash seen before the last wanted line ([`line_hashes`]); when the input
//! can be read twice, [`line_hashes_seekable`] keeps counts only for the wanted lines' hashes,
//! so its memory does not depend on the file at all.
//!
//! Hashing the line that holds a key exposes nothing GitHub does not compute itself; the hash
//! is 64 bits of a non-cryptographic function of about 100 characters, not the key.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{ErrorKind, Read, Seek, SeekFrom};

/// Units per window (codeql-action `BLOCK_SIZE`).
const BLOCK: usize = 100;
/// The polynomial base (codeql-action `MOD`).
const MOD: u64 = 37;
/// The unit appended after the last character (codeql-action `EOF`).
const EOF_UNIT: u16 = 65535;
/// Bytes read per call.
const CHUNK: usize = 64 * 1024;

/// The `primaryLocationLineHash` of each wanted 1-based line of `reader`'s content.
///
/// Lines past the end of the input are left out of the map; line 0 never matches. Reads in
/// 64 KiB chunks and stops once the last wanted line is hashed.
///
/// Memory bound: besides the fixed buffers, one `(u64, u32)` map entry per *distinct* line hash
/// among the lines up to the largest wanted line, i.e. at most that many lines (a few tens of
/// bytes each). For a file that can be read twice, prefer [`line_hashes_seekable`], whose memory
/// grows only with `wanted`.
pub fn line_hashes<R: Read>(
    reader: R,
    wanted: &BTreeSet<u64>,
) -> std::io::Result<BTreeMap<u64, String>> {
    let Some(&last) = wanted.iter().next_back() else {
        return Ok(BTreeMap::new());
    };
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut out = BTreeMap::new();
    hash_lines(reader, last, |line, hash| {
        let n = seen.entry(hash).or_insert(0);
        *n += 1;
        if wanted.contains(&line) {
            out.insert(line, format!("{hash:x}:{n}"));
        }
    })?;
    Ok(out)
}

/// Like [`line_hashes`], in two passes over a seekable input, with memory that grows only with
/// `wanted` (never with the file).
///
/// Pass one finds the raw hash of each wanted line; pass two, from the reader's starting
/// position again, counts earlier lines with one of those hashes. Each pass stops after the
/// last wanted line. The reader is left wherever the second pass stopped.
pub fn line_hashes_seekable<R: Read + Seek>(
    mut reader: R,
    wanted: &BTreeSet<u64>,
) -> std::io::Result<BTreeMap<u64, String>> {
    let Some(&last) = wanted.iter().next_back() else {
        return Ok(BTreeMap::new());
    };
    let start = reader.stream_position()?;
    let mut raw: BTreeMap<u64, u64> = BTreeMap::new();
    hash_lines(&mut reader, last, |line, hash| {
        if wanted.contains(&line) {
            raw.insert(line, hash);
        }
    })?;
    reader.seek(SeekFrom::Start(start))?;
    let mut counts: HashMap<u64, u32> = raw.values().map(|&h| (h, 0)).collect();
    let mut out = BTreeMap::new();
    hash_lines(&mut reader, last, |line, hash| {
        if let Some(n) = counts.get_mut(&hash) {
            *n += 1;
            if wanted.contains(&line) {
                out.insert(line, format!("{hash:x}:{n}"));
            }
        }
    })?;
    Ok(out)
}

/// [`line_hashes`] over bytes already in memory.
pub fn line_hashes_of(bytes: &[u8], wanted: &BTreeSet<u64>) -> BTreeMap<u64, String> {
    line_hashes(bytes, wanted).expect("reading from a byte slice never fails")
}

/// Streams `reader` through the rolling hash, calling `on_line(line, raw_hash)` in line order,
/// and stops once line `last` has been reported (or at the end of the input).
fn hash_lines<R: Read>(
    mut reader: R,
    last: u64,
    mut on_line: impl FnMut(u64, u64),
) -> std::io::Result<()> {
    let mut hasher = RollingHash::new();
    // Room for one chunk plus an incomplete UTF-8 sequence (at most 3 bytes) carried over.
    let mut buf = vec![0u8; CHUNK + 3];
    let mut carry = 0usize;
    loop {
        if hasher.reported >= last {
            return Ok(());
        }
        let n = match reader.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let len = carry + n;
        let eof = n == 0;
        carry = decode_lossy(&buf[..len], eof, |c| {
            let mut units = [0u16; 2];
            for &unit in c.encode_utf16(&mut units).iter() {
                hasher.push(unit, &mut on_line);
            }
        });
        buf.copy_within(len - carry..len, 0);
        if eof {
            break;
        }
    }
    hasher.finish(&mut on_line);
    Ok(())
}

/// Decodes `bytes` as UTF-8, replacing each maximal invalid subsequence with U+FFFD exactly as
/// [`String::from_utf8_lossy`] does. Unless `eof`, an incomplete sequence at the end is not
/// decoded: its length is returned so the caller can prepend it to the next read.
fn decode_lossy(bytes: &[u8], eof: bool, mut emit: impl FnMut(char)) -> usize {
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        chunk.valid().chars().for_each(&mut emit);
        let bad = chunk.invalid();
        if bad.is_empty() {
            continue;
        }
        let truncated = std::str::from_utf8(bad).is_err_and(|e| e.error_len().is_none());
        if !eof && truncated && chunks.peek().is_none() {
            return bad.len();
        }
        emit(char::REPLACEMENT_CHARACTER);
    }
    0
}

/// codeql-action's rolling hash state.
struct RollingHash {
    /// The last 100 units hashed (0 before the start).
    window: [u64; BLOCK],
    /// The line that starts at each window slot; 0 when none does.
    line_at: [u64; BLOCK],
    hash: u64,
    index: usize,
    line: u64,
    line_start: bool,
    prev_cr: bool,
    /// `MOD^BLOCK`, to drop the unit leaving the window.
    first_mod: u64,
    /// The last line whose hash was reported.
    reported: u64,
}

impl RollingHash {
    fn new() -> Self {
        RollingHash {
            window: [0; BLOCK],
            line_at: [0; BLOCK],
            hash: 0,
            index: 0,
            line: 0,
            line_start: true,
            prev_cr: false,
            first_mod: MOD.wrapping_pow(BLOCK as u32),
            reported: 0,
        }
    }

    /// Feeds one UTF-16 code unit.
    fn push(&mut self, unit: u16, on_line: &mut impl FnMut(u64, u64)) {
        if unit == 0x20 || unit == 0x09 || (self.prev_cr && unit == 0x0A) {
            self.prev_cr = false;
            return;
        }
        let unit = if unit == 0x0D {
            self.prev_cr = true;
            0x0A
        } else {
            self.prev_cr = false;
            unit
        };
        self.report_slot(on_line);
        if self.line_start {
            self.line_start = false;
            self.line += 1;
            self.line_at[self.index] = self.line;
        }
        if unit == 0x0A {
            self.line_start = true;
        }
        self.roll(u64::from(unit));
    }

    /// Appends the EOF unit and pads with zeros, reporting every line still pending.
    fn finish(&mut self, on_line: &mut impl FnMut(u64, u64)) {
        self.push(EOF_UNIT, on_line);
        for _ in 0..BLOCK {
            self.report_slot(on_line);
            self.roll(0);
        }
    }

    /// The window is full for the line starting at the current slot: report it.
    fn report_slot(&mut self, on_line: &mut impl FnMut(u64, u64)) {
        let line = self.line_at[self.index];
        if line != 0 {
            on_line(line, self.hash);
            self.reported = line;
            self.line_at[self.index] = 0;
        }
    }

    fn roll(&mut self, unit: u64) {
        let leaving = self.window[self.index];
        self.hash = MOD
            .wrapping_mul(self.hash)
            .wrapping_add(unit)
            .wrapping_sub(self.first_mod.wrapping_mul(leaving));
        self.window[self.index] = unit;
        self.index = (self.index + 1) % BLOCK;
    }
}

#[cfg(test)]
mod tests;
