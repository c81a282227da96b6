//! Secret handling: the one place that holds a plaintext key.
//!
//! A [`Secret`] never prints its value: `Debug` and `Display` show the redacted form. Only
//! [`Secret::expose`] gives the bytes, and it is called where the key must leave the process
//! on purpose (a liveness check the user asked for) or to compute a fingerprint.

use sha2::{Digest, Sha256};
use std::fmt;

/// How many leading characters a redacted form may show.
pub const VISIBLE_HEAD: usize = 8;
/// How many trailing characters a redacted form may show.
pub const VISIBLE_TAIL: usize = 4;

/// A plaintext credential. Formatting it never reveals more than [`Secret::redacted`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key. Keys are ASCII (base64url and `-`); other bytes are replaced lossily.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Builds a secret from matched bytes.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Secret(String::from_utf8_lossy(bytes).into_owned())
    }

    /// The plaintext. Call only to send the key where the user asked, or to hash it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// True for an empty secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Lowercase hex SHA-256 of the full key: the finding's stable identity.
    pub fn fingerprint(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    /// The display form: at most the first 8 and the last 4 characters, `…` between.
    /// Short values show less, so that head and tail never overlap or join up.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

/// Redacts any credential-like string to `head…tail` (at most 8 + 4 characters shown, and
/// never more than a third of a short value).
pub fn redact(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let (head, tail) = if n >= 24 {
        (VISIBLE_HEAD, VISIBLE_TAIL)
    } else {
        (n / 4, 0)
    };
    let head: String = chars[..head].iter().collect();
    let tail: String = chars[n - tail..].iter().collect();
    format!("{head}…{tail}")
}

/// `text` (a path, an archive member, an error line) with every OpenAI-key-shaped word in
/// it redacted: a run of key characters (`A-Z a-z 0-9 - _`) that holds the `T3BlbkFJ`
/// marker, or that is the markerless `sk-None-` form. File names are where a key is pasted
/// by mistake, and reports show them; a name like `sk-learn-notes` is left as it is.
pub fn redact_keys_in(text: &str) -> std::borrow::Cow<'_, str> {
    /// The markerless form: `sk-None-` and 48 alphanumerics.
    const UNMARKED: &str = "sk-None-";
    const MIN_UNMARKED: usize = UNMARKED.len() + 40;
    if !text.contains(MARKER) && !text.contains(UNMARKED) {
        return std::borrow::Cow::Borrowed(text);
    }
    let is_key_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_key_char) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !is_key_char(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let key_like =
            word.contains(MARKER) || (word.starts_with(UNMARKED) && word.len() >= MIN_UNMARKED);
        if key_like {
            out.push_str(&redact(word));
        } else {
            out.push_str(word);
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// [`redact_keys_in`] for an owned string: `text` itself when it holds no key.
pub fn redact_keys_owned(text: String) -> String {
    match redact_keys_in(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(redacted) => redacted,
    }
}

/// Base64 of "OpenAI", found in nearly every OpenAI key; built so that no key-shaped literal
/// is in the source.
pub const MARKER: &str = concat!("T3Blbk", "FJ");

/// Lowercase hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake() -> String {
        format!(
            "sk-proj-{}{}{}",
            "a1B2".repeat(5),
            "T3Blbk",
            "FJzz9Y8x7W6v5U4t3S2r"
        )
    }

    #[test]
    fn debug_and_display_never_show_the_middle() {
        let s = Secret::new(fake());
        for shown in [format!("{s:?}"), format!("{s}"), s.redacted()] {
            assert!(!shown.contains("T3Blbk"), "{shown}");
            assert!(shown.contains("sk-proj-…3S2r"), "{shown}");
        }
    }

    #[test]
    fn short_values_show_little() {
        assert_eq!(redact("sk-short"), "sk…");
        assert_eq!(redact(""), "…");
    }

    #[test]
    fn key_shaped_words_in_paths_and_messages_are_redacted() {
        let key = fake();
        let unmarked = format!("sk-None-{}", "aB3".repeat(16));
        let text = format!("cannot scan /tmp/{key}/x.env: no such file; {unmarked}.txt");
        assert_eq!(
            redact_keys_in(&text),
            format!(
                "cannot scan /tmp/sk-proj-…3S2r/x.env: no such file; {}.txt",
                redact(&unmarked)
            )
        );
        for plain in [
            "src/task-runner.rs",
            "sk-short.env",
            "docs/sk-learn-gradient-boosting-classifier-notes.md",
            "sk-None-",
            "",
        ] {
            assert_eq!(redact_keys_in(plain), plain);
        }
    }

    #[test]
    fn fingerprint_is_sha256_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Secret::new("abc").fingerprint().len(), 64);
    }
}
