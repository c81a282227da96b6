//! UTF-16 text: recognise it, and decode it to UTF-8 as a stream.
//!
//! Stage: read (a decoder in front of the buffer scanner). A byte-order mark tells the byte
//! order; without one, text is taken for UTF-16 only when nearly every code unit of its start
//! is printable ASCII with a zero high byte, so that binary files keep being scanned as bytes.
//! The decoded text is what lines and columns refer to: a UTF-16 code unit stays one column.
//! Unpaired surrogates become U+FFFD. Memory is one fixed buffer.

use std::io::{self, Read};

/// The byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    /// The label used in reports: `utf-16le` or `utf-16be`.
    pub fn label(self) -> &'static str {
        match self {
            ByteOrder::Little => "utf-16le",
            ByteOrder::Big => "utf-16be",
        }
    }
}

/// How many bytes of the start the heuristic looks at.
const SAMPLE: usize = 1024;
/// The heuristic first looks at this many bytes: most binary files fail there.
const QUICK: usize = 64;
/// Fewer code units than this are too few to tell.
const MIN_UNITS: usize = 8;

/// The byte order of `head` (the start of an input) when it is UTF-16 text.
pub fn sniff(head: &[u8]) -> Option<ByteOrder> {
    match head {
        [0xFF, 0xFE, ..] if !head.starts_with(&[0xFF, 0xFE, 0, 0]) => {
            return Some(ByteOrder::Little)
        }
        [0xFE, 0xFF, ..] => return Some(ByteOrder::Big),
        _ => {}
    }
    let sample = &head[..head.len().min(SAMPLE) & !1];
    // Cheap exits for the common cases: text without a zero byte is not UTF-16, and a
    // binary file shows it in its first bytes.
    if sample.len() < 2 * MIN_UNITS || memchr::memchr(0, sample).is_none() {
        return None;
    }
    let quick = &sample[..sample.len().min(QUICK)];
    order_of(quick)?;
    order_of(sample)
}

/// The byte order when `sample` (an even number of bytes) reads as UTF-16 text.
fn order_of(sample: &[u8]) -> Option<ByteOrder> {
    let units = sample.len() / 2;
    let (mut le, mut be, mut zero_lo, mut zero_hi) = (0usize, 0usize, 0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        let text = |b: u8| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b);
        le += usize::from(pair[1] == 0 && text(pair[0]));
        be += usize::from(pair[0] == 0 && text(pair[1]));
        zero_lo += usize::from(pair[0] == 0);
        zero_hi += usize::from(pair[1] == 0);
    }
    // Three units in four are ASCII text in the expected byte order (the rest may be other
    // characters), and almost none has a zero in the other byte (binary data would).
    let text_like =
        |ascii: usize, other_zero: usize| ascii * 4 >= units * 3 && other_zero * 20 <= units;
    if text_like(le, zero_lo) {
        Some(ByteOrder::Little)
    } else if text_like(be, zero_hi) {
        Some(ByteOrder::Big)
    } else {
        None
    }
}

/// Reads UTF-16 from `inner` and yields it as UTF-8, dropping a leading byte-order mark.
pub struct Utf16Reader<R> {
    inner: R,
    order: ByteOrder,
    input: Vec<u8>,
    /// Undecoded input bytes: `input[at..len]`.
    at: usize,
    len: usize,
    output: Vec<u8>,
    out_at: usize,
    started: bool,
    eof: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, order: ByteOrder) -> Self {
        Utf16Reader {
            inner,
            order,
            input: vec![0; 64 * 1024],
            at: 0,
            len: 0,
            output: Vec::with_capacity(96 * 1024),
            out_at: 0,
            started: false,
            eof: false,
        }
    }

    fn unit(&self, i: usize) -> u16 {
        let (a, b) = (self.input[i], self.input[i + 1]);
        match self.order {
            ByteOrder::Little => u16::from_le_bytes([a, b]),
            ByteOrder::Big => u16::from_be_bytes([a, b]),
        }
    }

    /// Refills `output` with the next decoded text; false at the end of the input.
    fn refill(&mut self) -> io::Result<bool> {
        self.output.clear();
        self.out_at = 0;
        while self.output.is_empty() {
            // Keep what is left (an odd byte, a high surrogate) and read more.
            self.input.copy_within(self.at..self.len, 0);
            self.len -= self.at;
            self.at = 0;
            while !self.eof && self.len < 4 {
                match self.inner.read(&mut self.input[self.len..]) {
                    Ok(0) => self.eof = true,
                    Ok(n) => self.len += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            if self.len == 0 {
                return Ok(false);
            }
            if !self.started && self.len >= 2 {
                self.started = true;
                if self.unit(0) == 0xFEFF {
                    self.at = 2;
                }
            }
            self.decode_available();
        }
        Ok(true)
    }

    fn decode_available(&mut self) {
        let mut i = self.at;
        while i + 2 <= self.len {
            let u = self.unit(i);
            let c = if (0xD800..0xDC00).contains(&u) {
                if i + 4 > self.len {
                    if !self.eof {
                        break; // the low surrogate is in the next read
                    }
                    i += 2;
                    char::REPLACEMENT_CHARACTER
                } else {
                    let low = self.unit(i + 2);
                    if (0xDC00..0xE000).contains(&low) {
                        i += 4;
                        let v =
                            0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                        char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER)
                    } else {
                        i += 2;
                        char::REPLACEMENT_CHARACTER
                    }
                }
            } else {
                i += 2;
                char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)
            };
            let mut tmp = [0u8; 4];
            self.output
                .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        if self.eof && i + 2 > self.len && i < self.len {
            // An odd last byte.
            self.output.extend_from_slice("\u{FFFD}".as_bytes());
            i = self.len;
        }
        self.at = i;
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_at >= self.output.len() && !self.refill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.output.len() - self.out_at);
        buf[..n].copy_from_slice(&self.output[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, order: ByteOrder, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = if bom { vec![0xFEFF] } else { vec![] };
        for u in units.into_iter().chain(text.encode_utf16()) {
            out.extend_from_slice(&match order {
                ByteOrder::Little => u.to_le_bytes(),
                ByteOrder::Big => u.to_be_bytes(),
            });
        }
        out
    }

    fn decode_all(bytes: &[u8], order: ByteOrder) -> String {
        let mut s = String::new();
        Utf16Reader::new(bytes, order)
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    #[test]
    fn both_byte_orders_decode_with_and_without_bom() {
        let text = "line one\r\nkey = \"x€𝄞\"\n";
        for order in [ByteOrder::Little, ByteOrder::Big] {
            for bom in [true, false] {
                let bytes = utf16(text, order, bom);
                assert_eq!(sniff(&bytes), Some(order), "{order:?} bom={bom}");
                assert_eq!(decode_all(&bytes, order), text);
            }
        }
    }

    #[test]
    fn a_surrogate_pair_split_across_reads_is_kept_whole() {
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&b, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = b;
                self.0 = rest;
                Ok(1)
            }
        }
        let bytes = utf16("a𝄞b", ByteOrder::Little, false);
        let mut s = String::new();
        Utf16Reader::new(OneByte(&bytes), ByteOrder::Little)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "a𝄞b");
    }

    #[test]
    fn broken_input_becomes_replacement_characters() {
        // A lone high surrogate, then an odd final byte.
        let bytes = [0x00, 0xD8, b'a', 0x00, b'b'];
        assert_eq!(decode_all(&bytes, ByteOrder::Little), "\u{FFFD}a\u{FFFD}");
    }

    #[test]
    fn binary_and_plain_text_are_not_utf16() {
        assert_eq!(sniff(b"plain ascii text, long enough to sample"), None);
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
        elf.extend_from_slice(&[0u8; 48]);
        assert_eq!(sniff(&elf), None);
        // UTF-32LE's mark starts like UTF-16LE's.
        assert_eq!(sniff(&[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0]), None);
    }
}
