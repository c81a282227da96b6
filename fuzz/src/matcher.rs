//! The `matcher` target's invariants: arbitrary bytes through `scan_input`, the step every
//! source uses, with the built-in rules and every look-inside option on.

use crate::reference;
use keyhound::scan::content::{scan_input, InputMatch, InputScan};
use keyhound::scan::inspect::{sniff, InspectOptions};
use keyhound::scan::matcher::{Matcher, MAX_KEY_LEN, OVERLAP};
use keyhound::scan::read::{BufferScanner, CHUNK};
use keyhound::secret::{VISIBLE_HEAD, VISIBLE_TAIL};
use std::io::Cursor;
use std::sync::OnceLock;

/// The built-in rules with the default look-inside options (base64, archives, UTF-16 on).
pub fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let rules = keyhound::rules::RuleSet::builtin().expect("the built-in rules load");
        Matcher::with_options(rules, InspectOptions::default())
    })
}

/// Scans `input` as a blob in memory, with buffers of `chunk` new bytes.
pub fn scan(input: &[u8], chunk: usize) -> InputScan {
    let mut scanner = BufferScanner::with_chunk(chunk);
    scan_input(&mut scanner, matcher(), &mut Cursor::new(input))
}

/// Every invariant of one input; panics (a crash for libFuzzer) on the first broken one.
pub fn check(input: &[u8]) {
    let got = scan(input, CHUNK);
    assert!(
        got.error.is_none(),
        "reading memory failed: {:?}",
        got.error
    );
    assert_eq!(got.bytes, input.len() as u64, "bytes scanned");
    for m in &got.matches {
        check_match(input, m);
    }
    // A tiny buffer (1 to 64 new bytes, chosen by the input) must find what one big buffer
    // finds, when the input is scanned as plain bytes either way.
    let chunk = 1 + input.iter().fold(0usize, |h, &b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    }) % 64;
    // The first buffer, which the sniffer sees, holds the chunk, the overlap and 16 bytes of
    // context (`read.rs`).
    let head = &input[..input.len().min(chunk + OVERLAP + 16)];
    let opts = InspectOptions::default();
    if sniff(input, &opts).is_some() || sniff(head, &opts).is_some() {
        return;
    }
    let small = scan(input, chunk);
    assert_eq!(
        plain_keys(&got),
        plain_keys(&small),
        "a {chunk}-byte buffer reports other keys than the default one"
    );
}

/// What a plain (not decoded, not inside an archive) match says, in a comparable form.
fn plain_keys(scan: &InputScan) -> Vec<(usize, String, u64, u64, u64, u64, u64)> {
    let mut keys: Vec<_> = scan
        .matches
        .iter()
        .filter(|m| m.member.is_none() && m.encoding.is_none())
        .map(|m| {
            let f = &m.found;
            let key = f.secret.expose().to_string();
            (
                f.rule,
                key,
                f.byte_offset,
                f.line,
                f.column,
                f.end_line,
                f.end_column,
            )
        })
        .collect();
    keys.sort();
    keys
}

fn check_match(input: &[u8], m: &InputMatch) {
    let f = &m.found;
    let key = f.secret.expose();
    assert!(
        !key.is_empty() && key.len() <= MAX_KEY_LEN,
        "key length {}",
        key.len()
    );
    assert!(!f.allowed, "an allowed key was reported");
    check_redaction(m);
    assert!(f.line >= 1 && f.column >= 1, "positions are 1-based");
    assert!(
        (f.end_line, f.end_column) > (f.line, f.column),
        "the location ends before it starts"
    );
    let encoding = m.encoding.as_deref().unwrap_or("");
    let depth = encoding.split('/').filter(|&p| p == "base64").count();
    assert_eq!(depth, usize::from(f.base64_depth), "encoding {encoding:?}");
    assert!(depth <= 2, "encoding {encoding:?}");
    if m.member.is_some() {
        // Lines, columns and offsets are within the member, whose bytes are not at hand.
        return;
    }
    let text = match encoding.split('/').next() {
        Some("utf-16le") => reference::utf16_to_utf8(input, false),
        Some("utf-16be") => reference::utf16_to_utf8(input, true),
        Some("base64") | Some("") => input.to_vec(),
        Some(other) => panic!("unknown encoding {other:?}"),
        None => unreachable!("split yields at least one part"),
    };
    let at = usize::try_from(f.byte_offset).unwrap_or(usize::MAX);
    assert!(
        at < text.len(),
        "offset {at} outside the {} bytes",
        text.len()
    );
    let (line, column) = reference::position(&text, at);
    assert_eq!(f.line, line, "line of offset {at}");
    if let Some(column) = column {
        assert_eq!(f.column, column, "column of offset {at}");
    }
    if depth == 0 {
        assert!(
            text[at..].starts_with(key.as_bytes()),
            "the key is not at its offset"
        );
        assert_eq!(
            (f.end_line, f.end_column),
            (f.line, f.column + key.len() as u64)
        );
        return;
    }
    let end = reference::walk_encoded(&text, at, (f.line, f.column), (f.end_line, f.end_column))
        .expect("an encoded location spans base64 text inside the input");
    assert!(
        reference::b64_holds(&text[at..end], key.as_bytes(), f.base64_depth),
        "the encoded location does not hold the key"
    );
}

/// A reported key's redacted form shows at most 8 leading and 4 trailing characters, and
/// neither its Debug nor its Display shows more.
fn check_redaction(m: &InputMatch) {
    let secret = &m.found.secret;
    let key = secret.expose();
    let shown = secret.redacted();
    let (head, tail) = shown
        .split_once('…')
        .expect("a redacted form has one ellipsis");
    assert!(head.chars().count() <= VISIBLE_HEAD && tail.chars().count() <= VISIBLE_TAIL);
    assert!(
        key.starts_with(head) && key.ends_with(tail),
        "redaction of another key"
    );
    for text in [format!("{secret:?}"), format!("{secret}"), format!("{m:?}")] {
        assert!(!text.contains(key), "a formatted match shows the key");
    }
}
