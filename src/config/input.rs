//! Reading the files a user names (`--rules`, `--baseline`, `--admin-key-file`,
//! `revoke --sarif`, `--audit-log`), with a size bound.
//!
//! Stage: configuration. A pipe is a fine source (`--admin-key-file <(pass show ...)`), so
//! anything readable is read, but never without end: `/dev/zero` given by mistake is an error
//! once it passes the bound, not a hang that fills memory.

use std::io::{self, Read};
use std::path::Path;

/// Most bytes of an admin key file: a key is under 200 characters.
pub const ADMIN_KEY_FILE_LIMIT: u64 = 64 << 10;
/// Most bytes of a rule file.
pub const RULE_FILE_LIMIT: u64 = 16 << 20;
/// Most bytes of a report read back (`--baseline`, `revoke --sarif`): a sweep of many
/// repositories writes large ones.
pub const REPORT_FILE_LIMIT: u64 = 2 << 30;

/// Most bytes of an audit log read back for earlier revocations: millions of lines.
pub const AUDIT_LOG_LIMIT: u64 = 1 << 30;

/// The contents of `path`, or an error when it holds more than `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {}", shown_size(limit)),
        ));
    }
    Ok(bytes)
}

/// [`read_bounded`], as UTF-8 text.
pub fn read_bounded_text(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_bounded(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

fn shown_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 => format!("{} MiB", b >> 20),
        b => format!("{} KiB", b >> 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_source_is_an_error_past_the_bound_not_a_hang() {
        let err = read_bounded(Path::new("/dev/zero"), 1 << 10).unwrap_err();
        assert_eq!(err.to_string(), "larger than 1 KiB");
    }

    #[test]
    fn files_within_the_bound_are_read_whole_and_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("k");
        std::fs::write(&file, "abc\n").unwrap();
        assert_eq!(read_bounded_text(&file, 4).unwrap(), "abc\n");
        assert!(read_bounded(&file, 3).is_err());
        let err = read_bounded(dir.path(), 10).unwrap_err();
        assert_eq!(err.to_string(), "is a directory");
        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        assert_eq!(
            read_bounded_text(&file, 10).unwrap_err().to_string(),
            "not UTF-8 text"
        );
    }
}
