use super::*;
use crate::fake::{FakeKeys, Family, MARKER};
use proptest::prelude::*;

fn matcher() -> Matcher {
    Matcher::new(RuleSet::builtin().unwrap())
}

fn keys_in(m: &Matcher, text: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    m.find(text, 0, text.len(), &mut out);
    out.iter()
        .map(|r| {
            (
                m.rules().get(r.rule).id().to_string(),
                String::from_utf8_lossy(&text[r.start..r.end]).into_owned(),
            )
        })
        .collect()
}

#[test]
fn every_family_is_found_whole_by_its_rule() {
    let m = matcher();
    let mut gen = FakeKeys::new(7);
    for family in Family::ALL {
        let base64url = matches!(
            family,
            Family::Project | Family::ServiceAccount | Family::Admin | Family::Unowned
        );
        let ends: &[char] = if base64url { &['A', '-', '_'] } else { &['A'] };
        for &end in ends {
            let key = gen.key_ending(family, end);
            let text = format!("KEY=\"{key}\"\n");
            assert_eq!(
                keys_in(&m, text.as_bytes()),
                vec![(family.rule_id().to_string(), key.clone())],
                "{family:?}"
            );
        }
    }
}

#[test]
fn json_escaped_and_url_encoded_keys_are_found() {
    let m = matcher();
    let key = FakeKeys::new(1).key(Family::Project);
    for text in [
        format!("\"source\": [\"x = 1\\n{key}\\n\"]"),
        format!("\\t{key}"),
        format!("https://h/?k%3D{key}&x=1"),
    ] {
        assert_eq!(keys_in(&m, text.as_bytes()).len(), 1, "{text}");
    }
}

#[test]
fn keys_glued_to_other_tokens_are_not_keys() {
    let m = matcher();
    let key = FakeKeys::new(2).key(Family::Legacy);
    for text in [
        format!("ta{key}"),
        format!("x_{key}"),
        format!("{key}Z"),
        format!("{key}-"),
    ] {
        assert!(keys_in(&m, text.as_bytes()).is_empty(), "{text}");
    }
}

#[test]
fn unbalanced_runs_are_truncated_keys() {
    let m = matcher();
    let key = FakeKeys::new(3).key(Family::ProjectShort);
    let cut = &key[..key.len() - 3];
    assert!(keys_in(&m, cut.as_bytes()).is_empty());
}

#[test]
fn placeholders_of_one_character_are_not_keys() {
    let m = matcher();
    for c in ["x", "X", "0", "*"] {
        let text = format!("sk-proj-{}{MARKER}{}", c.repeat(74), c.repeat(74));
        assert!(keys_in(&m, text.as_bytes()).is_empty(), "{text}");
    }
    let text = format!("sk-None-{}", "x".repeat(48));
    assert!(keys_in(&m, text.as_bytes()).is_empty());
}

#[test]
fn adjacent_keys_are_each_found() {
    let m = matcher();
    let mut gen = FakeKeys::new(4);
    let a = gen.key(Family::Admin);
    let b = gen.key(Family::Project);
    let text = format!("{a},{b} {a}");
    let found = keys_in(&m, text.as_bytes());
    assert_eq!(found.len(), 3);
    assert_eq!(found[1].1, b);
}

#[test]
fn range_limits_reported_starts() {
    let m = matcher();
    let key = FakeKeys::new(5).key(Family::Project);
    let text = format!("{key} {key}");
    let mut out = Vec::new();
    m.find(text.as_bytes(), 1, text.len(), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].start, key.len() + 1);
}

fn any_family() -> impl Strategy<Value = Family> {
    proptest::sample::select(Family::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_key_in_random_text_is_found_whole(
        seed in any::<u64>(),
        family in any_family(),
        before in "[ -~\n\t]{0,200}",
        after in "[ -~\n\t]{0,200}",
    ) {
        let key = FakeKeys::new(seed).key(family);
        // Glue that would make the key part of a longer token is a different case.
        let text = format!("{before} {key} {after}");
        let found = keys_in(&matcher(), text.as_bytes());
        prop_assert!(found.contains(&(family.rule_id().to_string(), key.clone())), "{found:?}");
    }

    #[test]
    fn text_without_marker_never_matches(text in "[ -~\n]{0,2000}") {
        let text = text.replace(MARKER, "").replace("sk-None-", "");
        prop_assert!(keys_in(&matcher(), text.as_bytes()).is_empty());
    }

    #[test]
    fn unbalanced_runs_around_the_marker_never_match(
        seed in any::<u64>(), head in 0usize..120, tail in 0usize..120,
    ) {
        prop_assume!(head != tail);
        let mut gen = FakeKeys::new(seed);
        let alphabet = b"abcXYZ019_";
        let text = format!("sk-proj-{}{MARKER}{}", gen.run(head, alphabet), gen.run(tail, alphabet));
        prop_assert!(keys_in(&matcher(), text.as_bytes()).is_empty(), "{text}");
    }
}
