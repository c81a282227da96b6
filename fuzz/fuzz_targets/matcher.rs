//! See `src/matcher.rs`: arbitrary bytes through `scan_input`, with its invariants.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhound_fuzz::matcher::check(data));
