//! When and how long to wait before trying a Virbela call again.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::Method;

use super::options::ClientOptions;

/// What went wrong in one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    Status(u16),
    Timeout,
    Connection,
    /// Anything else (bad answer body, request could not be built): never retried.
    Other,
}

/// GETs retry on 429, 5xx, timeouts and connection errors; POST and PUT only on 429,
/// since Virbela may have acted on a request whose answer was lost.
pub(crate) fn is_retryable(method: &Method, cause: Cause) -> bool {
    match cause {
        Cause::Status(429) => true,
        _ if method != Method::GET => false,
        Cause::Status(s) => (500..=599).contains(&s),
        Cause::Timeout | Cause::Connection => true,
        Cause::Other => false,
    }
}

/// The wait before retry number `retry` (1 = first retry): the server's `Retry-After`
/// when it gave one, else exponential back-off with jitter (half fixed, half random),
/// both capped by `retry_max_delay`.
pub(crate) fn delay(
    options: &ClientOptions,
    retry: u32,
    retry_after: Option<Duration>,
) -> Duration {
    if let Some(after) = retry_after {
        return after.min(options.retry_max_delay);
    }
    let exp = options
        .retry_base_delay
        .saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        )
        .min(options.retry_max_delay);
    let half = exp / 2;
    let jitter = rand::rng().random_range(0..=half.as_millis().min(u128::from(u64::MAX)) as u64);
    half + Duration::from_millis(jitter)
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
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
    fn gets_retry_on_transient_failures_and_writes_only_on_429() {
        for cause in [
            Cause::Status(429),
            Cause::Status(500),
            Cause::Status(503),
            Cause::Timeout,
            Cause::Connection,
        ] {
            assert!(is_retryable(&Method::GET, cause), "{cause:?}");
        }
        for cause in [
            Cause::Status(400),
            Cause::Status(401),
            Cause::Status(404),
            Cause::Other,
        ] {
            assert!(!is_retryable(&Method::GET, cause), "{cause:?}");
        }
        for method in [Method::POST, Method::PUT] {
            assert!(is_retryable(&method, Cause::Status(429)));
            for cause in [Cause::Status(500), Cause::Timeout, Cause::Connection] {
                assert!(!is_retryable(&method, cause), "{method} {cause:?}");
            }
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let o = ClientOptions {
            retry_base_delay: Duration::from_millis(100),
            retry_max_delay: Duration::from_millis(1000),
            ..ClientOptions::default()
        };
        for _ in 0..50 {
            let first = delay(&o, 1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = delay(&o, 3, None);
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400));
            assert!(delay(&o, 30, None) <= Duration::from_millis(1000));
        }
        assert_eq!(
            delay(&o, 1, Some(Duration::from_secs(2))),
            Duration::from_millis(1000)
        );
        assert_eq!(
            delay(&o, 1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
