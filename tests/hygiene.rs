//! Secret hygiene: no output format, summary or warning ever holds a planted key.

use crate::support::tree::{keys, run_in, Tree};
use keyhound::fake::Family;

/// Every way keyhound can report a scan.
pub const FORMATS: &[&str] = &["human", "json", "sarif"];

#[test]
fn no_output_format_contains_a_planted_key() {
    let t = Tree::new();
    let mut gen = keys(41);
    let planted: Vec<String> = Family::ALL.iter().map(|&f| gen.key(f)).collect();
    for (i, k) in planted.iter().enumerate() {
        t.write(&format!("f{i}/.env"), format!("KEY={k}\n"));
        t.write(&format!("other/{i}.json"), format!("{{\"k\": \"{k}\"}}"));
    }
    for format in FORMATS {
        for color in ["never", "always"] {
            let run = run_in(t.path(), &["scan", "--format", format, "--color", color]);
            assert_eq!(run.code, 1, "{format}: {}", run.stderr);
            for k in &planted {
                assert!(
                    !run.stdout.contains(k.as_str()),
                    "{format} stdout leaks a key"
                );
                assert!(
                    !run.stderr.contains(k.as_str()),
                    "{format} stderr leaks a key"
                );
                // Neither may a recognisable middle part of it.
                let middle = &k[k.len() / 2 - 6..k.len() / 2 + 6];
                assert!(
                    !run.stdout.contains(middle),
                    "{format} stdout leaks part of a key"
                );
            }
        }
    }
}
