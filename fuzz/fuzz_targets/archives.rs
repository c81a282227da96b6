//! See `src/archives.rs`: arbitrary bytes as, or inside, a zip, a tar or a gzip.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhound_fuzz::archives::check(data));
