//! keyhound's integration tests: one binary, one module per area.

mod support;

mod archives;
mod crosscheck;
mod crosscheck_wire;
mod decoded;
mod errors;
mod fixtures;
mod hygiene;
mod revoke;
mod revoke_failures;
mod revoke_sarif;
mod sarif;
mod scan_special;
mod scan_tree;
