//! keyhound finds leaked OpenAI API keys, attributes them from the organization's side, and
//! revokes them.
//!
//! ```text
//! ScanConfig ─walk─▶ path ─read─▶ bytes ─match─▶ Occurrence ─dedupe─▶ Finding ─▶ Report ─format─▶ bytes
//!                                                                       └─crosscheck─▶ CrossCheck ─┘
//!                                              SARIF file ─▶ Target ◀──────────────────────┘
//!                                                              └─plan─▶ Plan ─execute─▶ RevocationReport
//! ```
//!
//! | stage  | module            | rule of the stage                                            |
//! |--------|-------------------|--------------------------------------------------------------|
//! | walk   | [`scan::walk`]    | decides what to read; reads nothing                          |
//! | walk   | [`git`]           | for git sources: staged changes, unique blobs, provenance    |
//! | read   | [`scan::read`]    | bounded memory; a key across buffers is found once           |
//! | look inside | [`scan::inspect`] | archives, gzip, UTF-16 by content; guard rails as warnings |
//! | read   | [`scan::git`]     | git blobs, each once, in parallel, through the same step     |
//! | match  | [`scan::matcher`] | the only hot loop: literal prefilter, then regex on windows  |
//! | decode | [`scan::decode`]  | base64 around prefilter hits on encoded keywords, only there |
//! | dedupe | [`finding`]       | one finding per distinct key (SHA-256), all its locations    |
//! | crosscheck | [`crosscheck`] | after the scan; through [`openai::AdminApi`] only; bounded concurrency |
//! | revoke | [`revoke`]        | only unique matches, re-confirmed; a dry run unless told; audit log |
//! | audit  | [`audit`]         | the whole organization's keys, flagged; lists through [`openai::AdminApi`] only; a clean-up's keys become revocation [`revoke::Target`]s, never the admin key in use |
//! | report | [`report`]        | formats never see a plaintext key                            |
//!
//! [`openai`] is the only module that speaks HTTP; [`mock`] is a test and benchmark aid (a mock
//! Admin API on 127.0.0.1) that the CLI never uses.
#![forbid(unsafe_code)]

pub mod app;
pub mod audit;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod crosscheck;
pub mod fake;
pub mod finding;
pub mod git;
pub mod mock;
pub mod openai;
pub mod report;
pub mod revoke;
pub mod rules;
pub mod scan;
pub mod secret;
