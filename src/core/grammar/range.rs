//! Date ranges as people type them (`last week`, `2023-01-01..2023-03-31`,
//! `2023-01-01T09:00..2023-01-01T17:30+02:00`), read in the caller's time zone relative to
//! the moment of the command, and turned into a [`DateRange`] of instants.
//!
//! Whole days run from local midnight to the last millisecond before the next local
//! midnight (Virbela's overlap rule is inclusive at both ends). Ranges that are still
//! going (`today`, `this week`, `this month`, `last N days`) end at `now`. Local times
//! that do not exist (a DST gap) are read with the offset in force before the gap, so
//! they land just after it; ambiguous ones (a DST overlap) take the earlier instant.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike,
    Utc, Weekday,
};
use chrono_tz::Tz;

use crate::core::command::{ParseContext, UsageError};
use crate::virbela::domain::DateRange;

/// Longest `last N days`.
pub const MAX_DAYS: u32 = 3650;

/// The range used when none is typed.
pub const DEFAULT_RANGE: &str = "last 7 days";

/// Every accepted form, for messages.
fn accepted(tz: Tz) -> String {
    format!(
        "Ranges are `today`, `yesterday`, `last N days` (N from 1 to {MAX_DAYS}), \
         `this week`, `last week`, `this month`, `last month`, a date (`2023-01-01`), \
         dates (`2023-01-01..2023-03-31`, both days included) or date-times \
         (`2023-01-01T09:00..2023-01-01T17:30`, optionally with an offset such as `Z` or \
         `+02:00`; without one they are in {}).",
        tz.name()
    )
}

fn refuse(message: String) -> UsageError {
    UsageError::new(message, None)
}

/// Reads `words` as a range in `ctx.tz`, relative to `ctx.now`. Answers the range and a
/// label for replies, e.g. `last week (2026-11-16 – 2026-11-22, Europe/Paris)`.
pub fn parse_range(words: &str, ctx: &ParseContext) -> Result<(DateRange, String), UsageError> {
    let words: Vec<&str> = words.split_whitespace().collect();
    let typed = words.join(" ");
    if typed.is_empty() {
        return Err(refuse(format!("No range given. {}", accepted(ctx.tz))));
    }
    let lower = typed.to_lowercase();
    let tz = ctx.tz;
    let now_local = ctx.now.with_timezone(&tz);
    let today = now_local.date_naive();
    let phrase = |start: NaiveDate, first: NaiveDate, last: NaiveDate, until_now: bool| {
        let start = start_of_day(start, tz)?;
        let stop = if until_now {
            ctx.now
        } else {
            end_of_day(last, tz)?
        };
        let range = DateRange::new(start, stop).ok()?;
        Some((
            range,
            format!("{lower} ({}, {})", days(first, last), tz.name()),
        ))
    };
    let out_of_range = || refuse(format!("`{typed}` is out of the calendar's range."));

    let simple = match lower.as_str() {
        "today" => Some(phrase(today, today, today, true)),
        "yesterday" => {
            let y = today.pred_opt().ok_or_else(out_of_range)?;
            Some(phrase(y, y, y, false))
        }
        "this week" => {
            let monday = monday_of(today).ok_or_else(out_of_range)?;
            Some(phrase(monday, monday, today, true))
        }
        "last week" => {
            let monday = monday_of(today)
                .and_then(|m| m.checked_sub_days(chrono::Days::new(7)))
                .ok_or_else(out_of_range)?;
            let sunday = monday
                .checked_add_days(chrono::Days::new(6))
                .ok_or_else(out_of_range)?;
            Some(phrase(monday, monday, sunday, false))
        }
        "this month" => {
            let first = today.with_day(1).ok_or_else(out_of_range)?;
            Some(phrase(first, first, today, true))
        }
        "last month" => {
            let last = today
                .with_day(1)
                .and_then(|d| d.pred_opt())
                .ok_or_else(out_of_range)?;
            let first = last.with_day(1).ok_or_else(out_of_range)?;
            Some(phrase(first, first, last, false))
        }
        _ => None,
    };
    if let Some(found) = simple {
        return found.ok_or_else(out_of_range);
    }

    if let ["last" | "past", n, "day" | "days"] = lower.split(' ').collect::<Vec<_>>()[..] {
        let n: u32 = n.parse().map_err(|_| {
            refuse(format!(
                "`{n}` is not a number of days: write `last 7 days`, with N from 1 to {MAX_DAYS}."
            ))
        })?;
        if !(1..=MAX_DAYS).contains(&n) {
            return Err(refuse(format!(
                "`last {n} days`: N must be from 1 to {MAX_DAYS}."
            )));
        }
        let first = today
            .checked_sub_days(chrono::Days::new(u64::from(n - 1)))
            .ok_or_else(out_of_range)?;
        return phrase(first, first, today, true).ok_or_else(out_of_range);
    }

    // Explicit dates and date-times: spaces around `..` are allowed.
    let explicit = typed.replace(" ..", "..").replace(".. ", "..");
    if let Some((a, b)) = explicit.split_once("..") {
        let (a, b) = (a.trim(), b.trim());
        if a.is_empty() || b.is_empty() {
            return Err(refuse(format!(
                "`{typed}` needs both ends, e.g. `2023-01-01..2023-03-31`. {}",
                accepted(tz)
            )));
        }
        let start = point(a, tz)?;
        let stop = point(b, tz)?;
        let start_instant = match start {
            Point::Day(d) => start_of_day(d, tz).ok_or_else(out_of_range)?,
            Point::Instant(t) => t,
        };
        let stop_instant = match stop {
            Point::Day(d) => end_of_day(d, tz).ok_or_else(out_of_range)?,
            Point::Instant(t) => t,
        };
        let range = DateRange::new(start_instant, stop_instant).map_err(|_| {
            refuse(format!(
                "The range `{typed}` ends before it starts: write the earlier end first, \
                 e.g. `2023-01-01..2023-03-31`."
            ))
        })?;
        let label = match (start, stop) {
            (Point::Day(a), Point::Day(b)) => format!("{} ({})", days(a, b), tz.name()),
            _ => format!(
                "{} – {} ({})",
                local_label(start_instant, tz),
                local_label(stop_instant, tz),
                tz.name()
            ),
        };
        return Ok((range, label));
    }

    match point(&typed, tz) {
        Ok(Point::Day(d)) => {
            let start = start_of_day(d, tz).ok_or_else(out_of_range)?;
            let stop = end_of_day(d, tz).ok_or_else(out_of_range)?;
            let range = DateRange::new(start, stop).map_err(|_| out_of_range())?;
            Ok((range, format!("{d} ({})", tz.name())))
        }
        Ok(Point::Instant(_)) => Err(refuse(format!(
            "`{typed}` is a moment, not a range: write `START..END`, e.g. \
             `2023-01-01T09:00..2023-01-01T17:30`."
        ))),
        Err(e) if looks_dated(&typed) => Err(e),
        Err(_) => Err(refuse(format!(
            "`{typed}` is not a range. {}",
            accepted(tz)
        ))),
    }
}

/// The default range (`last 7 days`).
pub fn default_range(ctx: &ParseContext) -> Result<(DateRange, String), UsageError> {
    parse_range(DEFAULT_RANGE, ctx)
}

/// Whether `text` starts like a date (`2023-…`), so a failure to read it is worth reporting
/// rather than taking the words for part of a room name.
pub fn looks_dated(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// `dddd-dd-dd`.
fn is_date_shape(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// One end of an explicit range.
#[derive(Debug, Clone, Copy)]
enum Point {
    /// A whole local day.
    Day(NaiveDate),
    /// A moment.
    Instant(DateTime<Utc>),
}

/// `2023-01-01`, `2023-01-01T09:00[:SS[.fff]]` or with a space for `T`, optionally
/// followed by `Z`, `+02:00`, `+0200` or `+02`.
fn point(text: &str, tz: Tz) -> Result<Point, UsageError> {
    let upper = text.trim().to_ascii_uppercase();
    let not_a_date = || {
        refuse(format!(
            "`{text}` is not a date or date-time: write a calendar date as `YYYY-MM-DD` \
             (e.g. `2023-01-31`) or a date-time as `2023-01-31T09:00` (optionally with `Z` \
             or an offset such as `+02:00`). {}",
            accepted(tz)
        ))
    };
    if !upper.is_ascii() || upper.len() < 10 || !looks_dated(&upper) {
        return Err(not_a_date());
    }
    let (date_text, time_text) = upper.split_at(10);
    let date = NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
        .ok()
        .filter(|_| is_date_shape(date_text))
        .ok_or_else(|| {
            refuse(format!(
                "`{date_text}` is not a calendar date: write `YYYY-MM-DD` with a real day, \
                 e.g. `2023-02-28`."
            ))
        })?;
    if time_text.is_empty() {
        return Ok(Point::Day(date));
    }
    let time_text = time_text
        .strip_prefix('T')
        .or_else(|| time_text.strip_prefix(' '))
        .ok_or_else(not_a_date)?;
    let (clock, offset) = split_offset(time_text).ok_or_else(not_a_date)?;
    let time = ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(clock, f).ok())
        .ok_or_else(not_a_date)?;
    let naive = date.and_time(time);
    let instant = match offset {
        Some(seconds) => naive
            .checked_sub_signed(Duration::seconds(i64::from(seconds)))
            .map(|utc| Utc.from_utc_datetime(&utc)),
        None => local_instant(naive, tz),
    };
    instant.map(Point::Instant).ok_or_else(not_a_date)
}

/// Splits `09:00+02:00` into the clock and the offset in seconds east of UTC (`Z` is 0).
/// `None` when the offset is malformed.
fn split_offset(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(clock) = text.strip_suffix('Z') {
        return Some((clock, Some(0)));
    }
    let Some(at) = text.find(['+', '-']) else {
        return Some((text, None));
    };
    let (clock, offset) = text.split_at(at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits: String = offset[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if hours > 18 || minutes > 59 {
        return None;
    }
    Some((clock, Some(sign * (hours * 3600 + minutes * 60))))
}

/// The instant a local wall-clock time names in `tz`: the earlier one in a DST overlap;
/// in a DST gap, the wall time read with the offset in force before the gap.
fn local_instant(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    if let Some(t) = tz.from_local_datetime(&naive).earliest() {
        return Some(t.with_timezone(&Utc));
    }
    let probe = naive.checked_sub_signed(Duration::hours(24))?;
    let before = tz.offset_from_utc_datetime(&probe).fix().local_minus_utc();
    let utc = naive.checked_sub_signed(Duration::seconds(i64::from(before)))?;
    Some(Utc.from_utc_datetime(&utc))
}

/// Local midnight starting `day`.
fn start_of_day(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    local_instant(day.and_time(NaiveTime::MIN), tz)
}

/// The last millisecond of `day` (the next local midnight minus 1 ms).
fn end_of_day(day: NaiveDate, tz: Tz) -> Option<DateTime<Utc>> {
    let next = start_of_day(day.succ_opt()?, tz)?;
    next.checked_sub_signed(Duration::milliseconds(1))
}

/// The Monday of `day`'s week.
fn monday_of(day: NaiveDate) -> Option<NaiveDate> {
    let back = day.weekday().days_since(Weekday::Mon);
    day.checked_sub_days(chrono::Days::new(u64::from(back)))
}

/// `2026-11-16 – 2026-11-22`, or one date when both are the same.
fn days(first: NaiveDate, last: NaiveDate) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first} – {last}")
    }
}

/// `2023-01-01 09:00` (seconds when not zero), in `tz`.
fn local_label(t: DateTime<Utc>, tz: Tz) -> String {
    let local = t.with_timezone(&tz);
    if local.timestamp_subsec_millis() == 0 && local.second() == 0 {
        local.format("%Y-%m-%d %H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}
