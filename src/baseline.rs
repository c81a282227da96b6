//! Baselines: the key fingerprints of an earlier keyhound report (JSON or SARIF), whose
//! findings a scan leaves out, so that a team can adopt keyhound on an old repository and
//! fail only on new leaks.
//!
//! Stage: configuration (read before the scan). Reads one file; holds fingerprints only,
//! never keys.

use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Why a baseline file cannot be used (exit code 2: the user gave it).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error("baseline {} is not a keyhound JSON or SARIF report: {reason}", path.display())]
    Malformed { path: PathBuf, reason: String },
}

/// The fingerprints a keyhound JSON report (`findings[].fingerprint`) or SARIF log
/// (`runs[].results[].partialFingerprints["secretSha256/v1"]`) holds, lowercased.
pub fn load(path: &Path) -> Result<HashSet<String>, BaselineError> {
    let limit = crate::config::input::REPORT_FILE_LIMIT;
    let text =
        crate::config::input::read_bounded_text(path, limit).map_err(|e| BaselineError::Read {
            path: path.to_path_buf(),
            reason: crate::scan::walk::io_reason(&e),
        })?;
    let malformed = |reason: String| BaselineError::Malformed {
        path: path.to_path_buf(),
        reason,
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    fingerprints(&value).map_err(malformed)
}

/// The fingerprints of a parsed report, or what is wrong with it.
pub fn fingerprints(report: &Value) -> Result<HashSet<String>, String> {
    let mut out = HashSet::new();
    let mut add = |v: &Value, at: &str| -> Result<(), String> {
        match v.as_str() {
            Some(fp) if fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit()) => {
                out.insert(fp.to_ascii_lowercase());
                Ok(())
            }
            _ => Err(format!("{at} is not a SHA-256 fingerprint")),
        }
    };
    if let Some(findings) = report.get("findings") {
        let findings = findings.as_array().ok_or("findings is not an array")?;
        for (i, f) in findings.iter().enumerate() {
            add(&f["fingerprint"], &format!("findings[{i}].fingerprint"))?;
        }
    } else if let Some(runs) = report.get("runs") {
        let runs = runs.as_array().ok_or("runs is not an array")?;
        for (r, run) in runs.iter().enumerate() {
            let Some(results) = run.get("results") else {
                continue;
            };
            let results = results
                .as_array()
                .ok_or(format!("runs[{r}].results is not an array"))?;
            for (i, result) in results.iter().enumerate() {
                let at = format!("runs[{r}].results[{i}].partialFingerprints.secretSha256/v1");
                add(&result["partialFingerprints"]["secretSha256/v1"], &at)?;
            }
        }
    } else {
        return Err("it has neither findings (JSON) nor runs (SARIF)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::fingerprints;
    use serde_json::json;

    const FP: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn json_and_sarif_reports_give_their_fingerprints() {
        let from_json = fingerprints(&json!({"findings": [{"fingerprint": FP.to_uppercase()}]}));
        assert_eq!(from_json.unwrap().into_iter().collect::<Vec<_>>(), vec![FP]);
        let sarif = json!({"runs": [{"results": [
            {"partialFingerprints": {"secretSha256/v1": FP}}
        ]}, {"results": []}]});
        assert_eq!(fingerprints(&sarif).unwrap().len(), 1);
        assert!(fingerprints(&json!({"findings": []})).unwrap().is_empty());
    }

    #[test]
    fn anything_else_is_malformed() {
        for bad in [
            json!({"findings": [{"fingerprint": "abc"}]}),
            json!({"findings": {}}),
            json!({"runs": [{"results": [{"partialFingerprints": {}}]}]}),
            json!([1, 2]),
            json!({"tool": "x"}),
        ] {
            assert!(fingerprints(&bad).is_err(), "{bad}");
        }
    }
}
