//! Rule self-tests: every example is found by its own rule, no negative example by any rule.

use super::RuleSet;
use crate::scan::matcher::Matcher;

/// One failed self-test. Holds the example text: rule examples are synthetic, never keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCheckFailure {
    pub rule_id: String,
    pub example: String,
    pub problem: String,
}

/// Runs every rule's examples and negative examples against the whole rule set.
pub fn check_rules(rules: &RuleSet) -> Vec<RuleCheckFailure> {
    let matcher = Matcher::new(rules.clone());
    let mut failures = Vec::new();
    for (index, rule) in rules.rules().iter().enumerate() {
        let fail = |example: &str, problem: String| RuleCheckFailure {
            rule_id: rule.id().to_string(),
            example: example.to_string(),
            problem,
        };
        if rule.spec.examples.is_empty() {
            failures.push(fail("", "rule has no examples".into()));
        }
        for example in &rule.spec.examples {
            let mut found = Vec::new();
            matcher.find(example.as_bytes(), 0, example.len(), &mut found);
            if !found.iter().any(|m| m.rule == index) {
                let by: Vec<&str> = found.iter().map(|m| rules.get(m.rule).id()).collect();
                failures.push(fail(
                    example,
                    format!("example not reported by this rule (reported by: {by:?})"),
                ));
            }
        }
        for example in &rule.spec.negative_examples {
            let mut found = Vec::new();
            matcher.find(example.as_bytes(), 0, example.len(), &mut found);
            if let Some(m) = found.first() {
                failures.push(fail(
                    example,
                    format!("negative example reported by {}", rules.get(m.rule).id()),
                ));
            }
        }
    }
    failures
}
