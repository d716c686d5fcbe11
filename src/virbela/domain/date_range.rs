//! `DateRange`: a closed interval of instants, and its split into API-sized windows.

use std::fmt;

use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// The longest window the attendance endpoints accept.
pub const MAX_ATTENDANCE_WINDOW: Duration = Duration::days(90);

/// A range `[start, stop]` of instants with `start <= stop`. Both ends are inclusive,
/// as in Virbela's overlap rule (`start <= leaveTime AND stop >= joinTime`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    start: DateTime<Utc>,
    stop: DateTime<Utc>,
}

/// Why a range was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the range ends ({stop}) before it starts ({start})")]
pub struct DateRangeError {
    pub start: DateTime<Utc>,
    pub stop: DateTime<Utc>,
}

impl DateRange {
    pub fn new(start: DateTime<Utc>, stop: DateTime<Utc>) -> Result<Self, DateRangeError> {
        if stop < start {
            return Err(DateRangeError { start, stop });
        }
        Ok(DateRange { start, stop })
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn stop(&self) -> DateTime<Utc> {
        self.stop
    }

    pub fn duration(&self) -> Duration {
        self.stop - self.start
    }

    /// Whether a session `[join, leave]` overlaps the range (Virbela's rule).
    pub fn overlaps(&self, join: DateTime<Utc>, leave: DateTime<Utc>) -> bool {
        self.start <= leave && self.stop >= join
    }

    /// Consecutive windows of at most `max` covering the range. Neighbours share their
    /// boundary instant, so nothing falls between them; a session spanning a boundary is
    /// returned by both windows and must be de-duplicated by whoever stitches them.
    pub fn windows(&self, max: Duration) -> Vec<DateRange> {
        let max = max.max(Duration::milliseconds(1));
        let mut out = Vec::new();
        let mut start = self.start;
        loop {
            let stop = (start + max).min(self.stop);
            out.push(DateRange { start, stop });
            if stop >= self.stop {
                return out;
            }
            start = stop;
        }
    }

    /// The `start`/`stop` query values, ISO 8601 with milliseconds and `Z`.
    pub fn query_bounds(&self) -> (String, String) {
        (
            self.start.to_rfc3339_opts(SecondsFormat::Millis, true),
            self.stop.to_rfc3339_opts(SecondsFormat::Millis, true),
        )
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.query_bounds();
        write!(f, "{a}..{b}")
    }
}

impl fmt::Debug for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateRange({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
            .single()
            .expect("valid date")
    }

    #[test]
    fn a_reversed_range_is_refused() {
        assert!(DateRange::new(day(2023, 2, 1), day(2023, 1, 1)).is_err());
        assert!(DateRange::new(day(2023, 1, 1), day(2023, 1, 1)).is_ok());
    }

    #[test]
    fn a_year_splits_into_touching_windows_of_at_most_90_days() {
        let year = DateRange::new(day(2023, 1, 1), day(2024, 1, 1)).expect("range");
        let windows = year.windows(MAX_ATTENDANCE_WINDOW);
        assert_eq!(windows.len(), 5);
        assert_eq!(windows[0].start(), year.start());
        assert_eq!(windows.last().map(DateRange::stop), Some(year.stop()));
        for pair in windows.windows(2) {
            assert_eq!(pair[0].stop(), pair[1].start());
        }
        assert!(
            windows
                .iter()
                .all(|w| w.duration() <= MAX_ATTENDANCE_WINDOW)
        );
    }

    #[test]
    fn short_and_empty_ranges_are_one_window() {
        let r = DateRange::new(day(2023, 1, 1), day(2023, 3, 31)).expect("range");
        assert_eq!(r.windows(MAX_ATTENDANCE_WINDOW), vec![r]);
        let instant = DateRange::new(day(2023, 1, 1), day(2023, 1, 1)).expect("range");
        assert_eq!(instant.windows(MAX_ATTENDANCE_WINDOW), vec![instant]);
    }

    #[test]
    fn overlap_is_inclusive_at_both_ends() {
        let r = DateRange::new(day(2023, 1, 2), day(2023, 1, 3)).expect("range");
        assert!(r.overlaps(day(2023, 1, 1), day(2023, 1, 2)));
        assert!(r.overlaps(day(2023, 1, 3), day(2023, 1, 4)));
        assert!(!r.overlaps(day(2023, 1, 4), day(2023, 1, 5)));
    }
}
