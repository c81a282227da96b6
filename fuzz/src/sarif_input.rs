//! The `sarif_input` target's invariants: `keyhound revoke --sarif`'s reader and the
//! `--baseline` loader, on arbitrary bytes. Either gives its result or a one-line error.

use keyhound::revoke::from_sarif;
use serde_json::Value;

/// The name the errors give the file.
const PATH: &str = "fuzz.sarif";

pub fn check(data: &[u8]) {
    revoke_reader(data);
    baseline_loader(data);
}

fn revoke_reader(data: &[u8]) {
    match from_sarif::parse(data, PATH) {
        Err(e) => one_line(&e.to_string()),
        Ok(input) => {
            assert!(input.targets.len() + input.left_alone.len() <= input.results);
            for (fingerprint, redacted, why) in input
                .targets
                .iter()
                .map(|t| (&t.fingerprint, &t.redacted, Some(&t.why)))
                .chain(
                    input
                        .left_alone
                        .iter()
                        .map(|l| (&l.fingerprint, &l.redacted, None)),
                )
            {
                let fp = fingerprint
                    .as_deref()
                    .expect("a SARIF target has its fingerprint");
                assert!(fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit()));
                assert_eq!(redacted, &format!("sha256:{}", &fp[..12]));
                // `why` quotes the file's own paths, which may hold any character: it is data,
                // and the plan shows it through the terminal sanitizer.
                if let Some(why) = why {
                    one_line(&keyhound::report::human::sanitize(why));
                }
            }
        }
    }
}

/// `baseline::load` after its read: UTF-8 text, JSON, then the fingerprints.
fn baseline_loader(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return one_line(&e.to_string()),
    };
    match keyhound::baseline::fingerprints(&value) {
        Err(reason) => one_line(&reason),
        Ok(found) => {
            for fp in found {
                assert!(
                    fp.len() == 64 && fp.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                );
            }
        }
    }
}

/// A message for the user is one line: no line break or other control character.
fn one_line(message: &str) {
    assert!(
        !message.chars().any(char::is_control),
        "a message is not one line: {message:?}"
    );
}
