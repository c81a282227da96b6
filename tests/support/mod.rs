//! Shared test helpers: temporary trees with generated keys, and running the binary.

pub mod tree;
