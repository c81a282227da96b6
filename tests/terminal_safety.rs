//! What keyhound prints on a terminal cannot be driven by what it read: control characters
//! in names and in messages that quote them are replaced.

use crate::support::archives::tar;
use crate::support::tree::{run_in, Tree};

/// Terminal control: escape (CSI, OSC), bell, carriage return.
const CONTROL: [char; 3] = ['\x1b', '\x07', '\r'];

fn assert_inert(what: &str, text: &str) {
    for c in CONTROL {
        assert!(!text.contains(c), "{what} holds {c:?}: {text:?}");
    }
}

/// The tar crate's error for a damaged header quotes the member's name.
#[test]
fn a_warning_quoting_a_tar_members_name_cannot_drive_the_terminal() {
    let first: &[u8] = b"hello\n";
    let mut bytes = tar(&[("ok.txt", first), ("b\x1b]0;owned\x07\r.txt", b"more\n")]);
    // The second header follows the first (512 bytes) and its data (one block): make its
    // size field no number, with a valid checksum, so that the header is read and refused.
    let header = 1024;
    bytes[header + 124..header + 136].copy_from_slice(b"zzzzzzzzzzz\0");
    bytes[header + 148..header + 156].copy_from_slice(b"        ");
    let sum: u32 = bytes[header..header + 512]
        .iter()
        .map(|&b| u32::from(b))
        .sum();
    bytes[header + 148..header + 156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let t = Tree::new();
    t.write("backup.tar", &bytes);
    let run = run_in(t.path(), &["scan", "--no-progress", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("tar archive damaged") && run.stderr.contains("owned"),
        "the warning names the member: {}",
        run.stderr
    );
    assert_inert("stderr", &run.stderr);
}

#[test]
fn the_error_line_cannot_drive_the_terminal() {
    let t = Tree::new();
    let run = run_in(t.path(), &["scan", "gone\x1b[2J\x07"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.starts_with("keyhound: error: cannot scan gone"));
    assert_inert("stderr", &run.stderr);
}
