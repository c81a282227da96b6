//! Several runs in one SARIF log (one per repository of a multi-repository git scan),
//! `versionControlProvenance`, and git properties on results.
//!
//! Stage: report. Git results carry `properties.git` (`commit`, `date`, `presentAtHead`,
//! `commitCount`): never an author's name or email, because SARIF files are uploaded and
//! shared.

use super::{build_run, sarif_log, ExtraProperties, SarifError, SRCROOT};
use crate::finding::{Finding, Location as FindingLocation, Warning};
use crate::report::{date, Report};
use serde_json::{json, Value};
use serde_sarif::sarif::{ArtifactLocation, PropertyBag, Sarif, VersionControlDetails};
use std::io::Write;

/// The repository a run's results come from (SARIF `versionControlProvenance`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionControl {
    /// The remote URL, credentials stripped.
    pub repository_uri: String,
    /// The commit `HEAD` pointed to.
    pub revision_id: Option<String>,
    /// The branch `HEAD` named (`refs/heads/...`).
    pub branch: Option<String>,
}

/// One run of a log written by [`to_sarif_runs`].
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// `None`: the run holds the whole report, under the report's category. `Some(name)`:
    /// the run holds only locations whose git origin names this repository, under
    /// [`RunInfo::category`], with [`RunInfo::warnings`], and each result names it in
    /// `properties.repository`.
    pub repository: Option<String>,
    pub category: String,
    pub provenance: Option<VersionControl>,
    pub warnings: Vec<Warning>,
}

/// Builds a log with one run per entry of `runs` (with no entries, exactly
/// [`super::to_sarif_with`]). `extra` is called once per finding per run.
pub fn to_sarif_runs<F>(
    report: &Report,
    runs: &[RunInfo],
    mut extra: F,
) -> Result<Sarif, SarifError>
where
    F: FnMut(&Finding) -> ExtraProperties,
{
    if runs.is_empty() {
        return super::to_sarif_with(report, extra);
    }
    let mut out = Vec::with_capacity(runs.len());
    for info in runs {
        let mut run = match &info.repository {
            None => build_run(report, &mut extra, None)?,
            Some(name) => build_run(
                &repository_report(report, info, name),
                &mut extra,
                Some(name),
            )?,
        };
        if let Some(vc) = &info.provenance {
            let mut details = VersionControlDetails::builder()
                .repository_uri(&vc.repository_uri)
                .mapped_to(ArtifactLocation::builder().uri_base_id(SRCROOT).build())
                .build();
            details.revision_id = vc.revision_id.clone();
            details.branch = vc.branch.clone();
            run.version_control_provenance = Some(vec![details]);
        }
        out.push(run);
    }
    Ok(sarif_log(out))
}

/// Writes [`to_sarif_runs`] as pretty-printed JSON, followed by a newline.
pub fn write_sarif_runs<W, F>(
    report: &Report,
    runs: &[RunInfo],
    mut out: W,
    extra: F,
) -> std::io::Result<()>
where
    W: Write,
    F: FnMut(&Finding) -> ExtraProperties,
{
    let sarif = to_sarif_runs(report, runs, extra)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    serde_json::to_writer_pretty(&mut out, &sarif)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The part of `report` that lies in repository `name`.
fn repository_report(report: &Report, info: &RunInfo, name: &str) -> Report {
    let in_repo = |l: &FindingLocation| {
        l.git
            .as_ref()
            .is_some_and(|g| g.repository.as_deref() == Some(name))
    };
    let findings = report
        .findings
        .iter()
        .filter(|f| f.locations.iter().any(in_repo))
        .map(|f| {
            let mut f = f.clone();
            f.locations.retain(in_repo);
            f
        })
        .collect();
    Report {
        rules: report.rules.clone(),
        findings,
        warnings: info.warnings.clone(),
        stats: report.stats.clone(),
        completed: report.completed,
        category: info.category.clone(),
    }
}

/// The result properties of one location: the finding's, plus `git` for a location in git
/// history and `repository` in a run of a multi-repository scan. Unchanged otherwise.
pub(super) fn location_properties(
    base: &PropertyBag,
    location: &FindingLocation,
    repository: Option<&str>,
) -> PropertyBag {
    if location.git.is_none() && repository.is_none() {
        return base.clone();
    }
    let mut bag = base.clone();
    if let Some(git) = &location.git {
        let mut props = serde_json::Map::new();
        if !git.commit.is_empty() {
            props.insert("commit".into(), json!(git.commit));
            props.insert("date".into(), json!(date::rfc3339(git.time)));
        }
        props.insert("presentAtHead".into(), json!(git.present_at_head));
        props.insert("commitCount".into(), json!(git.commit_count));
        bag.additional_properties
            .insert("git".into(), Value::Object(props));
    }
    if let Some(name) = repository {
        bag.additional_properties
            .insert("repository".into(), json!(name));
    }
    bag
}
