//! "Now", read at one place: the system clock, or `KEYHOUND_NOW` for tests.
//!
//! Stage: configuration. `KEYHOUND_NOW` (RFC 3339, or Unix seconds) exists so that tests can
//! place keys exactly N−1, N and N+1 days in the past; it is documented as for testing only.
//! Nothing else in keyhound reads the clock to decide what a key's age is.

use super::UsageError;

/// The environment variable that overrides the clock (for tests).
pub const NOW_ENV: &str = "KEYHOUND_NOW";

/// Now, in Unix seconds: `KEYHOUND_NOW` when set (and valid), else the system clock. `env`
/// reads an environment variable (injected for tests).
pub fn now(env: &dyn Fn(&str) -> Option<String>) -> Result<i64, UsageError> {
    match env(NOW_ENV) {
        Some(v) if !v.trim().is_empty() => parse(v.trim()).ok_or_else(|| {
            UsageError(format!(
                "{NOW_ENV} must be an RFC 3339 time (2024-03-26T16:45:33Z) or Unix seconds"
            ))
        }),
        _ => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
    }
}

/// Unix seconds from `-?digits` or RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t`,
/// `z` and a space for `T` are accepted, fractions are dropped). `None` for anything else.
pub fn parse(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = s.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let r = rest.as_bytes();
            let digit = |i: usize| {
                r.get(i)
                    .filter(|c| c.is_ascii_digit())
                    .map(|c| i64::from(c - b'0'))
            };
            if r.len() != 6 || r[3] != b':' {
                return None;
            }
            let (h, m) = (digit(1)? * 10 + digit(2)?, digit(4)? * 10 + digit(5)?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[(month - 1) as usize]
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Howard Hinnant's civil-to-days algorithm (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::date::rfc3339;

    #[test]
    fn rfc3339_and_unix_seconds_parse_to_the_same_instant() {
        assert_eq!(parse("2024-03-26T16:45:33Z"), Some(1_711_471_533));
        assert_eq!(parse("1711471533"), Some(1_711_471_533));
        assert_eq!(parse("2024-03-26t16:45:33.981z"), Some(1_711_471_533));
        assert_eq!(parse("2024-03-26 18:45:33+02:00"), Some(1_711_471_533));
        assert_eq!(parse("2024-03-26T11:45:33-05:00"), Some(1_711_471_533));
        assert_eq!(parse("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(parse("1969-12-31T23:59:59Z"), Some(-1));
        assert_eq!(parse("-1"), Some(-1));
        for secs in [0, 1_711_471_533, 4_102_444_800, -86_401] {
            assert_eq!(parse(&rfc3339(secs)), Some(secs));
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "yesterday",
            "2024-03-26",
            "2024-03-26T16:45:33",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-03-26T24:00:00Z",
            "2024-03-26T16:45:33+2:00",
            "2024-03-26T16:45:33.Z",
            "2024-03-26T16:45:33Zjunk",
            "2024-03-26T16:45:33++1:00",
            "٢٠٢٤-03-26T16:45:33Z",
            "1e9",
            "99999999999999999999",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn keyhound_now_overrides_the_clock_and_a_bad_value_is_a_usage_error() {
        let env = |v: &'static str| move |name: &str| (name == NOW_ENV).then(|| v.to_string());
        assert_eq!(now(&env("2024-03-26T16:45:33Z")).unwrap(), 1_711_471_533);
        let err = now(&env("soon")).unwrap_err();
        assert!(err.0.starts_with("KEYHOUND_NOW must be"), "{}", err.0);
        assert!(now(&env("")).unwrap() > 1_700_000_000);
    }
}
