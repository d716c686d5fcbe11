//! Local time for reports, fast: the UTC offset of a time zone looked up in a table of
//! quarter hours built once per report, instead of a `chrono_tz` search per instant
//! (a million sessions need a few million look-ups).
//!
//! Every offset change in use today happens on a quarter hour of UTC (offsets are
//! multiples of 15 minutes and changes happen on the local hour). Each table slot is
//! checked at both ends when the table is built; a slot whose offset changes inside it
//! (historic local mean time, say) and instants outside the table are asked of
//! `chrono_tz` directly, so answers are always exact.

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

pub(crate) const MINUTE_MS: i64 = 60_000;
pub(crate) const HOUR_MS: i64 = 3_600_000;
pub(crate) const DAY_MS: i64 = 86_400_000;
const SLOT_MS: i64 = 15 * MINUTE_MS;
/// Slots kept at most (about 28 years); longer spans use the table for their start only.
const MAX_SLOTS: i64 = 1_000_000;
/// A slot whose offset is not constant.
const MIXED: i32 = i32::MIN;

/// UTC offsets of one zone over a span of instants (milliseconds since the epoch).
#[derive(Debug, Clone)]
pub(crate) struct LocalClock {
    tz: Tz,
    base: i64,
    /// Offset in seconds per slot, or [`MIXED`].
    slots: Vec<i32>,
}

impl LocalClock {
    /// A clock for instants from `from_ms` to `to_ms` (others work too, slower).
    pub fn new(tz: Tz, from_ms: i64, to_ms: i64) -> LocalClock {
        let base = from_ms.div_euclid(SLOT_MS) * SLOT_MS;
        let count = ((to_ms - base).div_euclid(SLOT_MS) + 1).clamp(0, MAX_SLOTS);
        let mut slots = Vec::with_capacity(count as usize);
        let mut start_offset = offset_seconds(tz, base);
        for i in 0..count {
            let start = base + i * SLOT_MS;
            let next_offset = offset_seconds(tz, start + SLOT_MS);
            let end_offset = offset_seconds(tz, start + SLOT_MS - 1);
            slots.push(if start_offset == end_offset {
                start_offset
            } else {
                MIXED
            });
            start_offset = next_offset;
        }
        LocalClock { tz, base, slots }
    }

    /// The zone's offset (local minus UTC) at `t_ms`, in milliseconds.
    #[inline]
    pub fn offset_ms(&self, t_ms: i64) -> i64 {
        let slot = (t_ms - self.base).div_euclid(SLOT_MS);
        let seconds = usize::try_from(slot)
            .ok()
            .and_then(|i| self.slots.get(i).copied())
            .filter(|s| *s != MIXED)
            .unwrap_or_else(|| offset_seconds(self.tz, t_ms));
        i64::from(seconds) * 1000
    }

    /// Local wall-clock milliseconds since the local epoch at `t_ms`.
    #[inline]
    pub fn local_ms(&self, t_ms: i64) -> i64 {
        t_ms + self.offset_ms(t_ms)
    }

    /// The local day of `t_ms`, as days since 1970-01-01.
    #[inline]
    pub fn day(&self, t_ms: i64) -> i64 {
        self.local_ms(t_ms).div_euclid(DAY_MS)
    }
}

/// The offset of `tz` at `t_ms`, in seconds.
fn offset_seconds(tz: Tz, t_ms: i64) -> i32 {
    match DateTime::<Utc>::from_timestamp_millis(t_ms) {
        Some(t) => tz
            .offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc(),
        None => 0,
    }
}

/// The calendar date of a day number (days since 1970-01-01).
pub(crate) fn date_of_day(day: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(day.saturating_mul(DAY_MS))
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// Milliseconds since the epoch of an instant.
pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The instant of `t_ms`.
pub(crate) fn instant(t_ms: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_millis(t_ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.timestamp_millis())
            .expect("instant")
    }

    #[test]
    fn offsets_match_chrono_tz_around_transitions() {
        for (zone, from, to) in [
            (
                "Europe/Paris",
                "2026-03-28T00:00:00Z",
                "2026-03-30T00:00:00Z",
            ),
            (
                "America/New_York",
                "2026-10-31T00:00:00Z",
                "2026-11-02T00:00:00Z",
            ),
            (
                "America/St_Johns",
                "2026-03-07T00:00:00Z",
                "2026-03-09T12:00:00Z",
            ),
            (
                "Asia/Kathmandu",
                "2026-01-01T00:00:00Z",
                "2026-01-02T00:00:00Z",
            ),
            (
                "Australia/Lord_Howe",
                "2026-04-04T00:00:00Z",
                "2026-04-06T00:00:00Z",
            ),
        ] {
            let tz: Tz = zone.parse().expect("zone");
            let (a, b) = (at(from), at(to));
            let clock = LocalClock::new(tz, a, b);
            let mut t = a - 3 * HOUR_MS;
            while t < b + 3 * HOUR_MS {
                assert_eq!(
                    clock.offset_ms(t),
                    i64::from(offset_seconds(tz, t)) * 1000,
                    "{zone} at {t}"
                );
                t += 7 * MINUTE_MS + 13_000;
            }
        }
    }

    #[test]
    fn days_are_local() {
        let paris: Tz = "Europe/Paris".parse().expect("zone");
        let clock = LocalClock::new(
            paris,
            at("2026-11-01T00:00:00Z"),
            at("2026-11-03T00:00:00Z"),
        );
        // 23:30 UTC on the 1st is 00:30 on the 2nd in Paris.
        let day = clock.day(at("2026-11-01T23:30:00Z"));
        assert_eq!(
            date_of_day(day),
            NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")
        );
    }
}
