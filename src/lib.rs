//! keyhound finds leaked OpenAI API keys, attributes them from the organization's side, and
//! revokes them.
//!
//! ```text
//! ScanConfig ─walk─▶ path ─read─▶ bytes ─match─▶ Occurrence ─dedupe─▶ Finding ─▶ Report ─format─▶ bytes
//!                                                                       └─crosscheck─▶ CrossCheck ─┘
//! ```
//!
//! | stage  | module            | rule of the stage                                            |
//! |--------|-------------------|--------------------------------------------------------------|
//! | walk   | [`scan::walk`]    | decides what to read; reads nothing                          |
//! | read   | [`scan::read`]    | bounded memory; a key across buffers is found once           |
//! | look inside | [`scan::inspect`] | archives, gzip, UTF-16 by content; guard rails as warnings |
//! | match  | [`scan::matcher`] | the only hot loop: literal prefilter, then regex on windows  |
//! | decode | [`scan::decode`]  | base64 around prefilter hits on encoded keywords, only there |
//! | dedupe | [`finding`]       | one finding per distinct key (SHA-256), all its locations    |
//! | crosscheck | [`crosscheck`] | after the scan; through [`openai::AdminApi`] only; bounded concurrency |
//! | audit  | [`audit`]         | the whole organization's keys, flagged; lists through [`openai::AdminApi`] only |
//! | report | [`report`]        | formats never see a plaintext key                            |
//!
//! [`openai`] is the only module that speaks HTTP; [`mock`] is a test and benchmark aid (a mock
//! Admin API on 127.0.0.1) that the CLI never uses.
#![forbid(unsafe_code)]

pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod crosscheck;
pub mod fake;
pub mod finding;
pub mod mock;
pub mod openai;
pub mod report;
pub mod rules;
pub mod scan;
pub mod secret;
