//! Attendance analytics: from the sessions of a room or private volume over a range,
//! the figures of the attendance report and the CSV of every session.
//!
//! What each figure means:
//!
//! - **Sessions** are the sessions Virbela returned for the range (it returns every
//!   session that overlaps it, inclusive at both ends); a session that does not overlap
//!   the range at all, or leaves before it joins, is left out and counted as ignored.
//! - **Minutes** of a session are Virbela's `attendanceMinutes` (a string or a number;
//!   the wall time from join to leave when it is missing or not a number); **talk
//!   minutes** are `talkMinutes` (zero when missing). Average and median are per session;
//!   the share of talk is talk minutes over attendance minutes.
//! - **Clipping** (an option, off by default). Off: sessions count whole, as Virbela
//!   returns them, even the parts before or after the range. On: a session that
//!   straddles an end of the range counts only for its part inside the range: its
//!   minutes and talk minutes are scaled by the share of its wall time inside the range
//!   (talk is not located in time, so it is assumed spread evenly). Either way a session
//!   counts once in *sessions* and its attendee in *unique attendees*, and the reply says
//!   how many sessions straddle the range.
//! - **The timeline** — peak concurrent attendees, attendees per day, busiest day and
//!   busiest hour — always describes the range itself: only the parts of sessions inside
//!   it are used, whatever the clipping option (a straddling session's hours before the
//!   range are not the range's). The range's last millisecond belongs to it (ranges of
//!   whole days end one millisecond before midnight), so a full day is 1,440 minutes.
//! - **Peak concurrent attendees**: the most distinct attendees present at once (a user
//!   in two overlapping sessions counts once), found by a sweep over the join and leave
//!   instants sorted in time (O(n log n)); presence is half-open, `[join, leave)`, so one
//!   person leaving as another joins are not together. Reported with the instant the
//!   peak was first reached and when it first dropped again.
//! - **Attendees per day**: distinct attendees present on each local day of the range in
//!   the report's time zone (a session over midnight counts on both days; DST days are
//!   23 or 25 hours long). The **busiest day** has the most (the earliest on a tie).
//! - **Busiest hour**: the local hour of the day (00–23) with the most attendee-minutes
//!   over the whole range (an hour repeated when clocks go back counts in the same hour).
//! - **Attendees** are ranked by their minutes (then by id); names and e-mails come from
//!   the user directory, and an id the directory does not know is kept, shown as unknown.
//!
//! The aggregation streams: [`AttendanceBuilder::push`] takes one session at a time and
//! keeps only compact numbers (two sweep events, one day mark per day touched and the
//! minutes of each session, for the median), so a million sessions aggregate in well
//! under a second and a few tens of megabytes (see `benches/report_aggregate.rs`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::People;
use super::csv::CsvWriter;
use super::local::{DAY_MS, HOUR_MS, LocalClock, MINUTE_MS, date_of_day, instant, ms};
use super::stats;
use crate::virbela::domain::DateRange;
use crate::virbela::models::Session;

/// What the report covers and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttendanceOptions {
    pub range: DateRange,
    /// The report's time zone: days and hours are local to it.
    pub tz: Tz,
    /// Count only the parts of sessions inside the range.
    pub clip: bool,
}

/// The most attendees present at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peak {
    pub attendees: u32,
    /// When the peak was first reached.
    pub from: DateTime<Utc>,
    /// When the count first dropped below the peak afterwards.
    pub until: DateTime<Utc>,
}

/// Distinct attendees on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    pub date: NaiveDate,
    pub attendees: u32,
}

/// One attendee's totals, joined with the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendeeTotals {
    pub user_id: String,
    /// The directory's label for the user (`None`: not in the directory).
    pub name: Option<String>,
    pub email: Option<String>,
    pub sessions: u32,
    pub minutes: f64,
    pub talk_minutes: f64,
}

impl AttendeeTotals {
    /// The name to show: the directory's, or `unknown user <id>`.
    pub fn shown_name(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("unknown user {}", self.user_id),
        }
    }
}

/// The figures of an attendance report.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceStats {
    pub options: AttendanceOptions,
    /// Sessions counted.
    pub sessions: usize,
    /// Counted sessions that start before the range or end after it.
    pub straddling: usize,
    /// Sessions left out: outside the range, or leaving before they join.
    pub ignored: usize,
    pub unique_attendees: usize,
    pub total_minutes: f64,
    pub average_minutes: Option<f64>,
    pub median_minutes: Option<f64>,
    pub talk_minutes: f64,
    /// Talk minutes over attendance minutes (0–1).
    pub talk_share: Option<f64>,
    pub peak: Option<Peak>,
    /// Every local day of the range, in order, days without anyone included.
    pub per_day: Vec<DayCount>,
    pub busiest_day: Option<DayCount>,
    /// Attendee-minutes inside the range per local hour of the day.
    pub minutes_by_hour: [f64; 24],
    /// The local hour (0–23) with the most attendee-minutes.
    pub busiest_hour: Option<u32>,
    /// Every attendee, most minutes first (then by id).
    pub attendees: Vec<AttendeeTotals>,
}

impl AttendanceStats {
    /// The busiest hour's share of all attendee-minutes inside the range (0–1).
    pub fn busiest_hour_share(&self) -> Option<f64> {
        let total: f64 = self.minutes_by_hour.iter().sum();
        let hour = self.busiest_hour? as usize;
        (total > 0.0).then(|| self.minutes_by_hour[hour] / total)
    }
}

/// Per-attendee running totals.
#[derive(Debug, Clone, Default)]
struct Totals {
    sessions: u32,
    minutes: f64,
    talk: f64,
}

/// What one session counts for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counted {
    pub minutes: f64,
    pub talk_minutes: f64,
    /// The session starts before the range or ends after it.
    pub straddles: bool,
}

/// The session's figures under `options`, or `None` when it is left out.
pub fn counted(session: &Session, options: &AttendanceOptions) -> Option<Counted> {
    let bounds = Bounds::of(options);
    bounds.count(session, options.clip).map(|(c, _, _)| c)
}

/// The range in milliseconds, its end made exclusive.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    start: i64,
    stop: i64,
    end: i64,
}

impl Bounds {
    fn of(options: &AttendanceOptions) -> Bounds {
        let start = ms(options.range.start());
        let stop = ms(options.range.stop());
        Bounds {
            start,
            stop,
            end: stop.saturating_add(1),
        }
    }

    /// The session's figures and its part inside the range `[from, to)`.
    fn count(&self, s: &Session, clip: bool) -> Option<(Counted, i64, i64)> {
        let (join, leave) = (ms(s.join_time), ms(s.leave_time));
        if leave < join || join > self.stop || leave < self.start {
            return None;
        }
        let wall = leave - join;
        let from = join.max(self.start);
        let to = leave.min(self.end).max(from);
        let reported = s
            .attendance_minutes
            .value()
            .filter(|m| m.is_finite() && *m >= 0.0)
            .unwrap_or(wall as f64 / MINUTE_MS as f64);
        let talk = s
            .talk_minutes
            .value()
            .filter(|m| m.is_finite() && *m >= 0.0)
            .unwrap_or(0.0);
        let share = if clip && wall > 0 {
            (to - from) as f64 / wall as f64
        } else {
            1.0
        };
        Some((
            Counted {
                minutes: reported * share,
                talk_minutes: talk * share,
                straddles: join < self.start || leave > self.end,
            },
            from,
            to,
        ))
    }
}

/// Aggregates sessions one at a time; [`finish`](Self::finish) answers the figures.
#[derive(Debug)]
pub struct AttendanceBuilder {
    options: AttendanceOptions,
    bounds: Bounds,
    clock: LocalClock,
    first_day: i64,
    days: usize,
    index: HashMap<String, u32>,
    ids: Vec<String>,
    totals: Vec<Totals>,
    last: Option<u32>,
    session_minutes: Vec<f64>,
    /// Sweep events, packed (see [`Packing`]).
    packing: Packing,
    joins: Vec<u64>,
    leaves: Vec<u64>,
    /// `(day index << 32) | user`, one per day a session touches.
    day_marks: Vec<u64>,
    minutes_by_hour: [f64; 24],
    sessions: usize,
    straddling: usize,
    ignored: usize,
    total_minutes: f64,
    talk_minutes: f64,
}

impl AttendanceBuilder {
    /// A builder expecting about `capacity` sessions.
    pub fn new(options: AttendanceOptions, capacity: usize) -> AttendanceBuilder {
        let bounds = Bounds::of(&options);
        let clock = LocalClock::new(options.tz, bounds.start - DAY_MS, bounds.end + DAY_MS);
        let first_day = clock.day(bounds.start);
        let last_day = clock.day(bounds.stop).max(first_day);
        AttendanceBuilder {
            options,
            bounds,
            clock,
            first_day,
            days: usize::try_from(last_day - first_day + 1).unwrap_or(1),
            index: HashMap::new(),
            ids: Vec::new(),
            totals: Vec::new(),
            last: None,
            session_minutes: Vec::with_capacity(capacity),
            packing: Packing::new(bounds.end - bounds.start),
            joins: Vec::with_capacity(capacity),
            leaves: Vec::with_capacity(capacity),
            day_marks: Vec::with_capacity(capacity + capacity / 8),
            minutes_by_hour: [0.0; 24],
            sessions: 0,
            straddling: 0,
            ignored: 0,
            total_minutes: 0.0,
            talk_minutes: 0.0,
        }
    }

    fn user(&mut self, id: &str) -> u32 {
        if let Some(last) = self.last
            && self.ids[last as usize] == id
        {
            return last;
        }
        let u = match self.index.get(id) {
            Some(u) => *u,
            None => {
                let u = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                self.index.insert(id.to_string(), u);
                self.ids.push(id.to_string());
                self.totals.push(Totals::default());
                u
            }
        };
        self.last = Some(u);
        u
    }

    /// Counts one session.
    pub fn push(&mut self, session: &Session) {
        let Some((c, from, to)) = self.bounds.count(session, self.options.clip) else {
            self.ignored += 1;
            return;
        };
        let u = self.user(session.user_id.as_str());
        let t = &mut self.totals[u as usize];
        t.sessions += 1;
        t.minutes += c.minutes;
        t.talk += c.talk_minutes;
        self.sessions += 1;
        self.straddling += usize::from(c.straddles);
        self.total_minutes += c.minutes;
        self.talk_minutes += c.talk_minutes;
        self.session_minutes.push(c.minutes);

        if to > from {
            self.joins
                .push(self.packing.pack(from - self.bounds.start, u));
            self.leaves
                .push(self.packing.pack(to - self.bounds.start, u));
            self.spread_over_hours(from, to);
            let first = self.clock.day(from);
            let last = self.clock.day(to - 1).max(first);
            for day in first..=last {
                self.mark_day(day, u);
            }
        } else if ms(session.join_time) == ms(session.leave_time) {
            // A session of no length inside the range: there that day, never concurrent.
            let day = self.clock.day(from);
            self.mark_day(day, u);
        }
    }

    fn mark_day(&mut self, day: i64, user: u32) {
        if let Ok(index) = u64::try_from(day - self.first_day)
            && (index as usize) < self.days
        {
            self.day_marks.push((index << 32) | u64::from(user));
        }
    }

    /// Adds the attendee-minutes of `[from, to)` to the local hours they fall in.
    fn spread_over_hours(&mut self, from: i64, to: i64) {
        let mut t = from;
        while t < to {
            let offset = self.clock.offset_ms(t);
            let local = t + offset;
            let hour = local.rem_euclid(DAY_MS) / HOUR_MS;
            // The next local hour boundary; offsets change only on one (LocalClock).
            let next = ((local.div_euclid(HOUR_MS) + 1) * HOUR_MS - offset).min(to);
            let next = next.max(t + 1);
            self.minutes_by_hour[hour as usize] += (next - t) as f64 / MINUTE_MS as f64;
            t = next;
        }
    }

    /// The figures, names and e-mails joined from `people`.
    pub fn finish(mut self, people: &People<'_>) -> AttendanceStats {
        let peak = sweep(
            &mut self.joins,
            &mut self.leaves,
            self.packing,
            self.ids.len(),
        )
        .map(|(attendees, from, until)| Peak {
            attendees,
            from: instant(self.bounds.start + from),
            until: instant(self.bounds.start + until),
        });
        let per_day = self.per_day();
        let busiest_day = per_day
            .iter()
            .copied()
            .filter(|d| d.attendees > 0)
            .reduce(|best, d| {
                if d.attendees > best.attendees {
                    d
                } else {
                    best
                }
            });
        let busiest_hour = (0..24u32)
            .filter(|h| self.minutes_by_hour[*h as usize] > 0.0)
            .reduce(|best, h| {
                if self.minutes_by_hour[h as usize] > self.minutes_by_hour[best as usize] {
                    h
                } else {
                    best
                }
            });
        let mut attendees: Vec<AttendeeTotals> = self
            .ids
            .into_iter()
            .zip(self.totals)
            .map(|(user_id, t)| {
                let user = people.get(&user_id);
                AttendeeTotals {
                    name: user.map(|u| u.label()),
                    email: user.and_then(|u| u.email.clone()),
                    user_id,
                    sessions: t.sessions,
                    minutes: t.minutes,
                    talk_minutes: t.talk,
                }
            })
            .collect();
        attendees.sort_by(|a, b| {
            b.minutes
                .total_cmp(&a.minutes)
                .then_with(|| a.user_id.cmp(&b.user_id))
        });
        let sessions = self.sessions;
        AttendanceStats {
            options: self.options,
            sessions,
            straddling: self.straddling,
            ignored: self.ignored,
            unique_attendees: attendees.len(),
            total_minutes: self.total_minutes,
            average_minutes: (sessions > 0).then(|| self.total_minutes / sessions as f64),
            median_minutes: stats::median(&mut self.session_minutes),
            talk_minutes: self.talk_minutes,
            talk_share: (self.total_minutes > 0.0).then(|| self.talk_minutes / self.total_minutes),
            peak,
            per_day,
            busiest_day,
            minutes_by_hour: self.minutes_by_hour,
            busiest_hour,
            attendees,
        }
    }

    fn per_day(&mut self) -> Vec<DayCount> {
        self.day_marks.sort_unstable();
        self.day_marks.dedup();
        let mut counts = vec![0u32; self.days];
        for mark in &self.day_marks {
            if let Some(c) = counts.get_mut((mark >> 32) as usize) {
                *c += 1;
            }
        }
        counts
            .into_iter()
            .enumerate()
            .map(|(i, attendees)| DayCount {
                date: date_of_day(self.first_day + i as i64),
                attendees,
            })
            .collect()
    }
}

/// A sweep event in one `u64`: its time since the range's start above, the attendee's
/// index below, so sorting the numbers sorts by time (a quarter of the memory of
/// `(i64, u32)` pairs, and faster to sort). The time takes the bits the range needs, at
/// most 40 (ranges up to 34.8 years keep whole milliseconds; longer ones are coarsened to
/// 2, 4… ms); the index takes the rest, at least 24 bits (2^29 attendees for a year):
/// attendees beyond that share the last index in the sweep, far beyond any campus.
#[derive(Debug, Clone, Copy)]
struct Packing {
    /// Milliseconds dropped from the time (`t >> coarse`).
    coarse: u32,
    user_bits: u32,
}

impl Packing {
    fn new(span_ms: i64) -> Packing {
        let span = u64::try_from(span_ms).unwrap_or(0);
        let mut coarse = 0;
        while (span >> coarse) >= 1 << 40 {
            coarse += 1;
        }
        let time_bits = 64 - (span >> coarse).leading_zeros();
        Packing {
            coarse,
            user_bits: 64 - time_bits.max(1),
        }
    }

    fn pack(&self, since_start_ms: i64, user: u32) -> u64 {
        let t = u64::try_from(since_start_ms).unwrap_or(0) >> self.coarse;
        let mask = (1u64 << self.user_bits) - 1;
        (t << self.user_bits) | u64::from(user).min(mask)
    }

    fn time(&self, event: u64) -> i64 {
        i64::try_from((event >> self.user_bits) << self.coarse).unwrap_or(i64::MAX)
    }

    fn user(&self, event: u64) -> usize {
        (event & ((1u64 << self.user_bits) - 1)) as usize
    }
}

/// The peak of distinct attendees present at once over `[join, leave)` intervals:
/// `(attendees, from, until)`, times in milliseconds since the range's start.
fn sweep(
    joins: &mut [u64],
    leaves: &mut [u64],
    packing: Packing,
    users: usize,
) -> Option<(u32, i64, i64)> {
    joins.sort_unstable();
    leaves.sort_unstable();
    let mut active = vec![0u32; users];
    let (mut i, mut j) = (0, 0);
    let mut present = 0u32;
    let mut best: Option<(u32, i64, Option<i64>)> = None;
    let time = |e: &u64| packing.time(*e);
    while i < joins.len() || j < leaves.len() {
        let t = match (joins.get(i).map(time), leaves.get(j).map(time)) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
        while let Some(e) = leaves.get(j).filter(|e| time(e) == t) {
            if let Some(n) = active.get_mut(packing.user(*e)) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    present = present.saturating_sub(1);
                }
            }
            j += 1;
        }
        while let Some(e) = joins.get(i).filter(|e| time(e) == t) {
            if let Some(n) = active.get_mut(packing.user(*e)) {
                if *n == 0 {
                    present += 1;
                }
                *n += 1;
            }
            i += 1;
        }
        match &mut best {
            Some((peak, _, _)) if present <= *peak => {}
            _ => best = Some((present, t, None)),
        }
        if let Some((peak, _, until @ None)) = &mut best
            && present < *peak
        {
            *until = Some(t);
        }
    }
    best.filter(|(peak, _, _)| *peak > 0)
        .map(|(attendees, from, until)| (attendees, from, until.unwrap_or(from)))
}

/// The figures of `sessions` (see the module doc).
pub fn attendance(
    sessions: &[Session],
    people: &People<'_>,
    options: AttendanceOptions,
) -> AttendanceStats {
    let mut builder = AttendanceBuilder::new(options, sessions.len());
    for s in sessions {
        builder.push(s);
    }
    builder.finish(people)
}

/// The CSV of every counted session: `user_id, name, email, join, leave, minutes,
/// talk_minutes, outside_range`. Join and leave are as Virbela reported them, in the
/// report's time zone (RFC 3339 with the offset); minutes and talk minutes are what the
/// session counted for (clipped to the range when the report clips); `outside_range` is
/// `yes` for a session that starts before the range or ends after it. An id the
/// directory does not know has `(unknown user)` as its name.
pub fn sessions_csv(
    sessions: &[Session],
    people: &People<'_>,
    options: &AttendanceOptions,
) -> Vec<u8> {
    let mut csv = CsvWriter::with_header([
        "user_id",
        "name",
        "email",
        "join",
        "leave",
        "minutes",
        "talk_minutes",
        "outside_range",
    ]);
    csv.reserve(sessions.len() * 112);
    let bounds = Bounds::of(options);
    let time = |t: DateTime<Utc>| {
        t.with_timezone(&options.tz)
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    };
    for s in sessions {
        let Some((c, _, _)) = bounds.count(s, options.clip) else {
            continue;
        };
        let user = people.get(s.user_id.as_str());
        csv.row([
            s.user_id.as_str(),
            &user.map_or_else(|| "(unknown user)".to_string(), |u| u.label()),
            user.and_then(|u| u.email.as_deref()).unwrap_or(""),
            &time(s.join_time),
            &time(s.leave_time),
            &format!("{:.2}", c.minutes),
            &format!("{:.2}", c.talk_minutes),
            if c.straddles { "yes" } else { "no" },
        ]);
    }
    csv.into_bytes()
}

#[cfg(test)]
mod tests;
