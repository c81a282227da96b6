//! The `archives` target: arbitrary bytes on the inspect path, as a zip, a tar or a gzip
//! file themselves (their magic bytes forced), or as the one member of a well-formed one.
//! Nothing may panic, memory stays bounded (run with `-rss_limit_mb=512`), and a member
//! loses none of the keys its bytes hold on their own.

use crate::matcher::scan;
use keyhound::scan::content::InputScan;
use keyhound::scan::inspect::{sniff, InspectOptions};
use keyhound::scan::read::CHUNK;
use std::io::{Cursor, Write};

/// The member name used when the bytes are wrapped.
const MEMBER: &str = "m/.env";

pub fn check(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let input = match mode % 7 {
        0 => with_magic(bytes, b"PK\x03\x04"),
        1 => with_magic(bytes, &[0x1f, 0x8b, 0x08]),
        2 => as_tar_header(bytes),
        3 => wrapped_zip(bytes, zip::CompressionMethod::Stored),
        4 => wrapped_zip(bytes, zip::CompressionMethod::Deflated),
        5 => wrapped_tar(bytes),
        _ => wrapped_gzip(bytes),
    };
    let got = scan(&input, CHUNK);
    assert!(
        got.error.is_none(),
        "reading memory failed: {:?}",
        got.error
    );
    if mode % 7 >= 3 {
        member_keeps_its_keys(bytes, &got, if mode % 7 == 6 { "-" } else { MEMBER });
    }
}

/// The bytes, starting with `magic` (prepended unless they already do).
fn with_magic(bytes: &[u8], magic: &[u8]) -> Vec<u8> {
    if bytes.starts_with(magic) {
        return bytes.to_vec();
    }
    [magic, bytes].concat()
}

/// The bytes as a tar stream whose first header keyhound recognises: `ustar` at 257 and a
/// right checksum; the rest (sizes, names, types, later headers) is the fuzzer's.
fn as_tar_header(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.len() < 512 {
        out.resize(512, 0);
    }
    out[257..263].copy_from_slice(b"ustar\0");
    out[148..156].fill(b' ');
    let sum: u32 = out[..512].iter().map(|&b| u32::from(b)).sum();
    let field = format!("{sum:06o}\0 ");
    out[148..156].copy_from_slice(field.as_bytes());
    out
}

fn wrapped_zip(bytes: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    w.start_file(MEMBER, opts).expect("a zip member starts");
    w.write_all(bytes).expect("a zip member is written");
    w.finish().expect("a zip is finished").into_inner()
}

fn wrapped_tar(bytes: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    b.append_data(&mut header, MEMBER, bytes)
        .expect("a tar member is written");
    b.into_inner().expect("a tar is finished")
}

fn wrapped_gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip writes to memory");
    e.finish().expect("a gzip is finished")
}

/// The keys `bytes` hold when scanned on their own are found in the member that holds
/// them, at the same lines and columns (bytes that are themselves an archive are nested one
/// level deeper in the member, where the depth limit may rightly stop them).
fn member_keeps_its_keys(bytes: &[u8], wrapped: &InputScan, member: &str) {
    if sniff(bytes, &InspectOptions::default())
        .is_some_and(|k| !matches!(k, keyhound::scan::inspect::Kind::Utf16(_)))
    {
        return;
    }
    let alone = scan(bytes, CHUNK);
    let key = |m: &keyhound::scan::content::InputMatch| {
        let f = &m.found;
        (
            f.secret.expose().to_string(),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            m.encoding.clone(),
        )
    };
    let mut want: Vec<_> = alone.matches.iter().map(key).collect();
    let mut got: Vec<_> = wrapped
        .matches
        .iter()
        .filter(|m| m.member.as_deref() == Some(member))
        .map(key)
        .collect();
    want.sort();
    got.sort();
    assert_eq!(want, got, "the member's keys differ from its bytes' own");
}
