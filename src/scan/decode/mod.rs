//! Decoders behind the match stage: base64 text and UTF-16 text.
//!
//! Stage: read/match. Each decoder turns bytes that hide a key into bytes the matcher can
//! see, and says where the result came from; none does I/O of its own or knows of threads.

pub mod base64;
pub mod utf16;
