//! `--range A..B`: the two ends of a range, and the commits it holds.
//!
//! Stage: walk. Resolves revisions and walks commits (with gix's walk, which stops where
//! `A`'s history and `B`'s meet); reads no trees or blobs.

use super::GitError;
use gix::hashtable::HashSet;
use gix::ObjectId;

/// Resolves `A..B` to its two ends.
pub(super) fn range_tips(
    repo: &gix::Repository,
    range: &str,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>), GitError> {
    let err = |message: String| GitError::Range {
        range: range.to_string(),
        message,
    };
    let (from, to) = range
        .split_once("..")
        .filter(|(a, b)| !a.is_empty() && !b.is_empty() && !b.starts_with('.'))
        .ok_or_else(|| err("expected A..B (two revisions)".into()))?;
    let resolve = |spec: &str| -> Result<ObjectId, GitError> {
        let id = repo.rev_parse_single(spec).map_err(|e| {
            err(format!(
                "cannot resolve {spec}: {}",
                super::one_line(&e.to_string())
            ))
        })?;
        let commit = id
            .object()
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| err(format!("{spec} is not a commit")))?;
        Ok(commit.id)
    };
    Ok((vec![resolve(to)?], vec![resolve(from)?]))
}

/// The commits reachable from `tips` and not from `hidden`.
pub(super) fn range_commits(
    repo: &gix::Repository,
    tips: &[ObjectId],
    hidden: &[ObjectId],
    range: &str,
) -> Result<HashSet<ObjectId>, GitError> {
    let err = |e: gix::Error| GitError::Range {
        range: range.to_string(),
        message: super::one_line(&e.to_string()),
    };
    let walk = repo
        .rev_walk(tips.iter().copied())
        .with_hidden(hidden.iter().copied())
        .all()
        .map_err(err)?;
    let mut out = HashSet::default();
    for info in walk {
        out.insert(info.map_err(err)?.id);
    }
    Ok(out)
}
