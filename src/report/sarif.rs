//! report: format a Report as SARIF 2.1.0 for GitHub code scanning; never sees a plaintext key.
//!
//! Stage: report. Reads a [`Report`] and builds one SARIF run with `serde-sarif`. A finding's
//! key appears only as its redacted form (in the message) and its SHA-256 (the
//! `secretSha256/v1` partial fingerprint); nothing here calls [`crate::secret::Secret::expose`].
//!
//! The shape is a contract that GitHub and later keyhound code rely on:
//! - `$schema` [`SCHEMA_URL`], `version` `2.1.0`, exactly one run whose
//!   `automationDetails.id` is [`Report::category`], `columnKind` `utf16CodeUnits`, and
//!   `results` always present (a git scan of several repositories writes one such run per
//!   repository with [`to_sarif_runs`]; a tree scan's output is exactly [`to_sarif`]'s);
//! - `invocations[0]`: `executionSuccessful` = [`Report::completed`], the report's warnings as
//!   `toolExecutionNotifications` (level `warning`), and no command line;
//! - `tool.driver.rules`: every loaded rule, in rule-set order;
//! - one result per location of each finding, sorted by path, line, column and rule id, each
//!   with one `%SRCROOT%`-relative, percent-encoded location, the partial fingerprints
//!   `secretSha256/v1` and (when known) `primaryLocationLineHash`, and `properties.kind` and
//!   `properties.occurrences`, and for git locations `properties.git` (see [`runs`]). Callers
//!   add more per-finding properties with [`to_sarif_with`].
//! - a key inside an archive is located at the archive itself (region: its first character) with
//!   `properties.archiveMember` and `properties.memberLine`, and `archive!/member:line` in
//!   the message; a decoded key has `properties.encoding` (`base64`, `utf-16le`, ...); a
//!   warning about a member starts its message with the member.

use super::Report;
use crate::finding::{Finding, Location as FindingLocation, Warning};
use crate::rules::Rule;
use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::io::Write;

/// The `$schema` GitHub documents for SARIF uploads.
pub const SCHEMA_URL: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";
/// The base id that every result's path is relative to.
pub const SRCROOT: &str = "%SRCROOT%";
/// The partial fingerprint holding the key's lowercase hex SHA-256.
pub const SECRET_FINGERPRINT: &str = "secretSha256/v1";
/// GitHub's line fingerprint (see [`super::linehash`]).
pub const LINE_HASH_FINGERPRINT: &str = "primaryLocationLineHash";
/// Result property names that [`to_sarif_with`] sets itself; extra properties cannot replace them.
pub const RESERVED_PROPERTIES: [&str; 5] = [
    "kind",
    "occurrences",
    "archiveMember",
    "memberLine",
    "encoding",
];

/// Extra `result.properties` entries for one finding (e.g. `crossCheck`, `revocation`).
pub type ExtraProperties = BTreeMap<String, Value>;

/// A report that cannot be written as valid SARIF.
#[derive(Debug, thiserror::Error)]
pub enum SarifError {
    /// A finding names a rule that is not in the report's rule set.
    #[error("finding refers to rule {rule_id}, which is not among the loaded rules")]
    UnknownRule { rule_id: String },
}

/// Builds the SARIF log for `report`, with no extra result properties.
pub fn to_sarif(report: &Report) -> Result<Sarif, SarifError> {
    to_sarif_with(report, |_| ExtraProperties::new())
}

/// Builds the SARIF log for `report`; `extra` is called once per finding and its entries are
/// added to the `properties` of each of that finding's results. Entries named in
/// [`RESERVED_PROPERTIES`] are ignored. `extra` must not put a plaintext key in the map.
pub fn to_sarif_with<F>(report: &Report, mut extra: F) -> Result<Sarif, SarifError>
where
    F: FnMut(&Finding) -> ExtraProperties,
{
    let run = build_run(report, &mut extra, None)?;
    Ok(sarif_log(vec![run]))
}

/// The log around `runs`.
fn sarif_log(runs: Vec<Run>) -> Sarif {
    Sarif::builder()
        .schema(SCHEMA_URL)
        .version(SARIF_VERSION)
        .runs(runs)
        .build()
}

/// One run over `report`. With `repository`, every result also names it in
/// `properties.repository` (a run of a multi-repository scan).
fn build_run<F>(report: &Report, extra: &mut F, repository: Option<&str>) -> Result<Run, SarifError>
where
    F: FnMut(&Finding) -> ExtraProperties,
{
    let rules = report.rules.rules();
    let mut keyed = Vec::new();
    for finding in &report.findings {
        let index = rule_index(report, finding)?;
        let properties = result_properties(finding, extra(finding));
        for location in &finding.locations {
            let sort_key = (
                location.path.clone(),
                location.line,
                location.column,
                finding.rule_id.clone(),
                location.end_line,
                location.end_column,
                finding.fingerprint.clone(),
            );
            let properties = runs::location_properties(&properties, location, repository);
            let result = sarif_result(&rules[index], index, finding, location, &properties);
            keyed.push((sort_key, result));
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let results: Vec<SarifResult> = keyed.into_iter().map(|(_, r)| r).collect();

    let driver = ToolComponent::builder()
        .name("keyhound")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules.iter().map(rule_descriptor).collect::<Vec<_>>())
        .build();
    Ok(Run::builder()
        .tool(Tool::from(driver))
        .automation_details(RunAutomationDetails::builder().id(&report.category).build())
        .invocations(vec![invocation(report)])
        .original_uri_base_ids(BTreeMap::from([(
            SRCROOT.to_string(),
            ArtifactLocation::builder()
                .description(Message::from(
                    "The root of the scanned tree; every result's path is relative to it.",
                ))
                .build(),
        )]))
        .column_kind(json!("utf16CodeUnits"))
        .results(results)
        .build())
}

/// Writes `report` as pretty-printed SARIF JSON, followed by a newline.
pub fn write_sarif<W: Write>(report: &Report, out: W) -> std::io::Result<()> {
    write_sarif_with(report, out, |_| ExtraProperties::new())
}

/// [`write_sarif`] with extra per-finding result properties (see [`to_sarif_with`]).
pub fn write_sarif_with<W, F>(report: &Report, mut out: W, extra: F) -> std::io::Result<()>
where
    W: Write,
    F: FnMut(&Finding) -> ExtraProperties,
{
    let sarif = to_sarif_with(report, extra)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    serde_json::to_writer_pretty(&mut out, &sarif)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Percent-encodes a `/`-separated relative path as an RFC 3986 URI reference: unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) and `/` stay, every other byte of the UTF-8 form
/// becomes `%XX` (uppercase hex).
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The index of the finding's rule in `report.rules`, checked against its id.
fn rule_index(report: &Report, finding: &Finding) -> Result<usize, SarifError> {
    let rules = report.rules.rules();
    match rules.get(finding.rule) {
        Some(rule) if rule.id() == finding.rule_id => Ok(finding.rule),
        _ => report
            .rules
            .index_of(&finding.rule_id)
            .ok_or_else(|| SarifError::UnknownRule {
                rule_id: finding.rule_id.clone(),
            }),
    }
}

/// `kind` and `occurrences`, plus the caller's extra entries (which cannot replace them).
fn result_properties(finding: &Finding, extra: ExtraProperties) -> PropertyBag {
    let mut properties: BTreeMap<String, Value> = extra
        .into_iter()
        .filter(|(k, _)| !RESERVED_PROPERTIES.contains(&k.as_str()))
        .collect();
    properties.insert("kind".into(), json!(finding.kind));
    properties.insert("occurrences".into(), json!(finding.locations.len()));
    PropertyBag::builder()
        .additional_properties(properties)
        .build()
}

fn sarif_result(
    rule: &Rule,
    index: usize,
    finding: &Finding,
    location: &FindingLocation,
    properties: &PropertyBag,
) -> SarifResult {
    let mut text = format!("{} {}", rule.spec.name, finding.redacted);
    let mut properties = properties.clone();
    location_properties(location, &mut properties);
    if let Some(member) = &location.member {
        text.push_str(&format!(
            " in {}!/{member}:{}",
            location.path, location.line
        ));
    }
    if let Some(encoding) = &location.encoding {
        text.push_str(&format!(" ({encoding}-encoded)"));
    }
    if finding.locations.len() > 1 {
        text.push_str(&format!(
            " (the same key is in {} places)",
            finding.locations.len()
        ));
    }
    let mut fingerprints =
        BTreeMap::from([(SECRET_FINGERPRINT.to_string(), finding.fingerprint.clone())]);
    if let Some(hash) = &location.line_hash {
        fingerprints.insert(LINE_HASH_FINGERPRINT.to_string(), hash.clone());
    }
    SarifResult::builder()
        .rule_id(&finding.rule_id)
        .rule_index(to_i64(index as u64))
        .level(result_level(&rule.spec.level))
        .message(Message::from(&text))
        .locations(vec![sarif_location(location)])
        .partial_fingerprints(fingerprints)
        .properties(properties)
        .build()
}

/// `archiveMember` and `memberLine` for a key inside an archive, `encoding` for a decoded one.
fn location_properties(location: &FindingLocation, properties: &mut PropertyBag) {
    let extra = &mut properties.additional_properties;
    if let Some(member) = &location.member {
        extra.insert("archiveMember".into(), json!(member));
        extra.insert("memberLine".into(), json!(location.line));
    }
    if let Some(encoding) = &location.encoding {
        extra.insert("encoding".into(), json!(encoding));
    }
}

fn sarif_location(location: &FindingLocation) -> Location {
    // Inside an archive the region is the archive itself (its first character): the member's
    // line and column mean nothing in the archive's bytes, and GitHub needs a full region.
    let region = if location.member.is_some() {
        Region::builder()
            .start_line(1)
            .start_column(1)
            .end_line(1)
            .end_column(2)
            .build()
    } else {
        Region::builder()
            .start_line(to_i64(location.line))
            .start_column(to_i64(location.column))
            .end_line(to_i64(location.end_line))
            .end_column(to_i64(location.end_column))
            .build()
    };
    Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(&location.path))
                .region(region)
                .build(),
        )
        .build()
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(encode_uri_path(path))
        .uri_base_id(SRCROOT)
        .build()
}

fn invocation(report: &Report) -> Invocation {
    let mut warnings: Vec<&Warning> = report.warnings.iter().collect();
    // SARIF requires the notifications to be unique.
    warnings.sort();
    warnings.dedup();
    let notifications: Vec<Notification> = warnings.into_iter().map(notification).collect();
    Invocation::builder()
        .execution_successful(report.completed)
        .tool_execution_notifications(notifications)
        .build()
}

fn notification(warning: &Warning) -> Notification {
    let text = match &warning.member {
        Some(member) => format!("{member}: {}", warning.message),
        None => warning.message.clone(),
    };
    let mut n = Notification::builder()
        .level(json!("warning"))
        .message(Message::from(&text))
        .build();
    if let Some(path) = &warning.path {
        n.locations = Some(vec![Location::builder()
            .physical_location(
                PhysicalLocation::builder()
                    .artifact_location(artifact(path))
                    .build(),
            )
            .build()]);
    }
    n
}

fn rule_descriptor(rule: &Rule) -> ReportingDescriptor {
    let spec = &rule.spec;
    let mut tags: Vec<String> = Vec::new();
    for tag in [
        "security",
        "secret",
        "openai",
        "external/cwe/cwe-798",
        spec.kind.as_str(),
    ] {
        // Tags must be unique; a user rule's kind may repeat one.
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_string());
        }
    }
    ReportingDescriptor::builder()
        .id(rule.id())
        .name(&spec.name)
        .short_description(MultiformatMessageString::from(&spec.name))
        .full_description(MultiformatMessageString::from(&spec.description))
        .help(
            MultiformatMessageString::builder()
                .text(markdown_to_text(&spec.help))
                .markdown(spec.help.trim())
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(spec.level))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(BTreeMap::from([
                    ("precision".to_string(), json!(spec.precision)),
                    // GitHub requires a string holding the number.
                    (
                        "security-severity".to_string(),
                        json!(spec.security_severity),
                    ),
                ]))
                .build(),
        )
        .build()
}

/// A plain-text rendering of rule help: drops `**`, backticks and emphasis `*`, keeping a
/// `* ` list bullet at the start of a line.
fn markdown_to_text(markdown: &str) -> String {
    let lines: Vec<String> = markdown
        .trim()
        .lines()
        .map(|line| {
            let line = line.replace("**", "").replace('`', "");
            let indent = line.len() - line.trim_start().len();
            let (head, rest) = line.split_at(indent);
            match rest.strip_prefix("* ") {
                Some(item) => format!("{head}* {}", item.replace('*', "")),
                None => format!("{head}{}", rest.replace('*', "")),
            }
        })
        .collect();
    lines.join("\n")
}

/// Rule levels are validated to `error`, `warning` or `note` when rules load.
fn result_level(level: &str) -> ResultLevel {
    match level {
        "warning" => ResultLevel::Warning,
        "note" => ResultLevel::Note,
        _ => ResultLevel::Error,
    }
}

/// SARIF integers are `i64`; a line or column past `i64::MAX` cannot occur in a real file.
fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub mod runs;
pub use runs::{to_sarif_runs, write_sarif_runs, RunInfo, VersionControl};

#[cfg(test)]
mod tests;
