//! keyhound finds leaked OpenAI API keys, attributes them from the organization's side, and
//! revokes them.
//!
//! ```text
//! ScanConfig ─walk─▶ file / staged entry / git blob ─read─▶ bytes ─match─▶ Occurrence
//!     ─dedupe─▶ Finding ─▶ Report ─format─▶ human / JSON / SARIF
//!                 └─crosscheck─▶ CrossCheck ─▶ Target ─plan─▶ Plan ─execute─▶ RevocationReport
//!   reviewed SARIF file ─────────────────────▶ Target
//!   audit (every listed key, flagged) ───────▶ Target
//! ```
//!
//! | stage | module | rule of the stage |
//! |---|---|---|
//! | walk | [`scan::walk`], [`git`] | decides what to read (files; staged changes; each unique blob of history, with its provenance); reads no content |
//! | read | [`scan::read`], [`scan::content`], [`scan::git`] | bounded memory; a key across buffers is found once; every source goes through one step |
//! | look inside | [`scan::inspect`], [`scan::archive`] | archives, gzip and UTF-16 recognised by content; guard rails are warnings |
//! | match | [`scan::matcher`], [`scan::decode`] | the only hot loop: a literal prefilter, then regexes on windows; base64 decoded only around hits on encoded keywords |
//! | dedupe | [`finding`] | one finding per distinct key (SHA-256), all its locations |
//! | crosscheck | [`crosscheck`] | after the scan, never from scan threads; through [`openai::AdminApi`] only; bounded concurrency |
//! | revoke | [`revoke`] | only unique matches, re-confirmed just before each DELETE; a dry run unless told; an audit log |
//! | audit | [`audit`] | every key of the organization, flagged; a clean-up's keys become [`revoke::Target`]s, never the admin key in use |
//! | report | [`report`] | formats never see a plaintext key |
//!
//! Only [`scan`] has threads for scanning; [`openai`] is the only module that speaks HTTP;
//! only [`cli`] knows clap, and [`config`] turns its arguments into checked settings at one
//! place. A plaintext key lives only in a [`secret::Secret`], whose `Debug` and `Display`
//! redact. [`mock`] is a test and benchmark aid (a mock Admin API on 127.0.0.1) that the CLI
//! never uses; [`fake`] generates the fake keys tests and benchmarks plant.
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
