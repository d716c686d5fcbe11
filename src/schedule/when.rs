//! When a schedule runs: a phrase (`daily 09:00`, `weekdays 08:30`, `mondays 10:00`,
//! `1st of month 09:00`) or a 5-field cron expression (`30 8 * * 1-5`), and the next run
//! times it gives in an IANA zone.
//!
//! Phrases are mapped to cron fields; one matcher serves both. No crate: the matcher is
//! small, and the part that is easy to get wrong, daylight saving time, is decided here
//! on purpose with chrono-tz (already a dependency):
//!
//! - a local time that does not exist (a 02:30 run on the night clocks skip from 02:00 to
//!   03:00) runs at the next valid instant (03:00 local), once;
//! - a local time that exists twice (the repeated hour in autumn) runs once, at the first
//!   of the two instants.
//!
//! Cron follows Vixie cron: day-of-month and day-of-week are OR-ed when both are
//! restricted; day-of-week 0 and 7 are Sunday; names (`mon`, `jan`) are accepted.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Why a `when` text was refused; the message says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a schedule: {why}. {ACCEPTED}")]
pub struct WhenError {
    pub text: String,
    pub why: String,
}

/// Every accepted form, for messages.
pub const ACCEPTED: &str = "Write `daily 09:00`, `weekdays 08:30`, `mondays 10:00` (any day \
    of the week), `1st of month 09:00` (1st to 28th), or a 5-field cron expression such as \
    `30 8 * * 1-5` (minute hour day-of-month month day-of-week), in the schedule's time zone.";

/// How far ahead a next run is searched (covers `0 9 29 2 *`, leap days).
const SEARCH_DAYS: i64 = 366 * 8;

/// A parsed cadence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadence {
    /// As typed (normalized spaces, lower case).
    text: String,
    /// In words (`every weekday (Mon–Fri) at 08:30`).
    words: String,
    minutes: u64,
    hours: u32,
    days: u32,
    months: u16,
    weekdays: u8,
    days_restricted: bool,
    weekdays_restricted: bool,
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words)
    }
}

impl Cadence {
    /// Reads a phrase or a cron expression.
    pub fn parse(text: &str) -> Result<Cadence, WhenError> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = text.to_lowercase();
        let refuse = |why: &str| WhenError {
            text: text.clone(),
            why: why.to_string(),
        };
        let words: Vec<&str> = lower.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Err(refuse("it is empty"));
        }
        if words.len() == 5 && !words.iter().any(|w| w.contains(':')) {
            return cron(&lower, &words).map_err(|why| refuse(&why));
        }
        let (time_word, head) = match words.split_last() {
            Some((last, head)) if !head.is_empty() => (*last, head),
            _ => return Err(refuse("it needs a day and a time, e.g. `daily 09:00`")),
        };
        let (hour, minute) = clock(time_word).ok_or_else(|| {
            refuse(&format!(
                "`{time_word}` is not a time: write HH:MM, e.g. 09:00"
            ))
        })?;
        let at = format!("{hour:02}:{minute:02}");
        let (dom, dow, words) = match head {
            ["daily"] | ["every", "day"] | ["day"] => {
                ("*".to_string(), "*", format!("every day at {at}"))
            }
            ["weekdays"] | ["weekday"] => (
                "*".to_string(),
                "1-5",
                format!("every weekday (Mon–Fri) at {at}"),
            ),
            [day] if weekday_number(day.trim_end_matches('s')).is_some() => {
                let n = weekday_number(day.trim_end_matches('s')).unwrap_or(1);
                (
                    "*".to_string(),
                    ["0", "1", "2", "3", "4", "5", "6"][usize::from(n % 7)],
                    format!("every {} at {at}", WEEKDAY_NAMES[usize::from(n % 7)]),
                )
            }
            [nth, "of", "month"] | [nth, "of", "the", "month"] | [nth, "of", "every", "month"] => {
                let n = ordinal(nth).filter(|n| (1..=28).contains(n)).ok_or_else(|| {
                    refuse(&format!(
                        "`{nth}` is not a day of the month from 1st to 28th (later days are missing from some months; use cron for them)"
                    ))
                })?;
                (
                    n.to_string(),
                    "*",
                    format!("on the {} of every month at {at}", nth_word(n)),
                )
            }
            _ => return Err(refuse("the day part is not one of the phrases")),
        };
        let expression = format!("{minute} {hour} {dom} * {dow}");
        let fields: Vec<&str> = expression.split(' ').collect();
        let mut cadence = cron(&expression, &fields).map_err(|why| refuse(&why))?;
        cadence.text = lower;
        cadence.words = words;
        Ok(cadence)
    }

    /// The text as stored (`daily 09:00`, `30 8 * * 1-5`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first run strictly after `after`, in `tz` (DST rules in the module doc).
    pub fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let start = after.with_timezone(&tz).date_naive().pred_opt()?;
        for offset in 0..SEARCH_DAYS {
            let date = start.checked_add_signed(Duration::days(offset))?;
            if !self.matches_day(date) {
                continue;
            }
            for hour in 0..24u32 {
                if self.hours & (1 << hour) == 0 {
                    continue;
                }
                for minute in 0..60u32 {
                    if self.minutes & (1 << minute) == 0 {
                        continue;
                    }
                    let Some(naive) = date.and_hms_opt(hour, minute, 0) else {
                        continue;
                    };
                    if let Some(at) = resolve(naive, tz).filter(|at| *at > after) {
                        return Some(at);
                    }
                }
            }
        }
        None
    }

    /// The next `n` runs after `after`.
    pub fn next_runs(&self, after: DateTime<Utc>, tz: Tz, n: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::with_capacity(n);
        let mut from = after;
        while out.len() < n {
            match self.next_after(from, tz) {
                Some(at) => {
                    out.push(at);
                    from = at;
                }
                None => break,
            }
        }
        out
    }

    fn matches_day(&self, date: NaiveDate) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let dom = self.days & (1 << date.day()) != 0;
        let dow = self.weekdays & (1 << date.weekday().num_days_from_sunday()) != 0;
        match (self.days_restricted, self.weekdays_restricted) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        }
    }
}

/// A local time as an instant: the earlier of two (repeated hour), or the first valid
/// instant after a gap.
fn resolve(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    if let Some(at) = tz.from_local_datetime(&naive).earliest() {
        return Some(at.with_timezone(&Utc));
    }
    // In a gap: the first local minute that exists is where the clocks jumped to.
    (1..=24 * 60).find_map(|m| {
        let later = naive.checked_add_signed(Duration::minutes(m))?;
        tz.from_local_datetime(&later)
            .earliest()
            .map(|at| at.with_timezone(&Utc))
    })
}

const WEEKDAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `monday`/`mon` → 1 … `sunday`/`sun` → 0 (7 is accepted by cron too).
fn weekday_number(word: &str) -> Option<u8> {
    let names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let full = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    names
        .iter()
        .position(|n| *n == word)
        .or_else(|| full.iter().position(|n| *n == word))
        .and_then(|p| u8::try_from(p).ok())
}

fn month_number(word: &str) -> Option<u8> {
    let names = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    names
        .iter()
        .position(|n| *n == word)
        .and_then(|p| u8::try_from(p + 1).ok())
}

/// `1st`, `2nd`, `3rd`, `4th` … `28th`, or a bare number.
fn ordinal(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    let n: u32 = digits.parse().ok()?;
    (suffix.is_empty() || nth_word(n).ends_with(suffix)).then_some(n)
}

/// 1 → `1st`, 22 → `22nd`.
fn nth_word(n: u32) -> String {
    let suffix = match (n % 100, n % 10) {
        (11..=13, _) => "th",
        (_, 1) => "st",
        (_, 2) => "nd",
        (_, 3) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `HH:MM` (or `H:MM`), 24-hour.
fn clock(word: &str) -> Option<(u32, u32)> {
    let (h, m) = word.split_once(':')?;
    if m.len() != 2 || h.is_empty() || h.len() > 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// A 5-field cron expression.
fn cron(text: &str, fields: &[&str]) -> Result<Cadence, String> {
    let [minute, hour, dom, month, dow] = fields else {
        return Err("a cron expression has 5 fields".to_string());
    };
    let minutes = field(minute, 0, 59, "minute", |_| None)?;
    let hours = field(hour, 0, 23, "hour", |_| None)?;
    let days = field(dom, 1, 31, "day-of-month", |_| None)?;
    let months = field(month, 1, 12, "month", month_number)?;
    let mut weekdays = field(dow, 0, 7, "day-of-week", weekday_number)?;
    if weekdays & (1 << 7) != 0 {
        weekdays = (weekdays | 1) & !(1 << 7);
    }
    Ok(Cadence {
        text: text.to_string(),
        words: format!("on cron `{text}`"),
        minutes,
        hours: u32::try_from(hours).map_err(|_| "hour out of range".to_string())?,
        days: u32::try_from(days).map_err(|_| "day out of range".to_string())?,
        months: u16::try_from(months).map_err(|_| "month out of range".to_string())?,
        weekdays: u8::try_from(weekdays).map_err(|_| "day-of-week out of range".to_string())?,
        days_restricted: *dom != "*",
        weekdays_restricted: *dow != "*",
    })
}

/// One cron field as a bit set: `*`, `N`, `A-B`, `*/S`, `A-B/S`, `N/S`, comma lists.
fn field(
    text: &str,
    min: u32,
    max: u32,
    name: &str,
    names: impl Fn(&str) -> Option<u8>,
) -> Result<u64, String> {
    let bad = || format!("the {name} field `{text}` is not valid (allowed {min}-{max})");
    let value = |w: &str| -> Result<u32, String> {
        let n = match w.parse::<u32>() {
            Ok(n) => n,
            Err(_) => u32::from(names(w).ok_or_else(bad)?),
        };
        if (min..=max).contains(&n) {
            Ok(n)
        } else {
            Err(bad())
        }
    };
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0).ok_or_else(bad)?),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a)?, value(b)?)
        } else {
            let n = value(range)?;
            (n, if part.contains('/') { max } else { n })
        };
        if lo > hi {
            return Err(bad());
        }
        let mut n = lo;
        while n <= hi {
            bits |= 1 << n;
            n += step;
        }
    }
    Ok(bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::Paris};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test time")
            .with_timezone(&Utc)
    }

    fn local(at: DateTime<Utc>, tz: Tz) -> String {
        at.with_timezone(&tz)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    #[test]
    fn phrases_and_cron() {
        let c = Cadence::parse("weekdays 08:30").expect("phrase");
        assert_eq!(c.to_string(), "every weekday (Mon–Fri) at 08:30");
        // Friday 2026-11-27 09:00 UTC → Monday 08:30.
        let next = c.next_runs(utc("2026-11-27T09:00:00Z"), Tz::UTC, 2);
        assert_eq!(
            next,
            vec![utc("2026-11-30T08:30:00Z"), utc("2026-12-01T08:30:00Z")]
        );
        let m = Cadence::parse("Mondays 10:00").expect("phrase");
        assert_eq!(m.to_string(), "every Monday at 10:00");
        let first = Cadence::parse("1st of month 09:00").expect("phrase");
        assert_eq!(
            first.next_after(utc("2026-11-28T00:00:00Z"), Tz::UTC),
            Some(utc("2026-12-01T09:00:00Z"))
        );
        let cron = Cadence::parse("*/15 9-10 * * mon-fri").expect("cron");
        assert_eq!(
            cron.next_runs(utc("2026-11-27T10:50:00Z"), Tz::UTC, 2),
            vec![utc("2026-11-30T09:00:00Z"), utc("2026-11-30T09:15:00Z")]
        );
        // Day-of-month OR day-of-week, as Vixie cron.
        let or = Cadence::parse("0 9 1 * 0").expect("cron");
        assert_eq!(
            or.next_after(utc("2026-11-28T10:00:00Z"), Tz::UTC),
            Some(utc("2026-11-29T09:00:00Z"))
        );
        for bad in [
            "",
            "daily",
            "daily 25:00",
            "fortnightly 09:00",
            "31st of month 09:00",
            "61 * * * *",
            "* * * *",
            "5-1 * * * *",
        ] {
            assert!(Cadence::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn paris_spring_gap_runs_at_the_next_valid_instant() {
        // 2026-03-29: Paris skips 02:00–03:00.
        let c = Cadence::parse("daily 02:30").expect("phrase");
        let runs = c.next_runs(utc("2026-03-27T12:00:00Z"), Paris, 3);
        let shown: Vec<String> = runs.iter().map(|r| local(*r, Paris)).collect();
        assert_eq!(
            shown,
            [
                "2026-03-28 02:30 CET",
                "2026-03-29 03:00 CEST",
                "2026-03-30 02:30 CEST"
            ]
        );
    }

    #[test]
    fn paris_autumn_repeated_hour_runs_once() {
        // 2026-10-25: Paris repeats 02:00–03:00.
        let c = Cadence::parse("30 2 * * *").expect("cron");
        let runs = c.next_runs(utc("2026-10-24T12:00:00Z"), Paris, 2);
        assert_eq!(
            runs,
            vec![utc("2026-10-25T00:30:00Z"), utc("2026-10-26T01:30:00Z")]
        );
        // Every 30 minutes across the repeated hour: 02:00 and 02:30 once each.
        let half = Cadence::parse("*/30 * * * *").expect("cron");
        let runs = half.next_runs(utc("2026-10-24T23:15:00Z"), Paris, 4);
        let shown: Vec<String> = runs.iter().map(|r| local(*r, Paris)).collect();
        assert_eq!(
            shown,
            [
                "2026-10-25 01:30 CEST",
                "2026-10-25 02:00 CEST",
                "2026-10-25 02:30 CEST",
                "2026-10-25 03:00 CET"
            ]
        );
    }

    #[test]
    fn new_york_keeps_local_time_across_both_changes() {
        let c = Cadence::parse("daily 09:00").expect("phrase");
        // 2026-03-08 spring forward, 2026-11-01 fall back.
        assert_eq!(
            c.next_runs(utc("2026-03-07T15:00:00Z"), New_York, 2),
            vec![utc("2026-03-08T13:00:00Z"), utc("2026-03-09T13:00:00Z")]
        );
        assert_eq!(
            c.next_runs(utc("2026-10-31T14:00:00Z"), New_York, 2),
            vec![utc("2026-11-01T14:00:00Z"), utc("2026-11-02T14:00:00Z")]
        );
        let gap = Cadence::parse("daily 02:30").expect("phrase");
        assert_eq!(
            local(
                gap.next_after(utc("2026-03-08T05:00:00Z"), New_York)
                    .expect("a run"),
                New_York
            ),
            "2026-03-08 03:00 EDT"
        );
        let repeated = Cadence::parse("daily 01:30").expect("phrase");
        assert_eq!(
            repeated.next_runs(utc("2026-11-01T04:00:00Z"), New_York, 2),
            vec![utc("2026-11-01T05:30:00Z"), utc("2026-11-02T06:30:00Z")]
        );
    }
}
