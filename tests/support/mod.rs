//! Shared test helpers: temporary trees with generated keys, fixture trees, and running the binary.

pub mod archives;
pub mod audit;
pub mod fixture;
pub mod mock;
pub mod tree;
