//! See `src/redacted.rs`: the cross-check's `redacted_value` parser and matcher.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhound_fuzz::redacted::check(data));
