//! keyhound finds leaked OpenAI API keys, attributes them from the organization's side, and
//! revokes them.
//!
//! ```text
//! ScanConfig ─walk─▶ path ─read─▶ bytes ─match─▶ Occurrence ─dedupe─▶ Finding ─▶ Report ─format─▶ bytes
//! ```
//!
//! | stage  | module            | rule of the stage                                            |
//! |--------|-------------------|--------------------------------------------------------------|
//! | walk   | [`scan::walk`]    | decides what to read; reads nothing                          |
//! | walk   | [`git`]           | for git sources: staged changes, unique blobs, provenance    |
//! | read   | [`scan::read`]    | bounded memory; a key across buffers is found once           |
//! | read   | [`scan::git`]     | git blobs, each once, in parallel, through the same step     |
//! | match  | [`scan::matcher`] | the only hot loop: literal prefilter, then regex on windows  |
//! | dedupe | [`finding`]       | one finding per distinct key (SHA-256), all its locations    |
//! | report | [`report`]        | formats never see a plaintext key                            |
#![forbid(unsafe_code)]

pub mod app;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod fake;
pub mod finding;
pub mod git;
pub mod report;
pub mod rules;
pub mod scan;
pub mod secret;
