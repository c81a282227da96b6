//! Archives, compressed files and encoded text built at test time (no binary fixture holds a
//! key): zips, tars and gzips through the crates keyhound reads them with, UTF-16 by hand.

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// A zip of `(name, contents)` members, deflated.
pub fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(members, CompressionMethod::Deflated)
}

/// A zip of `(name, contents)` members, stored (not compressed).
pub fn zip_stored(members: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(members, CompressionMethod::Stored)
}

fn zip_with(members: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(method);
    for (name, data) in members {
        w.start_file(*name, opts).expect("start zip member");
        w.write_all(data).expect("write zip member");
    }
    w.finish().expect("finish zip").into_inner()
}

/// Marks every member of a zip as encrypted (general-purpose flag bit 0, in the local and
/// central headers), as a password-protected zip has it; the data stays readable garbage.
pub fn mark_encrypted(mut zip: Vec<u8>) -> Vec<u8> {
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => zip[i + 6] |= 1,
            b"PK\x01\x02" => zip[i + 8] |= 1,
            _ => {}
        }
        i += 1;
    }
    zip
}

/// A tar of `(name, contents)` regular files.
pub fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *data)
            .expect("append tar member");
    }
    b.into_inner().expect("finish tar")
}

/// A gzip of `data` whose header stores `name`, as the `gzip` command writes one.
pub fn gzip_named(name: &str, data: &[u8]) -> Vec<u8> {
    let mut e = flate2::GzBuilder::new()
        .filename(name)
        .write(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `data` gzip-compressed.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("finish gzip")
}

/// `text` as UTF-16 in little- or big-endian order, with or without a byte-order mark.
pub fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
    let bom = bom.then_some(0xFEFFu16);
    bom.into_iter()
        .chain(text.encode_utf16())
        .flat_map(|u| {
            if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            }
        })
        .collect()
}

/// Standard base64 with padding (a reference implementation, not keyhound's decoder).
pub fn b64(data: impl AsRef<[u8]>) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}
