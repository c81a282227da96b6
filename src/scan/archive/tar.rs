//! Tar archives: stream each regular file member, in order.
//!
//! Stage: read. Needs no seeking: members are read as the archive streams by (which is what
//! lets `.tar.gz` be scanned without unpacking it anywhere). Links, directories and devices
//! are not members to scan. A damaged header ends the archive with a warning; members
//! already scanned keep their findings.

use crate::scan::inspect::{Inspector, Place};
use std::io::Read;

/// Scans every regular file in the tar stream `reader`; `parent` is the member path the
/// members go under, `level` their nesting.
pub(crate) fn scan(
    insp: &mut Inspector<'_>,
    reader: &mut dyn Read,
    parent: &Option<String>,
    level: u32,
) {
    let mut archive = ::tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return insp.warn(parent, format!("not a readable tar archive: {e}")),
    };
    for entry in entries {
        if insp.budget.spent() {
            break;
        }
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                if insp.budget.take_stop().is_none() && !insp.budget.spent() {
                    insp.warn(parent, format!("tar archive damaged, rest skipped: {e}"));
                }
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let place = Place::child(parent, &name, level);
        insp.scan_stream(&mut entry, &place);
    }
    if insp.budget.report_spent() {
        insp.warn(parent, super::zip::spent_message(insp.budget.limit()));
    }
}
