//! Reference decoders the invariants check keyhound against: written here, from the formats'
//! definitions, so that a bug in keyhound's own decoders cannot hide itself.

/// The 6-bit value of a character of the standard or the URL-safe base64 alphabet.
pub fn b64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes the base64 characters of `text` (anything else is skipped), as if `lead` zero
/// characters (`A`) came first: a span that starts at the character `lead` of its 4-character
/// group then decodes with its first byte at index `lead`. A trailing partial byte is kept.
pub fn b64_decode(text: &[u8], lead: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4 + 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    let zeros = std::iter::repeat_n(0u8, lead);
    for v in zeros.chain(text.iter().filter_map(|&b| b64_value(b))) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// True when `key` is what `span` encodes `depth` times in base64, the span starting at
/// the key's first encoded character (at any position of its group).
pub fn b64_holds(span: &[u8], key: &[u8], depth: u8) -> bool {
    if depth == 0 {
        return span.starts_with(key);
    }
    (0..3).any(|lead| {
        let bytes = b64_decode(span, lead);
        bytes.len() > lead && b64_holds(&bytes[lead..], key, depth - 1)
    })
}

/// UTF-16 (`big` endian or little) decoded to UTF-8 as keyhound documents it: a leading
/// byte-order mark dropped, unpaired surrogates and an odd last byte as U+FFFD.
pub fn utf16_to_utf8(bytes: &[u8], big: bool) -> Vec<u8> {
    let units = bytes.chunks_exact(2).map(|p| match big {
        true => u16::from_be_bytes([p[0], p[1]]),
        false => u16::from_le_bytes([p[0], p[1]]),
    });
    let mut text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if let Some(rest) = text.strip_prefix('\u{FEFF}') {
        text = rest.to_string();
    }
    if bytes.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text.into_bytes()
}

/// The 1-based line and UTF-16 column of byte `at` of `text`, as SARIF counts them; the
/// column is `None` when the line's bytes before `at` are not UTF-8 (no column is defined).
pub fn position(text: &[u8], at: usize) -> (u64, Option<u64>) {
    let before = &text[..at];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = std::str::from_utf8(&before[start..])
        .ok()
        .map(|s| s.encode_utf16().count() as u64 + 1);
    (line, column)
}

/// Walks `text` from byte `at`, standing at (`line`, `column`), to (`end_line`,
/// `end_column`) over base64 characters and the blanks and line breaks of wrapped text;
/// the byte offset reached, or `None` when the walk leaves `text` or meets another byte.
pub fn walk_encoded(text: &[u8], at: usize, from: (u64, u64), to: (u64, u64)) -> Option<usize> {
    let (mut line, mut column) = from;
    let mut i = at;
    while (line, column) != to {
        let b = *text.get(i)?;
        if (line, column) > to || !(b64_value(b).is_some() || b" \t\r\n".contains(&b)) {
            return None;
        }
        if b == b'\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
        i += 1;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_spans_are_recognised_at_every_alignment_and_depth() {
        // "hello" in base64 is aGVsbG8=; "xhello" is eGhlbGxv; its "hello" starts at the
        // character 1 of the first group ("Ghl...").
        assert!(b64_holds(b"aGVsbG8", b"hello", 1));
        assert!(b64_holds(b"Ghlb\nGxv", b"hello", 1));
        assert!(!b64_holds(b"aGVsbG8", b"hellp", 1));
        // base64(base64("hello")) = YUdWc2JHOD0=
        assert!(b64_holds(b"YUdWc2JHOD0", b"hello", 2));
        assert!(!b64_holds(b"YUdWc2JHOD0", b"hello", 1));
    }

    #[test]
    fn utf16_and_positions_follow_their_definitions() {
        let le: Vec<u8> = [0xFEFF_u16, 0x61, 0xD800, 0x0A, 0x62]
            .iter()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(utf16_to_utf8(&le, false), "a\u{FFFD}\nb".as_bytes());
        assert_eq!(position("ab\n€x".as_bytes(), 6), (2, Some(2)));
        assert_eq!(position(b"a\xffb", 2), (1, None));
        assert_eq!(walk_encoded(b"QUJD\n  RA", 0, (3, 5), (4, 5)), Some(9));
        assert_eq!(walk_encoded(b"QU.D", 0, (1, 1), (1, 5)), None);
    }
}
