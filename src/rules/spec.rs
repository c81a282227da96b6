//! The rule file's schema.

use serde::{Deserialize, Serialize};

/// One rule as written in a rule file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub pattern: String,
    pub keywords: Vec<String>,
    #[serde(default)]
    pub balanced: Option<Balanced>,
    #[serde(default)]
    pub min_distinct: usize,
    pub level: String,
    pub security_severity: String,
    pub precision: String,
    pub help: String,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// The marker structure: `prefix` + H + `marker` + T with `|H| == |T|`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Balanced {
    pub marker: String,
    pub prefix: String,
    #[serde(default)]
    pub optional: bool,
    /// A regex that, when it matches the prefix, rejects the key (other vendors' look-alikes).
    #[serde(default)]
    pub not_prefix: Option<String>,
}

impl RuleSpec {
    /// Checks what serde cannot: non-empty fields, known levels, a numeric severity in (0, 10].
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        {
            return Err("id must be non-empty ASCII letters, digits, '.', '-' or '_'".into());
        }
        if self.keywords.is_empty() || self.keywords.iter().any(|k| k.len() < 3) {
            return Err("keywords must list at least one literal of 3 or more bytes".into());
        }
        if !["error", "warning", "note"].contains(&self.level.as_str()) {
            return Err(format!(
                "level must be error, warning or note, not {:?}",
                self.level
            ));
        }
        match self.security_severity.parse::<f64>() {
            Ok(v) if v > 0.0 && v <= 10.0 => {}
            _ => {
                return Err(
                    "security_severity must be a number in (0, 10] written as a string".into(),
                )
            }
        }
        if !["very-high", "high", "medium", "low"].contains(&self.precision.as_str()) {
            return Err(format!(
                "precision must be very-high, high, medium or low, not {:?}",
                self.precision
            ));
        }
        if let Some(b) = &self.balanced {
            if b.marker.is_empty() {
                return Err("balanced.marker must not be empty".into());
            }
        }
        Ok(())
    }
}
