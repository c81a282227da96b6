//! Gzip files (`.gz`, `.tgz`; concatenated members too): stream the decompressed content.
//!
//! Stage: read. The content is one member, named after the file without its `.gz` (a git
//! blob, which has no file name, by the name the gzip header stores); when it
//! is a tar, its files are listed directly under the gzip (`logs.tar.gz!/app.log`). The ratio
//! cap is checked against the compressed bytes consumed so far, so a bomb stops after about
//! [`super::RATIO_FLOOR`] bytes, whatever its size. Nothing is written anywhere.

use super::{Cap, Counting, Limited};
use crate::scan::inspect::{Inspector, Place};
use flate2::read::MultiGzDecoder;
use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;

/// Scans the gzip stream `reader` found at `place`; its content is at nesting `level`.
pub(crate) fn scan(insp: &mut Inspector<'_>, reader: &mut dyn Read, place: &Place, level: u32) {
    let consumed = Rc::new(Cell::new(0));
    let compressed = Counting {
        inner: reader,
        count: consumed.clone(),
    };
    let decoder = MultiGzDecoder::new(compressed);
    // A git blob has no file name of its own: the name the gzip header keeps (`gzip` writes
    // one unless told not to) names the content there.
    let name = match (
        place.name.is_empty(),
        decoder.header().and_then(|h| h.filename()),
    ) {
        (true, Some(stored)) => header_name(stored),
        _ => content_name(&place.name),
    };
    let mut limited = Limited::new(decoder, insp.budget.clone(), Cap::Consumed(consumed));
    let mut content = Place::child(&place.member, &name, level);
    content.gzip_parent = Some(place.member.clone());
    insp.scan_stream(&mut limited, &content);
    if insp.budget.report_spent() {
        insp.warn(
            &place.member,
            super::zip::spent_message(insp.budget.limit()),
        );
    }
}

/// The name of a gzip's content: `app.log` for `app.log.gz`, `x.tar` for `x.tgz`.
pub fn content_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    for (suffix, replace) in [(".tgz", ".tar"), (".gz", ""), (".gzip", ""), (".z", "")] {
        if lower.ends_with(suffix) && name.len() > suffix.len() {
            return format!("{}{replace}", &name[..name.len() - suffix.len()]);
        }
    }
    if name.is_empty() {
        "-".into()
    } else {
        name.to_string()
    }
}

/// The last path component of the file name a gzip header stores, when it is usable text.
fn header_name(stored: &[u8]) -> String {
    let text = String::from_utf8_lossy(stored);
    let last = text.rsplit(['/', '\\']).next().unwrap_or_default();
    match last.chars().any(char::is_control) || last.is_empty() {
        true => content_name(""),
        false => last.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{content_name, header_name};

    #[test]
    fn a_stored_name_keeps_its_last_component_only() {
        assert_eq!(header_name(b"app.log"), "app.log");
        assert_eq!(header_name(b"../../etc/app.log"), "app.log");
        assert_eq!(header_name(b"C:\\logs\\app.log"), "app.log");
        assert_eq!(header_name(b"bad\x1b[2Jname"), "-");
        assert_eq!(header_name(b""), "-");
    }

    #[test]
    fn content_is_named_after_the_file() {
        assert_eq!(content_name("app.log.gz"), "app.log");
        assert_eq!(content_name("backup.TGZ"), "backup.tar");
        assert_eq!(content_name("blob"), "blob");
        assert_eq!(content_name(""), "-");
    }
}
