//! Zip archives (and zip-based jar, whl, docx, xlsx...): list the members, stream each one.
//!
//! Stage: read. Uses the central directory, so the input must seek. Stored and deflated
//! members are read; encrypted members and other compression methods are skipped with a
//! warning, as is a member whose declared sizes already break the ratio cap (the cap is also
//! enforced while reading, whatever the header says). Writes nothing anywhere.

use super::{Cap, Limited, ReadSeek};
use crate::scan::inspect::{Inspector, Place};
use ::zip::{CompressionMethod, ZipArchive};

/// The archive could not be read as a zip at all.
#[derive(Debug)]
pub struct NotAZip;

/// Scans every member of the zip `input`, whose own member path is `parent`. Members are
/// at nesting `level`.
pub(crate) fn scan(
    insp: &mut Inspector<'_>,
    input: &mut dyn ReadSeek,
    parent: &Option<String>,
    level: u32,
) -> Result<(), NotAZip> {
    let mut zip = match ZipArchive::new(input) {
        Ok(zip) => zip,
        Err(e) => {
            insp.warn(
                parent,
                format!("not a readable zip archive ({e}): scanned as bytes"),
            );
            return Err(NotAZip);
        }
    };
    for index in 0..zip.len() {
        if insp.budget.report_spent() {
            insp.warn(parent, spent_message(insp.budget.limit()));
        }
        if insp.budget.spent() {
            break;
        }
        let entry = match zip.by_index_raw(index) {
            Ok(f) => Entry {
                name: f
                    .name()
                    .map(|n| n.into_owned())
                    .unwrap_or_else(|_| format!("#{index}")),
                is_file: f.is_file(),
                encrypted: f.encrypted(),
                method: f.compression(),
                size: f.size(),
                compressed: f.compressed_size(),
            },
            Err(e) => {
                insp.warn(parent, format!("member #{index} skipped: {e}"));
                continue;
            }
        };
        if !entry.is_file {
            continue;
        }
        let place = Place::child(parent, &entry.name, level);
        if entry.encrypted {
            insp.warn(&place.member, "skipped: encrypted");
            continue;
        }
        if !matches!(
            entry.method,
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            insp.warn(
                &place.member,
                format!(
                    "skipped: compression method {} is not supported",
                    entry.method
                ),
            );
            continue;
        }
        let cap = insp.budget.member_cap(entry.compressed);
        if entry.size > cap {
            insp.warn(
                &place.member,
                format!(
                    "skipped: expands more than {} times its compressed size (a zip bomb?)",
                    insp.opts().max_ratio
                ),
            );
            continue;
        }
        let mut file = match zip.by_index(index) {
            Ok(f) => f,
            Err(e) => {
                insp.warn(&place.member, format!("skipped: {e}"));
                continue;
            }
        };
        let mut limited = Limited::new(&mut file, insp.budget.clone(), Cap::Fixed(cap));
        insp.scan_stream(&mut limited, &place);
    }
    if insp.budget.report_spent() {
        insp.warn(parent, spent_message(insp.budget.limit()));
    }
    Ok(())
}

struct Entry {
    name: String,
    is_file: bool,
    encrypted: bool,
    method: CompressionMethod,
    size: u64,
    compressed: u64,
}

/// The warning for an input that expanded past `--max-archive-bytes`.
pub fn spent_message(limit: u64) -> String {
    format!(
        "stopped: expands past {} (--max-archive-bytes); the rest was not scanned",
        super::human_bytes(limit)
    )
}
