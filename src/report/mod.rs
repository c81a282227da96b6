//! Report: the scan's result, and its formats (human, JSON, SARIF).
//!
//! Formats read a [`Report`] and write bytes. They never see a plaintext key: a finding's
//! [`crate::secret::Secret`] is only ever shown through its redacted form and fingerprint.

pub mod audit;
pub mod crosscheck;
pub mod date;
pub mod linehash;
pub mod revocation;
pub mod sarif;

use crate::finding::{Finding, ScanStats, Warning};
use crate::rules::RuleSet;

/// Everything a format needs.
#[derive(Debug, Clone)]
pub struct Report {
    pub rules: RuleSet,
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    pub stats: ScanStats,
    /// False when the scan stopped before it finished (SARIF `executionSuccessful`).
    pub completed: bool,
    /// SARIF `automationDetails.id`, `keyhound/` unless the user chose another.
    pub category: String,
}

pub mod human;
pub mod json;
