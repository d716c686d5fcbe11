//! When a connector call is tried again, and after how long.
//!
//! Teams asks bots to retry only `412`, `429`, `502`, `503` and `504` ("Bot must avoid
//! retrying status codes that aren't specified"): at most [`MAX_RETRIES`] times, after the
//! server's `Retry-After` when it sent one, else after 1 s, 2 s, 4 s (± 20 % jitter, capped
//! at [`BACKOFF_CAP`]). A `Retry-After` longer than [`MAX_RETRY_AFTER`] is not waited for:
//! the call fails with the 429 and the caller decides.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;

/// Retries after the first attempt.
pub(crate) const MAX_RETRIES: u32 = 3;
/// First back-off delay; doubled for each further retry.
pub(crate) const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Longest back-off delay.
pub(crate) const BACKOFF_CAP: Duration = Duration::from_secs(20);
/// Longest `Retry-After` the connector waits for.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The statuses Teams documents as transient.
pub(crate) fn is_retryable(status: u16) -> bool {
    matches!(status, 412 | 429 | 502 | 503 | 504)
}

/// The wait before retry number `retry` (1 = first), or `None` when the call must fail
/// now (retries used up, or a `Retry-After` longer than [`MAX_RETRY_AFTER`]).
pub(crate) fn delay(retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
    if retry == 0 || retry > MAX_RETRIES {
        return None;
    }
    if let Some(after) = retry_after {
        return (after <= MAX_RETRY_AFTER).then_some(after);
    }
    let exp = BACKOFF_BASE
        .saturating_mul(1u32.checked_shl(retry - 1).unwrap_or(u32::MAX))
        .min(BACKOFF_CAP);
    let factor = rand::rng().random_range(0.8..=1.2);
    Some(exp.mul_f64(factor).min(BACKOFF_CAP))
}

/// `Retry-After` as (possibly fractional) seconds or as an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (0.0..1e9)
            .contains(&secs)
            .then(|| Duration::from_secs_f64(secs));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_statuses_are_retried() {
        for status in [412, 429, 502, 503, 504] {
            assert!(is_retryable(status), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 413, 500, 501, 505] {
            assert!(!is_retryable(status), "{status}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stops_after_three_retries() {
        for _ in 0..200 {
            for (retry, secs) in [(1, 1.0), (2, 2.0), (3, 4.0)] {
                let d = delay(retry, None).unwrap().as_secs_f64();
                assert!(
                    d >= secs * 0.8 - 1e-9 && d <= secs * 1.2 + 1e-9,
                    "{retry}: {d}"
                );
            }
        }
        assert_eq!(delay(4, None), None);
        assert_eq!(delay(0, None), None);
    }

    #[test]
    fn retry_after_is_honoured_exactly_unless_too_long() {
        assert_eq!(
            delay(1, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(delay(3, Some(Duration::ZERO)), Some(Duration::ZERO));
        assert_eq!(delay(1, Some(Duration::from_secs(61))), None);
        assert_eq!(delay(4, Some(Duration::from_secs(1))), None);
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after(" 1.5 ", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Wed, 01 Jan 2025 00:00:10 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Tue, 31 Dec 2024 23:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
