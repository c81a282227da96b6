//! Scan one input, whatever it came from: a file, a staged index entry, a git blob.
//!
//! Stage: read + match for a single input. The walker (files) and later sources (git blobs)
//! all call [`scan_input`] (or [`scan_named`], with a name for a gzip's content), so that every
//! source gets the same matching, decoding (base64, UTF-16), archive unpacking, allow comments
//! and line hashes. The first buffer read decides: most inputs are scanned as bytes straight
//! away; an archive, a compressed file or UTF-16 text is read again from its start by
//! [`super::inspect`]. Knows nothing of threads or of where the bytes live.

use super::archive::{self, ReadSeek};
use super::inspect::{self, Found, Inspector, Kind, Place};
use super::matcher::Matcher;
use super::read::{BufferScanner, FileMatch, Scanned};
use crate::finding::{GitOrigin, Location, Occurrence, Warning};
use crate::report::linehash;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Seek, SeekFrom};

/// Line hashes are computed only when every finding lies in the first 16 MiB of its input:
/// hashing streams every character up to the last finding, twice (about 3 ns a byte), which
/// would dominate the scan of a multi-gigabyte log. Without the hash, GitHub's upload action
/// computes it for files in the checkout.
pub const LINE_HASH_MAX_OFFSET: u64 = 16 << 20;

/// A reported key in one input, with GitHub's line hash when it was computed.
#[derive(Debug, Clone)]
pub struct InputMatch {
    /// Lines and columns are within the member (for archives) or the decoded text (UTF-16).
    pub found: FileMatch,
    pub line_hash: Option<String>,
    /// The member path inside an archive (`config/.env`, `inner.zip!/.env`); `None` when the
    /// key is in the input itself.
    pub member: Option<String>,
    /// How the key's text was decoded (`base64`, `base64/base64`, `utf-16le`, ...).
    pub encoding: Option<String>,
}

/// A problem inside one input that did not stop its scan (a skipped member, a guard rail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputWarning {
    /// The member concerned, when there is one.
    pub member: Option<String>,
    pub message: String,
}

impl InputMatch {
    /// This match as an occurrence in the input reported as `path` (a path under a scan
    /// root, or inside a repository), with the commit it was read from, if any.
    pub fn occurrence(&self, path: &str, git: Option<GitOrigin>) -> Occurrence {
        let m = &self.found;
        Occurrence {
            rule: m.rule,
            secret: m.secret.clone(),
            location: Location {
                path: path.to_string(),
                member: self.member.clone(),
                line: m.line,
                column: m.column,
                end_line: m.end_line,
                end_column: m.end_column,
                byte_offset: m.byte_offset,
                line_hash: self.line_hash.clone(),
                git,
                encoding: self.encoding.clone(),
            },
        }
    }

    /// True when the match's line is a line of the input's own bytes, so that a line diff of
    /// the input can tell whether it was added; false inside an archive member or decoded
    /// UTF-16 text, whose lines are not the input's.
    pub fn on_input_lines(&self) -> bool {
        self.member.is_none()
            && !self
                .encoding
                .as_deref()
                .is_some_and(|e| e.starts_with("utf-16"))
    }
}

impl InputWarning {
    /// This warning about the input reported as `path`.
    pub fn at(&self, path: Option<String>) -> Warning {
        Warning {
            path,
            member: self.member.clone(),
            message: self.message.clone(),
        }
    }
}

/// What scanning one input gave: the keys not suppressed by an allow comment, the bytes read,
/// warnings from inside it, and the read error that ended it early, if any. Keys found
/// before an error are kept.
#[derive(Debug, Default)]
pub struct InputScan {
    pub matches: Vec<InputMatch>,
    pub bytes: u64,
    pub warnings: Vec<InputWarning>,
    pub error: Option<io::Error>,
}

/// Scans `input` from its current position to its end. Inputs holding a key are read a second
/// time, from the start, for their line hashes; a failure there only leaves the hashes out.
pub fn scan_input<R: Read + Seek>(
    scanner: &mut BufferScanner,
    matcher: &Matcher,
    input: &mut R,
) -> InputScan {
    scan_named(scanner, matcher, "", input)
}

/// [`scan_input`] for an input called `name` (its file name: it names a gzip's content).
pub fn scan_named<R: Read + Seek>(
    scanner: &mut BufferScanner,
    matcher: &Matcher,
    name: &str,
    input: &mut R,
) -> InputScan {
    let opts = matcher.inspect();
    let looking = opts.decode || opts.archives;
    let mut found = Vec::new();
    let first = scanner.scan_unless(matcher, &mut *input, &mut found, |head| {
        looking.then(|| inspect::sniff(head, opts)).flatten()
    });
    let (bytes, error) = match first {
        Ok(Scanned::Done(bytes)) => (bytes, None),
        Ok(Scanned::Diverted(kind, head)) => {
            return scan_inside(scanner, matcher, name, kind, head, input)
        }
        Err(e) => (0, Some(e)),
    };
    found.retain(|m| !m.allowed);
    let deepest = found.iter().map(|m| m.byte_offset).max().unwrap_or(0);
    let hashes = if found.is_empty() || deepest > LINE_HASH_MAX_OFFSET {
        BTreeMap::new()
    } else {
        line_hashes_for(input, found.iter().map(|m| m.line))
    };
    let matches = found
        .into_iter()
        .map(|m| InputMatch {
            line_hash: hashes.get(&m.line).cloned(),
            member: None,
            encoding: (m.base64_depth > 0)
                .then(|| vec!["base64"; usize::from(m.base64_depth)].join("/")),
            found: m,
        })
        .collect();
    InputScan {
        matches,
        bytes,
        warnings: Vec::new(),
        error,
    }
}

/// Scans an input that [`inspect::sniff`] recognised, from its start.
fn scan_inside<R: Read + Seek>(
    scanner: &mut BufferScanner,
    matcher: &Matcher,
    name: &str,
    kind: Kind,
    head: Vec<u8>,
    input: &mut R,
) -> InputScan {
    let mut insp = Inspector::new(scanner, matcher);
    let place = Place {
        name: name.rsplit('/').next().unwrap_or(name).to_string(),
        member: None,
        depth: 0,
        gzip_parent: None,
    };
    let head_len = head.len() as u64;
    match kind {
        Kind::Zip => {
            let seekable: &mut dyn ReadSeek = input;
            let opened = archive::rewind(seekable)
                .map_err(|_| archive::zip::NotAZip)
                .and_then(|()| archive::zip::scan(&mut insp, seekable, &None, 1));
            if opened.is_err() && archive::rewind(seekable).is_ok() {
                insp.scan_plain(seekable, &place, None);
            }
        }
        _ => {
            // The head is already in memory: chain it before the rest, no seek needed.
            let mut whole = io::Cursor::new(head).chain(&mut *input);
            insp.open(kind, &mut whole, &place);
        }
    }
    // Text that looks like UTF-16 may hold plain bytes too (a binary that starts with FF FE,
    // a UTF-16 log another tool appended ASCII to): its bytes are scanned as they are as
    // well, so decoding never loses what a plain scan finds. Plain ASCII cannot match in the
    // decoded text, nor UTF-16 text in the bytes, so no key is found twice.
    if let Kind::Utf16(_) = kind {
        if input.seek(SeekFrom::Start(0)).is_ok() {
            insp.scan_plain(input, &place, None);
        }
    }
    let bytes = input.seek(SeekFrom::End(0)).unwrap_or(head_len);
    // GitHub hashes the line of the file itself that a result points at: line 1 of an
    // archive (a member's lines are not the file's), or the line of decoded UTF-16 text,
    // whose line breaks fall where the raw bytes' do.
    let raw_line = |f: &Found| match f.member {
        Some(_) => Some(1),
        None => (f.found.byte_offset <= LINE_HASH_MAX_OFFSET).then_some(f.found.line),
    };
    let hashes = match insp.found.iter().filter_map(raw_line).collect::<Vec<_>>() {
        lines if lines.is_empty() => BTreeMap::new(),
        lines => line_hashes_for(input, lines.into_iter()),
    };
    let matches = insp
        .found
        .into_iter()
        .map(|f| {
            let line_hash = raw_line(&f).and_then(|l| hashes.get(&l).cloned());
            let Found {
                found,
                member,
                encoding,
            } = f;
            InputMatch {
                found,
                line_hash,
                member,
                encoding,
            }
        })
        .collect();
    InputScan {
        matches,
        bytes,
        warnings: insp.warnings,
        // Read errors inside are warnings: what was found before them is kept.
        error: None,
    }
}

/// GitHub's `primaryLocationLineHash` for the given lines, re-reading the input from its start.
fn line_hashes_for<R: Read + Seek>(
    input: &mut R,
    lines: impl Iterator<Item = u64>,
) -> BTreeMap<u64, String> {
    let wanted: BTreeSet<u64> = lines.collect();
    if input.seek(SeekFrom::Start(0)).is_err() {
        return BTreeMap::new();
    }
    linehash::line_hashes_seekable(input, &wanted).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{FakeKeys, Family};
    use crate::rules::RuleSet;

    #[test]
    fn in_memory_input_gets_matches_and_line_hashes() {
        let key = FakeKeys::new(5).key(Family::Project);
        let allowed = FakeKeys::new(6).key(Family::Project);
        let text = format!("a\nK={key}\nB={allowed} # keyhound:allow\n");
        let matcher = Matcher::new(RuleSet::builtin().unwrap());
        let mut scanner = BufferScanner::default();
        let got = scan_input(
            &mut scanner,
            &matcher,
            &mut io::Cursor::new(text.as_bytes()),
        );
        assert!(got.error.is_none());
        assert_eq!(got.bytes, text.len() as u64);
        assert_eq!(got.matches.len(), 1);
        assert_eq!(got.matches[0].found.line, 2);
        let want = linehash::line_hashes_of(text.as_bytes(), &BTreeSet::from([2]));
        assert_eq!(got.matches[0].line_hash.as_ref(), want.get(&2));
    }

    /// A git blob is a buffer in memory: archives and encodings in it are opened all the same.
    #[test]
    fn an_archive_blob_in_memory_is_unpacked_and_decoded() {
        use std::io::Write;
        let mut gen = FakeKeys::new(7);
        let (a, b) = (gen.key(Family::Project), gen.key(Family::Admin));
        let mut w = ::zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        let opts = ::zip::write::SimpleFileOptions::default();
        w.start_file("conf/.env", opts).unwrap();
        w.write_all(format!("x=1\nK={a}\n").as_bytes()).unwrap();
        w.start_file("k8s/secret.yaml", opts).unwrap();
        let encoded: String = {
            use ::base64::Engine;
            ::base64::engine::general_purpose::STANDARD.encode(&b)
        };
        w.write_all(format!("data:\n  key: {encoded}\n").as_bytes())
            .unwrap();
        let blob = w.finish().unwrap().into_inner();
        let matcher = Matcher::new(RuleSet::builtin().unwrap());
        let mut scanner = BufferScanner::default();
        let got = scan_input(&mut scanner, &matcher, &mut io::Cursor::new(&blob));
        assert!(got.warnings.is_empty() && got.error.is_none());
        assert_eq!(got.bytes, blob.len() as u64);
        let seen: Vec<(Option<&str>, u64, Option<&str>, &str)> = got
            .matches
            .iter()
            .map(|m| {
                (
                    m.member.as_deref(),
                    m.found.line,
                    m.encoding.as_deref(),
                    m.found.secret.expose(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (Some("conf/.env"), 2, None, a.as_str()),
                (Some("k8s/secret.yaml"), 2, Some("base64"), b.as_str())
            ]
        );
    }
}
