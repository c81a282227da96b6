//! The invariants keyhound's fuzz targets check, one module a target (`fuzz_targets/` only
//! hands the fuzzer's bytes to them), and the reference decoders they check against.
//! Each check panics on the first broken invariant: libFuzzer reports it as a crash.

pub mod archives;
pub mod matcher;
pub mod redacted;
pub mod reference;
pub mod sarif_input;
