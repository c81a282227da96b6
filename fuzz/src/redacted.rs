//! The `redacted` target's invariants: the cross-check's `redacted_value` parser and matcher.

use keyhound::crosscheck::redacted::Redacted;
use keyhound::secret::Secret;

/// Parses and matches arbitrary text, then checks that a key built from the input matches
/// every redaction of itself that the Admin API or an error message could write.
pub fn check(data: &[u8]) {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if let Some(r) = Redacted::parse(&text) {
        assert!(text.starts_with(r.head()) && text.ends_with(r.tail()));
        let shown = r.head().chars().count() + r.tail().chars().count();
        assert!(shown < text.chars().count(), "head and tail leave no mask");
        if let Some(len) = r.key_len() {
            assert_eq!(len, text.chars().count());
        }
        let _ = r.matches(&text);
        let _ = r.matches("");
    }
    // Keys are never shorter than what a redaction shows; the API keeps 8 + 4, error
    // messages have shown fewer.
    let key: Vec<char> = text.chars().collect();
    let (head, tail) = (usize::from(shape % 9), usize::from(shape / 9 % 5));
    if key.len() < head + tail || key.len() < 12 {
        return;
    }
    let head: String = key[..head].iter().collect();
    let tail: String = key[key.len() - tail..].iter().collect();
    let stars = "*".repeat(key.len() - head.chars().count() - tail.chars().count());
    let forms = [
        format!("{head}{stars}{tail}"),
        format!("{head}...{tail}"),
        format!("{head}…{tail}"),
        format!("{head}****…{tail}"),
        Secret::new(text.as_ref()).redacted(),
    ];
    for form in forms {
        // A `*` mask of a key that holds no mask character keeps its length. A form that
        // shows no tail (it ends in a mask character) parses to nothing on purpose: it would
        // match every key of its prefix.
        let Some(r) = Redacted::parse(&form) else {
            let tail_less = form.ends_with(['*', '.', '…']);
            assert!(
                tail_less || (stars.is_empty() && form.starts_with(&head)),
                "{form:?} has no mask"
            );
            continue;
        };
        assert!(
            r.matches(&text),
            "a key does not match its redaction {form:?}"
        );
    }
}
