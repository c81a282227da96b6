//! keyhound's integration tests: one binary, one module per area.

mod support;

mod archives;
mod audit;
mod audit_wire;
mod crosscheck;
mod crosscheck_wire;
mod decoded;
mod errors;
mod fixtures;
mod hygiene;
mod sarif;
mod scan_special;
mod scan_tree;
