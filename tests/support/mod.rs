//! Shared test helpers: temporary trees with generated keys, fixture trees, git
//! repositories, and running the binary.

pub mod archives;
pub mod audit;
pub mod cleanup;
pub mod fixture;
pub mod git;
pub mod mock;
pub mod revoke;
pub mod tree;
