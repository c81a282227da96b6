//! Rules: load, validate and self-test the key patterns.
//!
//! Stage: configuration. Rules are data (`rules/openai.toml`, embedded); this module turns them
//! into compiled [`Rule`]s and checks them. It reads no files other than rule files and knows
//! nothing of scanning threads or output formats.

mod check;
mod spec;

pub use check::{check_rules, RuleCheckFailure};
pub use spec::{Balanced, RuleSpec};

use regex::bytes::Regex;
use std::collections::HashSet;
use std::path::Path;

/// The built-in rules, embedded in the binary.
pub const BUILTIN_RULES: &str = include_str!("../../rules/openai.toml");

/// A rule file that could not be used: a user error (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("cannot read rule file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid rule file {origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("rule {id} in {origin}: {message}")]
    Invalid {
        origin: String,
        id: String,
        message: String,
    },
}

/// A validated, compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub spec: RuleSpec,
    pub regex: Regex,
    pub prefix: Option<Regex>,
    pub not_prefix: Option<Regex>,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.spec.id
    }
}

/// All loaded rules, in precedence order: when two rules match the same text, the earlier wins.
#[derive(Debug, Clone)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// The built-in rules alone.
    pub fn builtin() -> Result<Self, RuleError> {
        Self::load::<&Path>(&[])
    }

    /// The built-in rules followed by the rules in `extra` files.
    pub fn load<P: AsRef<Path>>(extra: &[P]) -> Result<Self, RuleError> {
        let mut specs = parse_rules(BUILTIN_RULES, "built-in rules")?;
        for path in extra {
            let path = path.as_ref();
            let origin = path.display().to_string();
            let limit = crate::config::input::RULE_FILE_LIMIT;
            let text = crate::config::input::read_bounded_text(path, limit).map_err(|source| {
                RuleError::Read {
                    path: origin.clone(),
                    source,
                }
            })?;
            specs.extend(parse_rules(&text, &origin)?);
        }
        Self::from_specs(specs)
    }

    /// Compiles and validates specs: ids unique, one capture group, keywords present.
    pub fn from_specs(specs: Vec<(String, RuleSpec)>) -> Result<Self, RuleError> {
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(specs.len());
        for (origin, spec) in specs {
            let invalid = |message: String| RuleError::Invalid {
                origin: origin.clone(),
                id: spec.id.clone(),
                message,
            };
            if !seen.insert(spec.id.clone()) {
                return Err(invalid("duplicate rule id".into()));
            }
            spec.validate().map_err(invalid)?;
            let regex = Regex::new(&spec.pattern)
                .map_err(|e| invalid(format!("pattern does not compile: {e}")))?;
            if regex.captures_len() != 2 {
                return Err(invalid(format!(
                    "pattern must have exactly one capture group (the key), found {}",
                    regex.captures_len() - 1
                )));
            }
            let prefix = match &spec.balanced {
                Some(b) => Some(
                    Regex::new(&b.prefix)
                        .map_err(|e| invalid(format!("balanced.prefix does not compile: {e}")))?,
                ),
                None => None,
            };
            let not_prefix =
                match spec.balanced.as_ref().and_then(|b| b.not_prefix.as_ref()) {
                    Some(p) => Some(Regex::new(p).map_err(|e| {
                        invalid(format!("balanced.not_prefix does not compile: {e}"))
                    })?),
                    None => None,
                };
            rules.push(Rule {
                spec,
                regex,
                prefix,
                not_prefix,
            });
        }
        Ok(RuleSet { rules })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn get(&self, index: usize) -> &Rule {
        &self.rules[index]
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Index of the rule with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id() == id)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rule: Vec<RuleSpec>,
}

fn parse_rules(text: &str, origin: &str) -> Result<Vec<(String, RuleSpec)>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        origin: origin.to_string(),
        message: e.message().to_string(),
    })?;
    Ok(file
        .rule
        .into_iter()
        .map(|r| (origin.to_string(), r))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_with_every_family() {
        let set = RuleSet::builtin().unwrap();
        for id in [
            "openai.legacy-key",
            "openai.project-key",
            "openai.service-account-key",
            "openai.admin-key",
            "openai.unowned-key",
            "openai.named-key",
        ] {
            assert!(set.index_of(id).is_some(), "missing {id}");
        }
    }

    #[test]
    fn builtin_rules_pass_their_self_tests() {
        let set = RuleSet::builtin().unwrap();
        let failures = check_rules(&set);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    fn one_rule(extra: &str) -> String {
        format!(
            "[[rule]]\nid = \"x.y\"\nname = \"n\"\nkind = \"k\"\ndescription = \"d\"\n\
             keywords = [\"abc\"]\nlevel = \"error\"\nsecurity_severity = \"5.0\"\n\
             precision = \"high\"\nhelp = \"h\"\n{extra}"
        )
    }

    fn load_text(text: &str) -> Result<RuleSet, RuleError> {
        RuleSet::from_specs(parse_rules(text, "test")?)
    }

    #[test]
    fn unknown_fields_are_errors() {
        let err = load_text(&one_rule("pattern = '(abc)'\ncolour = 1\n")).unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn pattern_needs_exactly_one_group() {
        let err = load_text(&one_rule("pattern = 'abc'\n")).unwrap_err();
        assert!(err.to_string().contains("one capture group"), "{err}");
        let err = load_text(&one_rule("pattern = '(a)(bc)'\n")).unwrap_err();
        assert!(err.to_string().contains("one capture group"), "{err}");
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let text = format!(
            "{}{}",
            one_rule("pattern = '(abc)'\n"),
            one_rule("pattern = '(abc)'\n")
        );
        let err = load_text(&text).unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn bad_severity_is_an_error() {
        let text = one_rule("pattern = '(abc)'\n").replace("\"5.0\"", "\"high\"");
        assert!(load_text(&text).is_err());
    }
}
