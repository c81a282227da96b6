//! keyhound's integration tests: one binary, one module per area.

mod support;

mod archives;
mod audit;
mod audit_cleanup;
mod audit_cleanup_failures;
mod audit_wire;
mod baseline;
mod closed_output;
mod crosscheck;
mod crosscheck_wire;
mod decoded;
mod errors;
mod fixtures;
mod git_damaged;
mod git_history;
mod git_inside;
mod git_repos;
mod git_staged;
mod hygiene;
mod ignore_file;
mod precommit;
mod revoke;
mod revoke_failures;
mod revoke_sarif;
mod sarif;
mod scan_special;
mod scan_tree;
mod terminal_safety;
