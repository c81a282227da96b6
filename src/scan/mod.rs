//! Scan: walk, read and match. The only part of keyhound with threads.

pub mod matcher;
