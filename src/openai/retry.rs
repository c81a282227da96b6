//! When to retry an Admin API request, and how long to wait first.
//!
//! Stage: none (policy). Follows the official SDK: retry 408, 409, 429 and 5xx (and timeouts
//! and connection failures); wait what `retry-after-ms` or `Retry-After` (seconds or an HTTP
//! date) says, capped; otherwise back off exponentially with jitter. Performs no I/O and never
//! sleeps itself: the caller sleeps the returned delay, so tests can scale it down.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// How many times, and how long between, a request is retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1` attempts).
    pub max_retries: u32,
    /// The first back-off delay when the server names none.
    pub initial_backoff: Duration,
    /// The longest back-off delay when the server names none.
    pub max_backoff: Duration,
    /// The longest server-named delay honoured; longer ones are cut to this.
    pub retry_after_cap: Duration,
    /// Every delay is multiplied by this (1.0 in use; tests make it small).
    pub scale: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(120),
            scale: 1.0,
        }
    }
}

/// True for the statuses the SDK retries: 408, 409, 429 and every 5xx.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || status >= 500
}

impl RetryPolicy {
    /// The delay before retry number `retry` (0 for the first retry), given the response's
    /// `retry-after-ms` and `Retry-After` header values, if any.
    pub fn delay(
        &self,
        retry: u32,
        retry_after_ms: Option<&str>,
        retry_after: Option<&str>,
    ) -> Duration {
        let named = retry_after_ms
            .and_then(parse_millis)
            .or_else(|| retry_after.and_then(|v| parse_retry_after(v, SystemTime::now())));
        let base = match named {
            Some(d) => d.min(self.retry_after_cap),
            None => self.backoff(retry),
        };
        base.mul_f64(self.scale.max(0.0))
    }

    /// `initial × 2^retry`, at most `max_backoff`, less up to 25 % jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let doubled = self
            .initial_backoff
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_backoff);
        doubled.mul_f64(1.0 - 0.25 * jitter())
    }
}

/// `retry-after-ms`: a non-negative number of milliseconds.
fn parse_millis(value: &str) -> Option<Duration> {
    let ms: f64 = value.trim().parse().ok()?;
    seconds(ms / 1000.0)
}

/// A non-negative number of seconds; absurdly large values saturate (they are capped later).
fn seconds(secs: f64) -> Option<Duration> {
    (secs >= 0.0 && !secs.is_nan())
        .then(|| Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// `Retry-After`: seconds (the SDK accepts fractions) or an HTTP date, relative to `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1): SplitMix64 over the clock and a counter. Jitter only needs to differ
/// between clients and retries, not to be unpredictable.
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut z = nanos
        .wrapping_add(COUNTER.fetch_add(1, Ordering::Relaxed))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_what_the_sdk_retries() {
        for s in [408, 409, 429, 500, 502, 503, 599] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 422] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }

    #[test]
    fn server_named_delays_win_and_are_capped() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(0, Some("250"), Some("9")),
            Duration::from_millis(250)
        );
        assert_eq!(p.delay(3, None, Some("2")), Duration::from_secs(2));
        assert_eq!(p.delay(0, None, Some("100000")), Duration::from_secs(120));
        assert_eq!(p.delay(0, Some("1e9"), None), Duration::from_secs(120));
        for absurd in ["1e300", "inf", "1e400"] {
            assert_eq!(p.delay(0, Some(absurd), None), Duration::from_secs(120));
            assert_eq!(p.delay(0, None, Some(absurd)), Duration::from_secs(120));
        }
        assert!(p.delay(0, Some("NaN"), None) <= Duration::from_millis(500));
        assert!(p.delay(0, Some("-5"), Some("-1")) <= Duration::from_millis(500));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight_with_jitter() {
        let p = RetryPolicy::default();
        for (retry, full) in [
            (0, 500),
            (1, 1000),
            (2, 2000),
            (3, 4000),
            (4, 8000),
            (9, 8000),
        ] {
            for _ in 0..20 {
                let d = p.delay(retry, Some("soon"), None).as_millis() as u64;
                assert!(d <= full && d >= full * 3 / 4, "retry {retry}: {d} ms");
            }
        }
        let fast = RetryPolicy {
            scale: 0.001,
            ..RetryPolicy::default()
        };
        assert!(fast.delay(4, None, Some("60")) <= Duration::from_millis(60));
    }
}
