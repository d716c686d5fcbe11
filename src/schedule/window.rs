//! A schedule's window (`last week`, `yesterday`, `last 30 days`): the core's range
//! phrase read at the due time in the schedule's zone, and written back as concrete
//! dates (`2026-11-16..2026-11-22`) for the report command, so a run retried an hour
//! later still reports on the same days.

use chrono::{DateTime, Duration, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use crate::core::command::{ParseContext, UsageError};
use crate::core::grammar::parse_range;
use crate::virbela::domain::DateRange;

/// A window evaluated at one due time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// The range as the grammar reads it back (`2026-11-16..2026-11-22`, or date-times
    /// with `Z` when an end is not a local midnight).
    pub text: String,
    /// For people (`last week (Mon 16 Nov – Sun 22 Nov 2026, Europe/Paris)`).
    pub label: String,
    pub range: DateRange,
}

/// Reads `phrase` as if typed at `due` in `tz`.
pub fn evaluate(phrase: &str, due: DateTime<Utc>, tz: Tz) -> Result<Window, UsageError> {
    let (range, label) = parse_range(phrase, &ParseContext { now: due, tz })?;
    let start = range.start();
    let stop = range.stop();
    let start_text = if start.with_timezone(&tz).time() == NaiveTime::MIN {
        start.with_timezone(&tz).date_naive().to_string()
    } else {
        start.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    };
    let after_stop = stop + Duration::milliseconds(1);
    let stop_text = if after_stop.with_timezone(&tz).time() == NaiveTime::MIN {
        stop.with_timezone(&tz).date_naive().to_string()
    } else {
        stop.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    };
    Ok(Window {
        text: format!("{start_text}..{stop_text}"),
        label,
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test time")
            .with_timezone(&Utc)
    }

    #[test]
    fn phrases_become_concrete_dates_that_read_back_the_same() {
        let due = utc("2026-11-23T08:00:00Z"); // Monday 09:00 in Paris
        let week = evaluate("last week", due, Paris).expect("window");
        assert_eq!(week.text, "2026-11-16..2026-11-22");
        let yesterday = evaluate("yesterday", due, Paris).expect("window");
        assert_eq!(yesterday.text, "2026-11-22..2026-11-22");
        let rolling = evaluate("last 30 days", due, Paris).expect("window");
        assert_eq!(rolling.text, "2026-10-25..2026-11-23T08:00:00Z");
        for w in [week, yesterday, rolling] {
            let (again, _) = parse_range(
                &w.text,
                &ParseContext {
                    now: due + Duration::hours(5),
                    tz: Paris,
                },
            )
            .expect("reads back");
            assert_eq!(again, w.range);
        }
        assert!(evaluate("someday", due, Paris).is_err());
    }
}
