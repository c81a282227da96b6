//! The audit's flags: stable ids, weights, human reasons, and the rules that raise them.
//!
//! Stage: audit (pure). Every rule compares Unix seconds against the `now` it is handed
//! (never the clock), so that the boundaries are exact: a key last used `now − N days` is
//! stale, one used a second later is not. Knows no output format and no HTTP.

use crate::crosscheck::redacted::Redacted;
use crate::report::date::date;
use std::fmt;

/// Seconds in a day: a "day" is exactly this long (no calendar, no time zone).
pub const DAY: i64 = 86_400;

/// A hygiene problem of one key. The ids are stable: scripts and `--fail-on` use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// A project key whose owner no longer has access to the project.
    Orphaned,
    /// A key of an archived project that still exists (and so still works).
    ArchivedProject,
    /// An admin key unused for the stale period (or never used and older than it).
    AdminStale,
    /// An admin key without an expiry.
    AdminNoExpiry,
    /// A project key unused for the stale period (or never used and older than it).
    Stale,
    /// A key of a format older than `sk-proj-`, `sk-svcacct-` and `sk-admin-`.
    LegacyFormat,
    /// One of more than `--max-keys-per-owner` keys one owner holds in one project.
    ManyKeysPerOwner,
    /// A key that has never been used.
    NeverUsed,
}

impl Flag {
    /// Every flag, from the highest weight to the lowest.
    pub const ALL: [Flag; 8] = [
        Flag::Orphaned,
        Flag::ArchivedProject,
        Flag::AdminStale,
        Flag::AdminNoExpiry,
        Flag::Stale,
        Flag::LegacyFormat,
        Flag::ManyKeysPerOwner,
        Flag::NeverUsed,
    ];

    /// The stable kebab-case id.
    pub fn id(self) -> &'static str {
        match self {
            Flag::Stale => "stale",
            Flag::NeverUsed => "never-used",
            Flag::Orphaned => "orphaned",
            Flag::ArchivedProject => "archived-project",
            Flag::AdminNoExpiry => "admin-no-expiry",
            Flag::AdminStale => "admin-stale",
            Flag::LegacyFormat => "legacy-format",
            Flag::ManyKeysPerOwner => "many-keys-per-owner",
        }
    }

    /// What the flag adds to a key's risk: 3 for a key that works where it should not (or
    /// holds the organization's power unchecked), 2 for one that should have been rotated,
    /// 1 for a smell.
    pub fn weight(self) -> u32 {
        match self {
            Flag::Orphaned | Flag::ArchivedProject | Flag::AdminStale | Flag::AdminNoExpiry => 3,
            Flag::Stale | Flag::LegacyFormat => 2,
            Flag::ManyKeysPerOwner | Flag::NeverUsed => 1,
        }
    }

    /// The flag with this id.
    pub fn from_id(id: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.id() == id)
    }

    /// Every id, comma-separated (for error messages and help).
    pub fn ids() -> String {
        Flag::ALL.map(Flag::id).join(", ")
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A flag raised on a key, and why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flagged {
    pub flag: Flag,
    pub reason: String,
}

/// The thresholds the rules compare against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Now, in Unix seconds.
    pub now: i64,
    /// A key unused for at least this many days is stale.
    pub stale_days: u32,
    /// An owner holding more keys than this in one project has many.
    pub max_keys_per_owner: usize,
}

/// What the per-key rules look at.
#[derive(Debug, Clone, Copy)]
pub struct KeyFacts<'a> {
    pub admin: bool,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// `owner_project_access` as listed (`active`, `inactive`).
    pub owner_project_access: Option<&'a str>,
    pub project_archived: bool,
    /// The parsed `redacted_value`, when it could be parsed.
    pub redacted: Option<&'a Redacted>,
}

/// Whole days from `t` to `now` (negative when `t` is in the future).
pub fn days_since(now: i64, t: i64) -> i64 {
    (now - t).div_euclid(DAY)
}

/// True when `t` lies at least `days` days before `now`: `now − t ≥ days × 86 400 s`.
pub fn at_least_days_ago(now: i64, t: i64, days: u32) -> bool {
    now.saturating_sub(t) >= i64::from(days) * DAY
}

/// Every flag of one key but `many-keys-per-owner` (which needs its neighbours), in
/// [`Flag::ALL`] order.
pub fn evaluate(k: &KeyFacts, t: &Thresholds) -> Vec<Flagged> {
    let mut out = Vec::new();
    let mut raise = |flag: Flag, reason: String| out.push(Flagged { flag, reason });
    if !k.admin && k.owner_project_access == Some("inactive") {
        raise(
            Flag::Orphaned,
            "its owner no longer has access to the project, yet the key still exists".into(),
        );
    }
    if !k.admin && k.project_archived {
        raise(
            Flag::ArchivedProject,
            "the project is archived, yet the key still exists".into(),
        );
    }
    let unused = unused_reason(k, t);
    if k.admin {
        if let Some(reason) = &unused {
            raise(Flag::AdminStale, format!("admin key {reason}"));
        }
        if k.expires_at.is_none() {
            raise(Flag::AdminNoExpiry, "admin key without an expiry".into());
        }
    } else if let Some(reason) = unused {
        raise(Flag::Stale, reason);
    }
    if let Some(shape) = k.redacted.and_then(|r| legacy_shape(r.head())) {
        raise(Flag::LegacyFormat, shape);
    }
    if k.last_used_at.is_none() {
        let age = days_since(t.now, k.created_at).max(0);
        raise(
            Flag::NeverUsed,
            format!("never used (created {} ago)", days(age)),
        );
    }
    out
}

/// Why a key counts as unused for the stale period, or `None`.
fn unused_reason(k: &KeyFacts, t: &Thresholds) -> Option<String> {
    match k.last_used_at {
        Some(used) if at_least_days_ago(t.now, used, t.stale_days) => Some(format!(
            "not used for {} (last used {}; stale after {})",
            days(days_since(t.now, used)),
            date(used),
            days(i64::from(t.stale_days))
        )),
        Some(_) => None,
        None if at_least_days_ago(t.now, k.created_at, t.stale_days) => Some(format!(
            "never used, created {} ago (stale after {})",
            days(days_since(t.now, k.created_at)),
            days(i64::from(t.stale_days))
        )),
        None => None,
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// The key prefixes OpenAI issues today, as far as a listing's 8-character head shows them.
const CURRENT_PREFIXES: [&str; 3] = ["sk-proj-", "sk-svcacct-", "sk-admin-"];

/// What older format a listed key's visible head shows, or `None` when it is a current
/// format or too short to tell (`sk-`, `sk-pr`): a head is legacy only when it starts with
/// `sk-` and can be the start of no current prefix.
pub fn legacy_shape(head: &str) -> Option<String> {
    if !head.starts_with("sk-") {
        return None;
    }
    let current = CURRENT_PREFIXES
        .iter()
        .any(|p| p.starts_with(head) || head.starts_with(p));
    if current {
        return None;
    }
    Some(if head.starts_with("sk-None-") {
        "unowned key format (sk-None-), older than project keys: rotate it to a project key".into()
    } else {
        "legacy key format (sk- without a project or service-account prefix): rotate it to a \
         project key"
            .into()
    })
}

/// Parses the ids given to `option` (`--fail-on`, `--revoke`), each once, in the order
/// given. `Err` names the first unknown id and the option.
pub fn parse_ids(ids: &[String], option: &str) -> Result<Vec<Flag>, String> {
    let mut out = Vec::new();
    for id in ids {
        let id = id.trim();
        let flag = Flag::from_id(id).ok_or_else(|| {
            format!(
                "unknown flag {:?} for {option} (known: {})",
                crate::openai::error::sanitize(id),
                Flag::ids()
            )
        })?;
        if !out.contains(&flag) {
            out.push(flag);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
