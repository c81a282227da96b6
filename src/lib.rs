//! keyhound finds leaked OpenAI API keys, attributes them from the organization's side, and
//! revokes them.
#![forbid(unsafe_code)]

pub mod fake;
pub mod finding;
pub mod report;
pub mod rules;
pub mod scan;
pub mod secret;
