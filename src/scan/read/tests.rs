use super::*;
use crate::fake::{FakeKeys, Family};
use crate::rules::RuleSet;
use proptest::prelude::*;

fn matcher() -> Matcher {
    Matcher::new(RuleSet::builtin().unwrap())
}

fn scan(text: &[u8], chunk: usize) -> Vec<FileMatch> {
    let mut out = Vec::new();
    let n = BufferScanner::with_chunk(chunk)
        .scan(&matcher(), text, &mut out)
        .unwrap();
    assert_eq!(n, text.len() as u64);
    out
}

#[test]
fn line_and_utf16_column() {
    let key = FakeKeys::new(1).key(Family::Project);
    let text = format!("a\r\nb\n€𝄞 x={key}\nz");
    let found = scan(text.as_bytes(), CHUNK);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 3);
    // "€" is 1 unit, "𝄞" is 2, then " x=": the key starts at unit 7.
    assert_eq!(found[0].column, 7);
    assert_eq!(found[0].end_column, 7 + key.len() as u64);
    assert_eq!(found[0].secret.expose(), key);
}

#[test]
fn key_at_end_of_file_without_newline() {
    let key = FakeKeys::new(2).key(Family::Admin);
    let found = scan(format!("x\n{key}").as_bytes(), CHUNK);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].line, found[0].column), (2, 1));
}

#[test]
fn allow_comments_mark_the_line() {
    let mut gen = FakeKeys::new(3);
    let (a, b, c) = (
        gen.key(Family::Legacy),
        gen.key(Family::Legacy),
        gen.key(Family::Legacy),
    );
    let text = format!("{a} # keyhound:allow\n{b}\n// gitleaks:allow\n{c} // gitleaks:allow");
    let allowed: Vec<bool> = scan(text.as_bytes(), CHUNK)
        .iter()
        .map(|m| m.allowed)
        .collect();
    assert_eq!(allowed, vec![true, false, true]);
}

/// Whether a key is allowed must not depend on where a buffer boundary falls: an allow
/// comment within reach on the key's line, before or after it, is seen with any buffer size.
#[test]
fn allow_comments_far_along_the_line_are_seen_across_buffer_boundaries() {
    let key = FakeKeys::new(9).key(Family::Unowned);
    let pad = "x".repeat(ALLOW_REACH - 200);
    let before = format!(
        "# keyhound:allow {pad} {key}
"
    );
    let after = format!(
        "{key} {pad} // gitleaks:allow
"
    );
    for text in [before, after] {
        for chunk in [1, 2, 35, 300, 1000, CHUNK] {
            let found = scan(text.as_bytes(), chunk);
            assert_eq!(found.len(), 1, "chunk {chunk}");
            assert!(found[0].allowed, "chunk {chunk}: {}", &text[..20]);
        }
    }
}

#[test]
fn non_utf8_bytes_do_not_hide_keys() {
    let key = FakeKeys::new(4).key(Family::ServiceAccount);
    let mut text = vec![0xff, 0xfe, 0x00, b'\n', 0xc3];
    text.extend_from_slice(key.as_bytes());
    text.extend_from_slice(&[0x00, 0x80]);
    let found = scan(&text, CHUNK);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Keys that straddle buffer boundaries are found whole, once, at the right place.
    #[test]
    fn buffer_boundaries_never_cut_or_double_keys(
        seed in any::<u64>(),
        gaps in proptest::collection::vec(0usize..3000, 1..6),
        chunk in 1usize..4096,
    ) {
        let mut gen = FakeKeys::new(seed);
        let mut text = String::new();
        let mut expected = Vec::new();
        for (i, gap) in gaps.iter().enumerate() {
            let filler: String = (0..*gap).map(|j| if j % 61 == 60 { '\n' } else { 'a' }).collect();
            text.push_str(&filler);
            text.push(' ');
            let family = Family::ALL[i % Family::ALL.len()];
            let key = gen.key(family);
            let line = text.matches('\n').count() as u64 + 1;
            let column = (text.len() - text.rfind('\n').map_or(0, |p| p + 1)) as u64 + 1;
            expected.push((key.clone(), line, column));
            text.push_str(&key);
            text.push(' ');
        }
        let whole = scan(text.as_bytes(), CHUNK);
        let chunked = scan(text.as_bytes(), chunk);
        let got = |v: &[FileMatch]| v.iter().map(|m| (m.secret.expose().to_string(), m.line, m.column)).collect::<Vec<_>>();
        prop_assert_eq!(got(&whole), expected.clone());
        prop_assert_eq!(got(&chunked), expected);
    }
}
