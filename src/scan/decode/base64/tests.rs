use super::*;
use crate::fake::{FakeKeys, Family, MARKER};
use crate::rules::RuleSet;
use crate::scan::read::{BufferScanner, FileMatch, CHUNK};
use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use ::base64::Engine;
use proptest::prelude::*;

fn matcher() -> Matcher {
    Matcher::new(RuleSet::builtin().unwrap())
}

fn scan(text: &[u8], chunk: usize) -> Vec<FileMatch> {
    let mut out = Vec::new();
    BufferScanner::with_chunk(chunk)
        .scan(&matcher(), text, &mut out)
        .unwrap();
    out
}

fn secrets(found: &[FileMatch]) -> Vec<(String, u8)> {
    found
        .iter()
        .map(|m| (m.secret.expose().to_string(), m.base64_depth))
        .collect()
}

/// Wraps text at `width` characters a line, as the `base64` command does.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let lines: Vec<String> = text
        .as_bytes()
        .chunks(width)
        .map(|c| format!("{indent}{}", String::from_utf8_lossy(c)))
        .collect();
    lines.join("\n")
}

#[test]
fn spellings_are_what_a_reference_encoder_writes_at_each_alignment() {
    let mut gen = FakeKeys::new(1);
    let spelled = spellings(MARKER.as_bytes());
    for align in 0..3 {
        let text = format!("{}{MARKER}{}", gen.run(align, b"xyz"), gen.run(5, b"abc"));
        let encoded = STANDARD.encode(&text);
        let hits: Vec<&Spelling> = spelled
            .iter()
            .filter(|s| encoded.contains(&s.text))
            .collect();
        assert_eq!(hits.len(), 1, "alignment {align}: {encoded}");
        let at = encoded.find(&hits[0].text).unwrap();
        assert_eq!(at % 4, usize::from(hits[0].phase));
    }
    // Two keywords, each with 3 spellings once and 9 twice: within the packed searcher's 64.
    let both = ["T3BlbkFJ".to_string(), "sk-None-".to_string()];
    assert_eq!(prefilter_spellings(&both, |_| true).len(), 24);
    // Twice only for the marker: 3 + 9, and 3 for the other.
    assert_eq!(prefilter_spellings(&both, |k| k == "T3BlbkFJ").len(), 15);
}

#[test]
fn a_key_encoded_at_each_alignment_is_found_at_the_encoded_text() {
    let mut gen = FakeKeys::new(2);
    for align in 0..3 {
        let key = gen.key(Family::Project);
        let plain = format!("{}{key}\n", "#".repeat(align));
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            let encoded = engine.encode(&plain);
            let text = format!("kind: Secret\ndata:\n  token: {encoded}\n");
            let found = scan(text.as_bytes(), CHUNK);
            assert_eq!(secrets(&found), vec![(key.clone(), 1)], "alignment {align}");
            let m = &found[0];
            // The span runs from the character holding the key's first bit to the one
            // holding its last.
            let first = align * 8 / 6;
            let last = ((align + key.len()) * 8).div_ceil(6);
            let at = text.find(&encoded).unwrap();
            assert_eq!((m.line, m.end_line), (3, 3));
            assert_eq!(
                m.column,
                (at - "kind: Secret\ndata:\n".len() + first + 1) as u64
            );
            assert_eq!(m.end_column - m.column, (last - first) as u64);
            assert_eq!(m.byte_offset, (at + first) as u64);
        }
    }
}

#[test]
fn kubernetes_secret_and_dockerconfigjson_values_are_found() {
    let mut gen = FakeKeys::new(3);
    let (a, b) = (gen.key(Family::Admin), gen.key(Family::ServiceAccount));
    let auth = STANDARD.encode(format!("user:{b}"));
    let docker = format!("{{\"auths\":{{\"registry.example\":{{\"auth\":\"{auth}\"}}}}}}");
    let manifest = format!(
        "apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  OPENAI_ADMIN_KEY: {}\n  .dockerconfigjson: {}\n",
        STANDARD.encode(&a),
        STANDARD.encode(&docker)
    );
    let found = scan(manifest.as_bytes(), CHUNK);
    assert_eq!(secrets(&found), vec![(a, 1), (b, 2)]);
    assert_eq!((found[0].line, found[1].line), (5, 6));
}

#[test]
fn a_key_inside_a_larger_wrapped_blob_is_found_across_lines() {
    let mut gen = FakeKeys::new(4);
    let key = gen.key(Family::Project);
    let mut env = String::new();
    for i in 0..40 {
        env.push_str(&format!("SETTING_{i}={}\n", gen.run(30, b"abcdefgh0123")));
    }
    env.push_str(&format!("OPENAI_API_KEY={key}\n"));
    for i in 0..40 {
        env.push_str(&format!("OTHER_{i}={}\n", gen.run(30, b"abcdefgh0123")));
    }
    let blob = wrap(&STANDARD.encode(&env), 76, "    ");
    let text = format!("config: |\n{blob}\nnext: 1\n");
    for chunk in [CHUNK, 997, 64] {
        let found = scan(text.as_bytes(), chunk);
        assert_eq!(secrets(&found), vec![(key.clone(), 1)], "chunk {chunk}");
        assert!(
            found[0].end_line > found[0].line,
            "a 164-byte key spans lines"
        );
    }
}

#[test]
fn doubly_encoded_keys_are_marked_depth_two() {
    let key = FakeKeys::new(5).key(Family::Unowned);
    let twice = STANDARD.encode(STANDARD.encode(&key));
    let found = scan(format!("blob={twice}").as_bytes(), CHUNK);
    assert_eq!(secrets(&found), vec![(key, 2)]);
}

#[test]
fn the_markerless_unowned_form_is_found_encoded_once_not_twice() {
    // Its keyword, `sk-None-`, is one rule's: only the marker, which every other key
    // carries, is worth the nine double-encoding literals in the prefilter.
    let key = FakeKeys::new(7).key(Family::UnownedShort);
    let once = STANDARD.encode(&key);
    assert_eq!(
        secrets(&scan(format!("blob={once}").as_bytes(), CHUNK)),
        vec![(key.clone(), 1)]
    );
    let twice = STANDARD.encode(&once);
    assert!(scan(format!("blob={twice}").as_bytes(), CHUNK).is_empty());
}

#[test]
fn a_run_cut_at_its_reach_reports_no_truncated_key() {
    // A key longer than any rule allows, encoded: the decoded window never sees all of it.
    let mut gen = FakeKeys::new(6);
    let long = format!(
        "sk-proj-{}{MARKER}{}",
        gen.run(600, b"ab12"),
        gen.run(600, b"ab12")
    );
    let found = scan(STANDARD.encode(&long).as_bytes(), CHUNK);
    assert!(found.is_empty(), "{:?}", secrets(&found));
}

#[test]
fn decoding_off_finds_only_plain_keys() {
    let key = FakeKeys::new(7).key(Family::Project);
    let text = format!("{key}\n{}\n", STANDARD.encode(&key));
    let opts = crate::scan::inspect::InspectOptions {
        decode: false,
        ..Default::default()
    };
    let off = Matcher::with_options(RuleSet::builtin().unwrap(), opts);
    let mut out = Vec::new();
    BufferScanner::default()
        .scan(&off, text.as_bytes(), &mut out)
        .unwrap();
    assert_eq!(secrets(&out), vec![(key.clone(), 0)]);
    assert_eq!(
        secrets(&scan(text.as_bytes(), CHUNK)),
        vec![(key.clone(), 0), (key, 1)]
    );
}

fn engine(i: usize) -> &'static ::base64::engine::GeneralPurpose {
    [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD][i % 4]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A key at any offset (so any alignment) of encoded text, in either alphabet, is found
    /// once, at the encoded text, whatever the buffer size.
    #[test]
    fn an_encoded_key_at_any_offset_is_found_once(
        seed in any::<u64>(),
        family in proptest::sample::select(Family::ALL.to_vec()),
        before in "[ -~\n]{0,300}",
        after in "[ -~\n]{0,300}",
        which in 0usize..4,
        chunk in 1usize..3000,
    ) {
        let key = FakeKeys::new(seed).key(family);
        let plain = format!("{before} {key} {after}");
        let encoded = engine(which).encode(&plain);
        let text = format!("value: {encoded}\n");
        let found = scan(text.as_bytes(), chunk);
        prop_assert_eq!(secrets(&found), vec![(key.clone(), 1)]);
        let at = 7 + (before.len() + 1) * 4 / 3;
        prop_assert_eq!(found[0].byte_offset, at as u64);
    }

    /// Random bytes that contain the marker, encoded, decode to no key.
    #[test]
    fn encoded_random_bytes_around_the_marker_are_not_keys(
        head in proptest::collection::vec(any::<u8>(), 0..300),
        tail in proptest::collection::vec(any::<u8>(), 0..300),
        which in 0usize..4,
    ) {
        let mut bytes = head;
        bytes.extend_from_slice(MARKER.as_bytes());
        bytes.extend(tail);
        let text = engine(which).encode(&bytes);
        prop_assert!(scan(text.as_bytes(), CHUNK).is_empty());
        let twice = STANDARD.encode(&text);
        prop_assert!(scan(twice.as_bytes(), CHUNK).is_empty());
    }
}

#[test]
fn a_decoded_match_debug_prints_its_key_redacted() {
    let key = FakeKeys::new(12).key(Family::Project);
    let m = DecodedMatch {
        rule: 0,
        start: 0,
        end: 10,
        key: key.as_bytes().to_vec(),
        depth: 1,
    };
    let shown = format!("{m:?}");
    // Neither as text nor as the list of byte values a derived Debug prints.
    let as_bytes = format!("{:?}", &key.as_bytes()[..12]);
    assert!(!shown.contains(&key) && !shown.contains(MARKER), "{shown}");
    assert!(!shown.contains(as_bytes.trim_end_matches(']')), "{shown}");
    assert!(shown.contains(&crate::secret::redact(&key)), "{shown}");
}
