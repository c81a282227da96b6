//! Base64: find keys that were base64-encoded, once or twice, and locate them in the encoded text.
//!
//! Stage: match (a decoder behind the matcher). Nothing is decoded unless the prefilter found
//! the encoded form of a rule keyword: a literal of N bytes has one fixed spelling of about
//! 4N/3 characters per alignment (three in all, the same in the standard and URL-safe
//! alphabets for `T3BlbkFJ` and `sk-None-`), and the spellings of the marker's spellings
//! find a double encoding (see [`prefilter_spellings`]). Around such a hit only the base64
//! run within [`REACH`] characters is decoded, and the matcher runs on the decoded bytes.
//! Both alphabets are accepted, with or without padding; a run may be wrapped over lines that
//! hold nothing but base64 (PEM, the `base64` command, YAML block scalars). A keyword whose
//! encoded form is cut by a line break is not found. No I/O, no allocation unless a hit was
//! found.

use crate::scan::matcher::{Matcher, RawMatch, MAX_KEY_LEN};

/// Deepest nesting decoded: base64 of base64. A third level would need 27 more prefilter
/// literals per keyword, past what the packed searcher handles at full speed.
pub const MAX_DEPTH: u8 = 2;
/// Encoded characters decoded on each side of a hit: a key of [`MAX_KEY_LEN`] bytes, encoded
/// twice (16/9 of its length), fits on either side.
pub const REACH: usize = (MAX_KEY_LEN * 16).div_ceil(9) + 16;
/// Keywords shorter than this have too few fixed encoded characters to be worth a literal.
const MIN_KEYWORD: usize = 6;

/// An encoded keyword: the fixed characters, and where they start within a 4-character group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    pub text: String,
    /// Offset of the first character within its 4-character group (0, 2 or 3).
    pub phase: u8,
}

/// A prefilter hit on an encoded keyword, at `at` in the searched buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncodedHit {
    pub at: usize,
    pub phase: u8,
}

/// A key found by decoding: the encoded text that holds it (`start..end` in the buffer),
/// the decoded key, and how many times it was encoded. Its `Debug` shows the key redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodedMatch {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub key: Vec<u8>,
    pub depth: u8,
}

impl std::fmt::Debug for DecodedMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodedMatch")
            .field("rule", &self.rule)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("key", &crate::secret::Secret::from_bytes(&self.key))
            .field("depth", &self.depth)
            .finish()
    }
}

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The 6-bit value of a base64 character of either alphabet.
fn value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

fn is_b64(b: u8) -> bool {
    value(b).is_some()
}

/// The fixed spellings of `literal` at the three alignments, in the standard alphabet and,
/// where it differs, the URL-safe one.
pub fn spellings(literal: &[u8]) -> Vec<Spelling> {
    let mut out: Vec<Spelling> = Vec::new();
    for align in 0..3usize {
        let bits_from = 8 * align;
        let bits_to = 8 * (align + literal.len());
        let first = bits_from.div_ceil(6);
        let last = bits_to / 6; // exclusive: characters wholly inside the literal's bits
        let mut text = String::new();
        for k in first..last {
            let mut v = 0u8;
            for bit in 6 * k..6 * k + 6 {
                let byte = literal[bit / 8 - align];
                v = (v << 1) | ((byte >> (7 - bit % 8)) & 1);
            }
            text.push(STD[v as usize] as char);
        }
        let phase = (first % 4) as u8;
        let url = text.replace('+', "-").replace('/', "_");
        for t in [text, url] {
            if !out.iter().any(|s| s.text == t) {
                out.push(Spelling { text: t, phase });
            }
        }
    }
    out
}

/// Every literal the prefilter needs to find keys encoded once, and, for the keywords that
/// `nested` says, twice ([`MAX_DEPTH`]).
///
/// The matcher nests only the keywords several rules share (the marker, which nearly every
/// key carries). `prefilter_bench` over 200 MB of sources: 21.2 ms with the plain keywords,
/// 27.5 ms with every spelling of the marker and `sk-None-`, 23.7 ms without the nine double
/// spellings of `sk-None-`, which bought only twice-encoded keys of its markerless form.
pub fn prefilter_spellings(keywords: &[String], nested: impl Fn(&str) -> bool) -> Vec<Spelling> {
    let mut out: Vec<Spelling> = Vec::new();
    let push = |s: Spelling, out: &mut Vec<Spelling>| {
        if !out.iter().any(|o| o.text == s.text) && !keywords.contains(&s.text) {
            out.push(s);
        }
    };
    for kw in keywords.iter().filter(|k| k.len() >= MIN_KEYWORD) {
        let once = spellings(kw.as_bytes());
        for s in once.iter().filter(|_| nested(kw)) {
            for twice in spellings(s.text.as_bytes()) {
                push(twice, &mut out);
            }
        }
        for s in once {
            push(s, &mut out);
        }
    }
    out
}

/// Whether the buffer's edges are the input's own start and end, or cut it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ends {
    pub left: bool,
    pub right: bool,
}

/// Base64 characters around a hit, with where each lies in the buffer.
struct Run {
    chars: Vec<u8>,
    pos: Vec<usize>,
    /// The run goes on past the collected characters (or the buffer may hold more of it).
    cut_left: bool,
    cut_right: bool,
}

/// True when `hay[from..]` up to the end of its line is base64 with optional `=` padding.
fn line_is_base64(hay: &[u8], from: usize) -> bool {
    let mut i = from;
    while i < hay.len() && is_b64(hay[i]) {
        i += 1;
    }
    while i < hay.len() && hay[i] == b'=' {
        i += 1;
    }
    i > from && (i == hay.len() || hay[i] == b'\n' || hay[i] == b'\r')
}

/// A whole line of a wrapped run: base64 only, at least 16 characters, a multiple of four.
fn is_chunk(line: &[u8]) -> bool {
    line.len() >= 16 && line.len().is_multiple_of(4) && line.iter().all(|&b| is_b64(b))
}

/// Start of the line holding `at`, and the first non-blank byte of it.
fn line_start(hay: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &hay[..at]).map_or(0, |i| i + 1);
    let mut first = start;
    while first < at && matches!(hay[first], b' ' | b'\t') {
        first += 1;
    }
    (start, first)
}

/// Collects the run around `at`: up to `reach` characters on each side, following wrapped
/// lines that hold only base64 and whose length is a multiple of four.
fn collect_run(hay: &[u8], at: usize, reach: usize, ends: Ends) -> Run {
    // Rightwards.
    let mut right: Vec<usize> = Vec::new();
    let mut i = at;
    let mut cut_right = false;
    loop {
        while i < hay.len() && is_b64(hay[i]) && right.len() < reach {
            right.push(i);
            i += 1;
        }
        if right.len() >= reach || i >= hay.len() {
            cut_right = right.len() >= reach || !ends.right;
            break;
        }
        // A line break continues the run when this whole line is a wrapped chunk.
        let (_, first) = line_start(hay, i);
        let next = if hay[i] == b'\r' && hay.get(i + 1) == Some(&b'\n') {
            i + 2
        } else if hay[i] == b'\n' {
            i + 1
        } else {
            break;
        };
        let mut j = next;
        while j < hay.len() && matches!(hay[j], b' ' | b'\t') {
            j += 1;
        }
        if !is_chunk(&hay[first..i]) || !line_is_base64(hay, j) {
            break;
        }
        i = j;
    }
    // Leftwards.
    let mut left: Vec<usize> = Vec::new();
    let mut i = at;
    let mut cut_left = false;
    loop {
        while i > 0 && is_b64(hay[i - 1]) && left.len() < reach {
            i -= 1;
            left.push(i);
        }
        if left.len() >= reach || i == 0 {
            cut_left = left.len() >= reach || !ends.left;
            break;
        }
        let (start, first) = line_start(hay, i);
        if first != i || start == 0 {
            break;
        }
        // The previous line must be a whole wrapped chunk: base64 only, length % 4 == 0.
        let mut end = start - 1;
        if end > 0 && hay[end - 1] == b'\r' {
            end -= 1;
        }
        let (prev_start, prev_first) = line_start(hay, end);
        let prev = &hay[prev_first..end];
        // A line that begins before the buffer does is judged by what the buffer holds.
        let partial = prev_start == 0 && !ends.left;
        if !(is_chunk(prev) || partial && prev.iter().all(|&b| is_b64(b))) {
            break;
        }
        i = end;
    }
    left.reverse();
    let mut pos = left;
    pos.extend(right);
    let chars = pos.iter().map(|&p| hay[p]).collect();
    Run {
        chars,
        pos,
        cut_left,
        cut_right,
    }
}

/// Decoded bytes and the map back to the run's characters.
struct Decoded {
    bytes: Vec<u8>,
    /// Index in the run of the first character of the first 4-character group.
    first: usize,
}

impl Decoded {
    /// Run-character range `[a, b)` that encodes decoded bytes `[start, end)`.
    fn chars_of(&self, start: usize, end: usize) -> (usize, usize) {
        let first = |i: usize| self.first + 4 * (i / 3) + i % 3;
        (first(start), first(end - 1) + 2)
    }
}

fn decode(chars: &[u8], first: usize) -> Decoded {
    let mut bytes = Vec::with_capacity((chars.len() - first) * 3 / 4 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in &chars[first..] {
        // Every character of the run is in the alphabet.
        acc = (acc << 6) | u32::from(value(c).unwrap_or(0));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Decoded { bytes, first }
}

/// Decodes around each hit in `hay` and appends keys whose encoded text starts in
/// `from..to`, sorted by start, one per start. `ends` tells whether `hay` starts and ends
/// where its input does (a key at a cut edge may be truncated, and is left for the next
/// buffer).
pub fn find_encoded(
    matcher: &Matcher,
    hay: &[u8],
    from: usize,
    to: usize,
    hits: &[EncodedHit],
    ends: Ends,
    out: &mut Vec<DecodedMatch>,
) {
    let first = out.len();
    for hit in hits {
        decode_around(matcher, hay, hit, 1, ends, &mut |m| {
            if m.start >= from && m.start < to {
                out.push(m);
            }
        });
    }
    let found = &mut out[first..];
    found.sort_by_key(|m| (m.start, m.rule, m.depth));
    let mut kept: Vec<DecodedMatch> = Vec::new();
    for m in out.drain(first..) {
        if kept.last().is_none_or(|k| k.start != m.start) {
            kept.push(m);
        }
    }
    out.extend(kept);
}

fn decode_around(
    matcher: &Matcher,
    hay: &[u8],
    hit: &EncodedHit,
    depth: u8,
    ends: Ends,
    emit: &mut dyn FnMut(DecodedMatch),
) {
    let run = collect_run(hay, hit.at, REACH, ends);
    let Some(hit_index) = run.pos.iter().position(|&p| p == hit.at) else {
        return;
    };
    // The first character at the hit's phase; quartets start there.
    let phase = usize::from(hit.phase);
    let first = (hit_index + 4 - phase % 4) % 4;
    if first >= run.chars.len() {
        return;
    }
    let decoded = decode(&run.chars, first);
    let bytes = &decoded.bytes;
    let mut raw: Vec<RawMatch> = Vec::new();
    let mut inner: Vec<EncodedHit> = Vec::new();
    matcher.find_all(bytes, 0, bytes.len(), &mut raw, &mut inner);
    // A key touching a cut edge of the decoded text may be a truncated key.
    let clean = |s: usize, e: usize| !(run.cut_left && s == 0 || run.cut_right && e >= bytes.len());
    let to_hay = |s: usize, e: usize| {
        let (a, b) = decoded.chars_of(s, e);
        let b = b.min(run.pos.len());
        (run.pos[a], run.pos[b - 1] + 1)
    };
    for m in raw {
        if !clean(m.start, m.end) {
            continue;
        }
        let (start, end) = to_hay(m.start, m.end);
        emit(DecodedMatch {
            rule: m.rule,
            start,
            end,
            key: bytes[m.start..m.end].to_vec(),
            depth,
        });
    }
    if depth >= MAX_DEPTH {
        return;
    }
    for h in inner {
        // The decoded text's edges are checked here, by `clean`, not by the inner level.
        let whole = Ends {
            left: true,
            right: true,
        };
        decode_around(
            matcher,
            bytes,
            &h,
            depth + 1,
            whole,
            &mut |m: DecodedMatch| {
                if clean(m.start, m.end) {
                    let (start, end) = to_hay(m.start, m.end);
                    emit(DecodedMatch { start, end, ..m });
                }
            },
        );
    }
}

#[cfg(test)]
mod tests;
