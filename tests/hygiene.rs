//! Secret hygiene: no output format, summary, warning or audit log ever holds a planted key
//! or the admin key.

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

#[test]
fn a_key_in_a_file_name_an_archive_member_or_a_path_argument_is_redacted() {
    use crate::support::archives::zip;
    use crate::support::git::Repo;
    let t = Tree::new();
    let mut gen = keys(42);
    let (name, dir, member, arg) = (
        gen.key(Family::Project),
        gen.key(Family::ServiceAccount),
        gen.key(Family::Admin),
        gen.key(Family::Unowned),
    );
    t.write(&format!("{name}.txt"), "nothing here\n");
    t.write(
        &format!("{dir}/notes.env"),
        format!("K={}\n", gen.key(Family::Legacy)),
    );
    t.write(
        "backup.zip",
        zip(&[(&format!("{member}/.env"), format!("K={name}\n").as_bytes())]),
    );
    #[cfg(unix)]
    {
        let fifo = t.path().join(&dir).join("pipe");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
    }
    let all = [name.as_str(), dir.as_str(), member.as_str(), arg.as_str()];
    for format in FORMATS {
        let run = run_in(t.path(), &["scan", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_holds_no_key(&format!("{format} stdout"), &run.stdout, &all);
        assert_holds_no_key(&format!("{format} stderr"), &run.stderr, &all);
    }
    let run = run_in(t.path(), &["scan", &format!("no/{arg}")]);
    assert_eq!(run.code, 2);
    assert_holds_no_key("the error line", &run.stderr, &all);
    // Paths from git history too.
    let repo = Repo::init();
    repo.write(&format!("{name}/.env"), format!("K={dir}\n"));
    repo.commit_all("add");
    for format in FORMATS {
        let run = run_in(repo.path(), &["scan", "--history", "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert_holds_no_key(&format!("history {format}"), &run.stdout, &all);
    }
}

/// Every text a revocation writes: stdout, stderr and the audit log.
fn assert_holds_no_key(what: &str, text: &str, keys: &[&str]) {
    for k in keys {
        assert!(!text.contains(k), "{what} holds a key");
        let middle = &k[k.len() / 2 - 6..k.len() / 2 + 6];
        assert!(!text.contains(middle), "{what} holds part of a key");
    }
    assert!(
        !text.contains("Bearer"),
        "{what} holds an Authorization header"
    );
}

#[test]
fn no_revocation_output_or_audit_log_holds_a_key_or_the_admin_key() {
    use crate::support::mock::Api;
    use crate::support::revoke::{org, plant, revoke};
    for format in FORMATS {
        // A fresh organization each time: the admin key in use leaks too, and is revoked.
        let api = Api::from_org(org());
        let t = Tree::new();
        let p = plant(&api, &t);
        t.write("a/rotate.sh", format!("OPENAI_ADMIN_KEY={}\n", api.admin));
        let mut keys: Vec<&str> = p.all().to_vec();
        keys.push(&api.admin);
        let logs = Tree::new();
        let audit = logs.path().join("audit.jsonl");
        let sarif = logs.path().join("scan.sarif");
        let scan = api.scan(
            t.path(),
            &["--format", "sarif", "-o", sarif.to_str().unwrap()],
        );
        assert_eq!(scan.code, 1, "{}", scan.stderr);
        for args in [
            vec!["--sarif", sarif.to_str().unwrap(), "-v"],
            vec!["--sarif", sarif.to_str().unwrap(), "-v", "--format", "json"],
        ] {
            let run = revoke(&api, logs.path(), &args);
            assert_eq!(run.code, 0, "{}", run.stderr);
            assert_holds_no_key("revoke stdout", &run.stdout, &keys);
            assert_holds_no_key("revoke stderr", &run.stderr, &keys);
        }
        let run = api.scan(
            t.path(),
            &[
                "--format",
                format,
                "-v",
                "--verify-live",
                "--revoke",
                "--yes",
                "--delete-service-accounts",
                "--audit-log",
                audit.to_str().unwrap(),
            ],
        );
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains("keyhound: api: DELETE"),
            "-v logs the DELETEs"
        );
        assert_holds_no_key(&format!("{format} stdout"), &run.stdout, &keys);
        assert_holds_no_key(&format!("{format} stderr"), &run.stderr, &keys);
        let log = std::fs::read_to_string(&audit).unwrap();
        // Verify-live tells the ambiguous key apart, so it is revoked too: 6 actions.
        assert_eq!(log.lines().count(), 6, "{log}");
        assert_holds_no_key("the audit log", &log, &keys);
    }
}
