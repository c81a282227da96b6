//! Look inside an input: archives, compressed files and UTF-16 text, recursively.
//!
//! Stage: read. [`super::content::scan_input`] hands over an input whose first buffer was
//! recognised by its content ([`sniff`]: magic bytes, a byte-order mark, zero bytes); this
//! module opens it and streams every member through the same buffer scanner, so a member is
//! scanned like a file (base64 included). Guard rails: archives nested deeper than
//! [`InspectOptions::max_archive_depth`] are not opened, one input never expands past
//! [`InspectOptions::max_archive_bytes`], a member never past
//! [`InspectOptions::max_ratio`] times its compressed size; each case is a warning and a
//! skip. Memory stays bounded: members are streamed, and only a nested zip (which needs to
//! seek) is spooled, to memory up to a few MiB and to an unnamed temporary file beyond.
//! Knows no threads and no file system paths; never writes a member anywhere but that spool.

use super::archive::{self, Budget, Stop};
use super::content::InputWarning;
use super::decode::utf16::{self, ByteOrder, Utf16Reader};
use super::matcher::Matcher;
use super::read::{BufferScanner, FileMatch, Scanned};
use std::io::{self, Cursor, Read};

/// What keyhound looks inside, and the guard rails. Validated by `config.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectOptions {
    /// Decode base64 and UTF-16 text.
    pub decode: bool,
    /// Open archives and compressed files.
    pub archives: bool,
    /// Most bytes one input may expand to, all members and nested archives together.
    pub max_archive_bytes: u64,
    /// Most archives nested in one another (`a.zip!/b.tar!/c` is two).
    pub max_archive_depth: u32,
    /// Most times a member may expand over its compressed size (checked past 1 MiB).
    pub max_ratio: u64,
}

/// Default of `--max-archive-bytes`: 256 MiB.
pub const DEFAULT_MAX_ARCHIVE_BYTES: u64 = 256 << 20;
/// Default of `--max-archive-depth`.
pub const DEFAULT_MAX_ARCHIVE_DEPTH: u32 = 3;
/// Default compression-ratio limit.
pub const DEFAULT_MAX_RATIO: u64 = 100;

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            decode: true,
            archives: true,
            max_archive_bytes: DEFAULT_MAX_ARCHIVE_BYTES,
            max_archive_depth: DEFAULT_MAX_ARCHIVE_DEPTH,
            max_ratio: DEFAULT_MAX_RATIO,
        }
    }
}

/// Validates the look-inside flags (`--max-archive-bytes SIZE`, `--max-archive-depth N`);
/// the error is the one-line message for the user.
pub fn options_from(
    decode: bool,
    archives: bool,
    max_bytes: &str,
    max_depth: &str,
) -> Result<InspectOptions, String> {
    let max_archive_bytes = parse_size(max_bytes).ok_or_else(|| {
        format!("--max-archive-bytes: invalid size {max_bytes:?} (a number of bytes, or with K, M or G)")
    })?;
    let max_archive_depth = match max_depth.trim().parse::<u32>() {
        Ok(n) if (1..=32).contains(&n) => n,
        _ => {
            return Err(format!(
                "--max-archive-depth: invalid depth {max_depth:?} (a number from 1 to 32)"
            ))
        }
    };
    Ok(InspectOptions {
        decode,
        archives,
        max_archive_bytes,
        max_archive_depth,
        max_ratio: DEFAULT_MAX_RATIO,
    })
}

/// `1024`, `64K`, `256M`, `2G` (binary multiples; `KB`/`KiB` spellings too); at least 1.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.trim_end_matches('B').trim_end_matches('I');
    let (digits, shift) = match t.chars().last()? {
        'K' => (&t[..t.len() - 1], 10),
        'M' => (&t[..t.len() - 1], 20),
        'G' => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    let bytes = n.checked_mul(1u64 << shift)?;
    (bytes > 0).then_some(bytes)
}

/// What the start of an input says it is, when it is not scanned as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zip,
    Gzip,
    Tar,
    Utf16(ByteOrder),
}

/// Recognises an input by its first bytes; `None` means "scan it as bytes".
pub fn sniff(head: &[u8], opts: &InspectOptions) -> Option<Kind> {
    if opts.archives {
        if let Some(kind) = archive::sniff(head) {
            return Some(kind);
        }
    }
    if opts.decode {
        return utf16::sniff(head).map(Kind::Utf16);
    }
    None
}

/// A key found inside an input: the match (lines and columns within the member, or within
/// the decoded text), the member path (`dir/a.zip!/b.txt` for nested archives) and how it
/// was decoded (`utf-16le`, `base64`, `utf-16le/base64`...).
#[derive(Debug, Clone)]
pub struct Found {
    pub found: FileMatch,
    pub member: Option<String>,
    pub encoding: Option<String>,
}

/// Where a stream being scanned lies.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    /// The stream's own name (a file or member name), for naming a gzip's content.
    pub name: String,
    /// Its member path; `None` for the input itself.
    pub member: Option<String>,
    /// Archives opened above it.
    pub depth: u32,
    /// Set when the stream is a gzip's content: a tar in it lists its members directly
    /// under the gzip (`logs.tar.gz!/a.log`), as one archive.
    pub gzip_parent: Option<Option<String>>,
}

impl Place {
    /// The place of a member called `name` of the archive at this place.
    pub fn child(parent: &Option<String>, name: &str, depth: u32) -> Place {
        Place {
            name: name.rsplit('/').next().unwrap_or(name).to_string(),
            member: Some({
                let name = crate::secret::redact_keys_in(name);
                match parent {
                    Some(p) => format!("{p}!/{name}"),
                    None => name.into_owned(),
                }
            }),
            depth,
            gzip_parent: None,
        }
    }
}

/// Recursive scanning state for one input.
pub(crate) struct Inspector<'a> {
    pub scanner: &'a mut BufferScanner,
    pub matcher: &'a Matcher,
    pub budget: Budget,
    pub found: Vec<Found>,
    pub warnings: Vec<InputWarning>,
}

impl<'a> Inspector<'a> {
    pub fn new(scanner: &'a mut BufferScanner, matcher: &'a Matcher) -> Self {
        let opts = matcher.inspect();
        Inspector {
            scanner,
            matcher,
            budget: Budget::new(opts.max_archive_bytes, opts.max_ratio),
            found: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub fn opts(&self) -> &'a InspectOptions {
        self.matcher.inspect()
    }

    pub fn warn(&mut self, member: &Option<String>, message: impl Into<String>) {
        self.warnings.push(InputWarning {
            member: member.clone(),
            message: message.into(),
        });
    }

    fn keep(&mut self, found: Vec<FileMatch>, place: &Place, text: Option<&str>) {
        for m in found.into_iter().filter(|m| !m.allowed) {
            let mut parts: Vec<&str> = text.into_iter().collect();
            parts.extend(std::iter::repeat_n("base64", usize::from(m.base64_depth)));
            let encoding = (!parts.is_empty()).then(|| parts.join("/"));
            self.found.push(Found {
                found: m,
                member: place.member.clone(),
                encoding,
            });
        }
    }

    /// Reports why a stream stopped early: a guard rail, or a read error.
    fn stopped(&mut self, place: &Place, error: io::Error) {
        match self.budget.take_stop() {
            Some(Stop::Ratio) => self.warn(
                &place.member,
                format!(
                    "skipped the rest: expands more than {} times its compressed size (a zip bomb?)",
                    self.opts().max_ratio
                ),
            ),
            // Reported once, by the archive loop that sees the budget spent.
            Some(Stop::Bytes) => {}
            None => self.warn(
                &place.member,
                format!("read failed: {}", super::walk::io_reason(&error)),
            ),
        }
    }

    /// Scans a stream that cannot seek: sniffs it, then scans it as bytes or opens it.
    pub fn scan_stream(&mut self, reader: &mut dyn Read, place: &Place) {
        let opts = self.opts();
        let mut found = Vec::new();
        let result = self
            .scanner
            .scan_unless(self.matcher, &mut *reader, &mut found, |head| {
                sniff(head, opts)
            });
        match result {
            Ok(Scanned::Done(_)) => self.keep(found, place, None),
            Ok(Scanned::Diverted(kind, head)) => {
                let mut whole = Cursor::new(head).chain(reader);
                self.open(kind, &mut whole, place);
            }
            Err(e) => {
                self.keep(found, place, None);
                self.stopped(place, e);
            }
        }
    }

    /// Scans a stream as bytes (or as decoded UTF-16), with no sniffing.
    pub fn scan_plain(&mut self, reader: &mut dyn Read, place: &Place, text: Option<&str>) {
        let mut found = Vec::new();
        let result = self.scanner.scan(self.matcher, reader, &mut found);
        self.keep(found, place, text);
        if let Err(e) = result {
            self.stopped(place, e);
        }
    }

    /// Opens a recognised stream.
    pub fn open(&mut self, kind: Kind, reader: &mut dyn Read, place: &Place) {
        let level = match (kind, &place.gzip_parent) {
            (Kind::Utf16(order), _) => {
                let mut text = Utf16Reader::new(reader, order);
                return self.scan_plain(&mut text, place, Some(order.label()));
            }
            (Kind::Tar, Some(_)) => place.depth,
            _ => place.depth + 1,
        };
        if level > self.opts().max_archive_depth {
            let limit = self.opts().max_archive_depth;
            return self.warn(
                &place.member,
                format!("skipped: archive nested more than {limit} deep (--max-archive-depth)"),
            );
        }
        match kind {
            Kind::Gzip => archive::gzip::scan(self, reader, place, level),
            Kind::Tar => {
                let parent = match &place.gzip_parent {
                    Some(parent) => parent.clone(),
                    None => place.member.clone(),
                };
                archive::tar::scan(self, reader, &parent, level);
            }
            Kind::Zip => match archive::spool(reader) {
                Ok(mut spooled) => {
                    if archive::zip::scan(self, &mut spooled, &place.member, level).is_err() {
                        // Not a readable zip after all: its bytes are still scanned.
                        if archive::rewind(&mut spooled).is_ok() {
                            self.scan_plain(&mut spooled, place, None);
                        }
                    }
                }
                Err(e) => self.stopped(place, e),
            },
            Kind::Utf16(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_depths_are_validated() {
        assert_eq!(parse_size("256M"), Some(256 << 20));
        assert_eq!(parse_size("64kib"), Some(64 << 10));
        assert_eq!(parse_size("2GB"), Some(2 << 30));
        assert_eq!(parse_size("1000"), Some(1000));
        for bad in ["", "0", "-1", "1T", "M", "12x", "99999999999G"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
        assert!(options_from(true, true, "1M", "0").is_err());
        assert!(options_from(true, true, "1M", "33").is_err());
        let o = options_from(false, true, "1K", "5").unwrap();
        assert_eq!(
            (o.decode, o.max_archive_bytes, o.max_archive_depth),
            (false, 1024, 5)
        );
    }
}
