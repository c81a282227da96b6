//! See `src/sarif_input.rs`: the `revoke --sarif` reader and the baseline loader.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhound_fuzz::sarif_input::check(data));
