//! Dates for reports: Unix seconds as RFC 3339 UTC text (`2024-03-26T16:45:33Z`), without a
//! calendar library or a time-zone database.
//!
//! Stage: none (pure).

/// Formats `secs` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian).
pub fn rfc3339(secs: i64) -> String {
    // A malformed commit or listing can claim any time; beyond year ±30,000 the date is
    // clamped rather than overflowing.
    let secs = secs.clamp(-1_000_000_000_000, 1_000_000_000_000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The date part of [`rfc3339`] (`2024-03-26`).
pub fn date(secs: i64) -> String {
    let full = rfc3339(secs);
    match full.find('T') {
        Some(t) => full[..t].to_string(),
        None => full,
    }
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants_format_as_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_711_471_533), "2024-03-26T16:45:33Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_714_564_800), "2024-05-01T12:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(date(1_714_063_533), "2024-04-25");
    }

    #[test]
    fn absurd_times_are_clamped_not_overflowed() {
        assert!(rfc3339(i64::MIN).starts_with('-') && rfc3339(i64::MAX).ends_with('Z'));
        assert!(!date(i64::MAX).contains('T'));
    }
}
