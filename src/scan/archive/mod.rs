//! Archives and compressed files: recognise them, and keep their expansion within bounds.
//!
//! Stage: read. [`sniff`] recognises zip (and zip-based jar, whl, docx, xlsx...), gzip and tar
//! by their magic bytes, whatever the file is called. Each format's module lists members and
//! hands each one, as a stream, back to `Inspector` (in `scan::inspect`). The guard rails live
//! here: a [`Budget`] of decompressed bytes shared by everything inside one input, and a
//! per-member ratio cap, both enforced while reading ([`Limited`]), never trusting sizes that
//! headers declare. Nothing here writes a member to disk except [`spool`], for a nested zip.

pub mod gzip;
pub mod tar;
pub mod zip;

use super::inspect::Kind;
use std::cell::Cell;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::rc::Rc;

/// The ratio cap applies only past this many decompressed bytes: small, very repetitive
/// files (a log of one repeated line) are no threat.
pub const RATIO_FLOOR: u64 = 1 << 20;
/// A nested zip up to this size is spooled to memory; a larger one to a temporary file.
const SPOOL_IN_MEMORY: usize = 8 << 20;

/// Recognises an archive or compressed file by its first bytes.
pub fn sniff(head: &[u8]) -> Option<Kind> {
    if head.starts_with(b"PK\x03\x04")
        || head.starts_with(b"PK\x05\x06")
        || head.starts_with(b"PK\x07\x08PK\x03\x04")
    {
        return Some(Kind::Zip);
    }
    if head.starts_with(&[0x1f, 0x8b, 0x08]) {
        return Some(Kind::Gzip);
    }
    if head.len() >= 512 && &head[257..262] == b"ustar" && tar_checksum_ok(&head[..512]) {
        return Some(Kind::Tar);
    }
    None
}

/// A tar header's checksum: the sum of its bytes with the checksum field read as spaces.
fn tar_checksum_ok(header: &[u8]) -> bool {
    let field = &header[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|b| *b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    let Some(stored) = std::str::from_utf8(&digits)
        .ok()
        .and_then(|s| u32::from_str_radix(s, 8).ok())
    else {
        return false;
    };
    let sum: u32 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == stored
}

/// Which guard rail stopped a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The input expanded past its byte budget.
    Bytes,
    /// A member expanded past the ratio cap.
    Ratio,
}

#[derive(Debug)]
struct BudgetState {
    left: Cell<u64>,
    limit: u64,
    ratio: u64,
    stop: Cell<Option<Stop>>,
    spent: Cell<bool>,
    reported: Cell<bool>,
}

/// Decompressed bytes left for one input, shared by every member and nested archive in it.
/// Single-threaded: one input is scanned by one thread.
#[derive(Debug, Clone)]
pub struct Budget(Rc<BudgetState>);

impl Budget {
    pub fn new(limit: u64, ratio: u64) -> Self {
        Budget(Rc::new(BudgetState {
            left: Cell::new(limit),
            limit,
            ratio,
            stop: Cell::new(None),
            spent: Cell::new(false),
            reported: Cell::new(false),
        }))
    }

    /// The byte limit this budget started with.
    pub fn limit(&self) -> u64 {
        self.0.limit
    }

    /// The most a member of `compressed` bytes may expand to.
    pub fn member_cap(&self, compressed: u64) -> u64 {
        compressed.saturating_mul(self.0.ratio).max(RATIO_FLOOR)
    }

    /// True once a read went past the byte limit: nothing more of the input is read.
    pub fn spent(&self) -> bool {
        self.0.spent.get()
    }

    /// True the first time it is asked after the budget was spent, so that one warning says so.
    pub fn report_spent(&self) -> bool {
        self.spent() && !self.0.reported.replace(true)
    }

    /// The guard rail that stopped the last read, if one did; clears it.
    pub fn take_stop(&self) -> Option<Stop> {
        self.0.stop.take()
    }

    fn charge(&self, n: u64) -> io::Result<()> {
        let left = self.0.left.get();
        if n > left || self.spent() {
            self.0.left.set(0);
            self.0.spent.set(true);
            self.0.stop.set(Some(Stop::Bytes));
            return Err(io::Error::other("archive byte limit reached"));
        }
        self.0.left.set(left - n);
        Ok(())
    }
}

/// The expansion cap of one member.
#[derive(Debug, Clone)]
pub enum Cap {
    /// At most this many bytes.
    Fixed(u64),
    /// At most the ratio times the compressed bytes consumed so far (a stream).
    Consumed(Rc<Cell<u64>>),
}

/// A decompressed member's reader, charged to the budget and held to its cap.
pub struct Limited<R> {
    inner: R,
    budget: Budget,
    cap: Cap,
    read: u64,
}

impl<R: Read> Limited<R> {
    pub fn new(inner: R, budget: Budget, cap: Cap) -> Self {
        Limited {
            inner,
            budget,
            cap,
            read: 0,
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.charge(n as u64)?;
        self.read += n as u64;
        let cap = match &self.cap {
            Cap::Fixed(cap) => *cap,
            Cap::Consumed(consumed) => self.budget.member_cap(consumed.get()),
        };
        if self.read > cap {
            self.budget.0.stop.set(Some(Stop::Ratio));
            return Err(io::Error::other("compression ratio limit reached"));
        }
        Ok(n)
    }
}

/// Counts the bytes read through it (the compressed side of a stream).
pub struct Counting<R> {
    pub inner: R,
    pub count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A readable, seekable input (a file, a blob in memory, a spool).
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek + ?Sized> ReadSeek for T {}

/// A member copied where it can be read again and sought: memory, or an unnamed temporary
/// file (deleted when dropped) for large ones.
pub enum Spool {
    Memory(Cursor<Vec<u8>>),
    File(std::fs::File),
}

impl Read for Spool {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Spool::Memory(c) => c.read(buf),
            Spool::File(f) => f.read(buf),
        }
    }
}

impl Seek for Spool {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Spool::Memory(c) => c.seek(pos),
            Spool::File(f) => f.seek(pos),
        }
    }
}

/// Copies `reader` to a spool, positioned at its start.
pub fn spool(reader: &mut dyn Read) -> io::Result<Spool> {
    let mut head = Vec::new();
    reader
        .take(SPOOL_IN_MEMORY as u64 + 1)
        .read_to_end(&mut head)?;
    if head.len() <= SPOOL_IN_MEMORY {
        return Ok(Spool::Memory(Cursor::new(head)));
    }
    let mut file = tempfile::tempfile()?;
    file.write_all(&head)?;
    io::copy(reader, &mut file)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(Spool::File(file))
}

/// Seeks back to the start.
pub fn rewind(input: &mut dyn ReadSeek) -> io::Result<()> {
    input.seek(SeekFrom::Start(0)).map(|_| ())
}

#[cfg(test)]
mod tests;

/// `256 MiB`, `1.5 GiB`, `512 KiB`, `100 bytes`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            return if n.is_multiple_of(size) {
                format!("{} {unit}", n / size)
            } else {
                format!("{:.1} {unit}", n as f64 / size as f64)
            };
        }
    }
    format!("{n} bytes")
}
