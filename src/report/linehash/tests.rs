use super::*;
use proptest::prelude::*;
use std::io::Cursor;

/// Every line hash of `bytes`, in line order (lines past the end are absent).
fn all(bytes: &[u8]) -> Vec<String> {
    let wanted: BTreeSet<u64> = (1..=bytes.len() as u64 + 2).collect();
    line_hashes_of(bytes, &wanted).into_values().collect()
}

/// A reader that returns 1 to 7 bytes per call, in a fixed pseudo-random pattern.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.step = self.step.wrapping_mul(5).wrapping_add(3);
        let n = (1 + self.step % 7).min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// Hashes via whole-buffer lossy decoding, bypassing the streaming decoder.
fn reference(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut hasher = RollingHash::new();
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut out = Vec::new();
    let mut on_line = |_line: u64, hash: u64| {
        let n = seen.entry(hash).or_insert(0);
        *n += 1;
        out.push(format!("{hash:x}:{n}"));
    };
    for unit in text.encode_utf16() {
        hasher.push(unit, &mut on_line);
    }
    hasher.finish(&mut on_line);
    out
}

// Vectors from github/codeql-action src/fingerprints.test.ts (RESEARCH.md §4.5).
#[test]
fn codeql_action_vectors() {
    assert_eq!(all(b""), ["c129715d7a2bc9a3:1"]);
    assert_eq!(
        all(b" a\nb\n  \t\tc\n d"),
        [
            "271789c17abda88f:1",
            "54703d4cd895b18:1",
            "180aee12dab6264:1",
            "a23a3dc5e078b07b:1"
        ]
    );
    assert_eq!(
        all(b" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1"
        ]
    );
    assert_eq!(
        all(b" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n"),
        [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1"
        ]
    );
    assert_eq!(
        all("Lorem ipsum dolor sit amet.\n".repeat(10).as_bytes()),
        [
            "a7f2ff13bc495cf2:1",
            "a7f2ff13bc495cf2:2",
            "a7f2ff13bc495cf2:3",
            "a7f2ff13bc495cf2:4",
            "a7f2ff13bc495cf2:5",
            "a7f2ff13bc495cf2:6",
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1"
        ]
    );
}

/// A BOM, CRLF, a lone CR, a surrogate pair, CJK, invalid and truncated UTF-8.
fn mixed() -> Vec<u8> {
    let mut v =
        "\u{feff}caf\u{e9} = 1\r\n\tk\u{e9}y = \"\u{1F600} \u{4e2d}\u{6587}\"\r\n\r\nlone\rcr\n"
            .as_bytes()
            .to_vec();
    v.extend_from_slice(b"bad \xff\xfe \xe2\x82 \xf0\x9f\x98 end\n");
    v.extend_from_slice("tail \u{e9}\u{e9}\u{e9}".as_bytes());
    v
}

// Expected values from the Python port in /work/shared/sarif/sarif_github_rules.py
// (`github_line_hashes`), which decodes with errors="replace".
#[test]
fn non_ascii_and_invalid_utf8_match_the_python_port() {
    assert_eq!(
        all(&mixed()),
        [
            "6ab99f4483ea4aac:1",
            "a0579609e535ae6a:1",
            "8109c72a292c5451:1",
            "ae49a311f4479d4b:1",
            "9ad8b8bdb236b807:1",
            "3dc26f20cdbdd18c:1",
            "5e0bd28fb7db2568:1"
        ]
    );
}

#[test]
fn trickled_reads_match_whole_buffer() {
    let mut bytes = mixed();
    // Long enough to cross the 64 KiB chunk size too.
    for i in 0..5000 {
        bytes.extend_from_slice(format!("l\u{e9}ne {} \u{1F511}\r\n", i % 7).as_bytes());
    }
    let wanted: BTreeSet<u64> = (1..=5010).collect();
    let whole = line_hashes_of(&bytes, &wanted);
    for step in 0..4 {
        let chunked = line_hashes(
            Trickle {
                bytes: &bytes,
                step,
            },
            &wanted,
        )
        .unwrap();
        assert_eq!(chunked, whole);
    }
    let seekable = line_hashes_seekable(Cursor::new(&bytes), &wanted).unwrap();
    assert_eq!(seekable, whole);
    assert_eq!(
        whole.values().cloned().collect::<Vec<_>>(),
        reference(&bytes)
    );
}

#[test]
fn only_wanted_lines_are_returned_with_counts_from_earlier_lines() {
    let text = "same\nother\nsame\nsame\n".repeat(3);
    let wanted = BTreeSet::from([4, 9, 100]);
    let full = all(text.as_bytes());
    let got = line_hashes_of(text.as_bytes(), &wanted);
    assert_eq!(got.len(), 2, "line 100 is past the end");
    assert_eq!(got[&4], full[3]);
    assert_eq!(got[&9], full[8]);
    let seekable = line_hashes_seekable(Cursor::new(text.as_bytes()), &wanted).unwrap();
    assert_eq!(seekable, got);
    assert!(line_hashes_of(b"x", &BTreeSet::new()).is_empty());
    assert!(line_hashes_of(b"x", &BTreeSet::from([0])).is_empty());
}

#[test]
fn seekable_starts_from_the_current_position() {
    let text = b"skipped\nsame\nsame\n";
    let mut cursor = Cursor::new(&text[..]);
    cursor.set_position(8);
    let wanted = BTreeSet::from([1, 2]);
    let got = line_hashes_seekable(cursor, &wanted).unwrap();
    assert_eq!(got, line_hashes_of(&text[8..], &wanted));
}

/// A reader that fails once the test has read past `limit` bytes.
struct Limited<'a> {
    bytes: &'a [u8],
    limit: usize,
    read: usize,
}

impl Read for Limited<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read >= self.limit {
            return Err(std::io::Error::other("read past the wanted line"));
        }
        let n = buf.len().min(self.bytes.len() - self.read);
        buf[..n].copy_from_slice(&self.bytes[self.read..self.read + n]);
        self.read += n;
        Ok(n)
    }
}

#[test]
fn stops_reading_after_the_last_wanted_line() {
    let text = "0123456789\n".repeat(100_000);
    let wanted = BTreeSet::from([3]);
    let got = line_hashes(
        Limited {
            bytes: text.as_bytes(),
            limit: CHUNK,
            read: 0,
        },
        &wanted,
    )
    .unwrap();
    assert_eq!(got, line_hashes_of(text.as_bytes(), &wanted));
}

#[test]
fn read_errors_are_returned() {
    let reader = Limited {
        bytes: b"abc",
        limit: 0,
        read: 0,
    };
    assert!(line_hashes(reader, &BTreeSet::from([1])).is_err());
}

proptest! {
    #[test]
    fn streaming_decode_equals_lossy_decode(
        bytes in proptest::collection::vec(
            prop_oneof![
                Just(b'a'), Just(b'\n'), Just(b'\r'), Just(b' '),
                Just(0xC3u8), Just(0xA9u8), Just(0xE2u8), Just(0x82u8), Just(0xACu8),
                Just(0xF0u8), Just(0x9Fu8), Just(0x98u8), Just(0x80u8), Just(0xFFu8), Just(0xEDu8),
                any::<u8>()
            ],
            0..300,
        ),
        step in 0usize..100,
    ) {
        let lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 2;
        let wanted: BTreeSet<u64> = (1..=lines).collect();
        let whole = line_hashes_of(&bytes, &wanted);
        let chunked = line_hashes(Trickle { bytes: &bytes, step }, &wanted).unwrap();
        prop_assert_eq!(&chunked, &whole);
        prop_assert_eq!(whole.values().cloned().collect::<Vec<_>>(), reference(&bytes));
        let seekable = line_hashes_seekable(Cursor::new(&bytes), &wanted).unwrap();
        prop_assert_eq!(seekable, whole);
    }
}
