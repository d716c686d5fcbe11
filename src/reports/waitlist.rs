//! Help-desk waitlist analytics from Virbela's three event kinds over a range (and
//! optionally one SFS room), and the CSV of every event.
//!
//! How each figure is derived (the reference gives the events' fields, not their
//! arithmetic; these are the readings that need no guessing):
//!
//! - **Calls**: one per `Called` event (a user called from the line to an agent).
//! - **Time in line**: `Called.secondsInLine`, as Virbela measured it from the user
//!   joining the line to being called; mean, median and 90th percentile (nearest rank)
//!   over the calls that carry a number. It cannot be derived otherwise (joining the
//!   line is no event), so a call without it counts as a call only.
//! - **Time being helped**: `HelpDone.secondsBeingHelped` per closed ticket. When a
//!   ticket lacks it, it is derived as the time from the latest `Called` of the same
//!   user (by the same agent when both name one) at or before the `HelpDone`, when that
//!   call is in the range; otherwise the ticket counts as closed only.
//! - **Per agent** (agents are the `supportUserId` of calls and tickets and the
//!   `userId` of `SupportEnd`): a `SupportEnd` closes an agent's shift and carries the
//!   shift's totals, so an agent with shifts ending in the range is reported from them:
//!   users helped = Σ `numUsersHelped`, time helping = Σ `secondsHelpingUsers`, time on
//!   the list = Σ `secondsSupportingList`, and **utilisation** = time helping / time on
//!   the list. An agent whose shift has not ended in the range (or whose shift totals
//!   are missing a number) is reported from the tickets instead: users helped = the
//!   `HelpDone` events naming them, time helping = the Σ of those tickets' time being
//!   helped, time on the list and utilisation unknown. Each agent row says which.
//! - **Calls per day**: calls on each local day of the range in the report's time zone.
//!
//! Events outside the range, or from another SFS room than the one asked for (compared
//! without regard to ASCII case; an event without a room is kept), are left out and
//! counted as ignored.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::People;
use super::csv::CsvWriter;
use super::local::{DAY_MS, LocalClock, date_of_day, ms};
use super::stats::Summary;
use crate::virbela::domain::{DateRange, Lenient};
use crate::virbela::models::{Called, HelpDone, SupportEnd};

/// What the report covers.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitlistOptions {
    pub range: DateRange,
    /// The report's time zone: days are local to it.
    pub tz: Tz,
    /// Only this SFS room (`None`: every room).
    pub sfs_room: Option<String>,
}

/// The events of a waitlist report, as fetched.
#[derive(Debug, Clone, Copy)]
pub struct WaitlistEvents<'a> {
    pub called: &'a [Called],
    pub help_done: &'a [HelpDone],
    pub support_end: &'a [SupportEnd],
}

/// Where an agent's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentSource {
    /// The totals of their shifts that ended in the range (`SupportEnd`).
    Shifts,
    /// Their closed tickets (`HelpDone`): no shift ended in the range.
    Tickets,
}

/// One support agent's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentStats {
    pub agent_id: String,
    /// The directory's label (`None`: not in the directory).
    pub name: Option<String>,
    /// Calls that named this agent.
    pub calls: u32,
    /// Shifts that ended in the range.
    pub shifts: u32,
    pub users_helped: u64,
    pub seconds_helping: f64,
    pub seconds_on_list: Option<f64>,
    /// Time helping over time on the list (0–1, more if Virbela's totals disagree).
    pub utilisation: Option<f64>,
    pub source: AgentSource,
}

impl AgentStats {
    /// The name to show: the directory's, or `unknown user <id>`.
    pub fn shown_name(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => format!("unknown user {}", self.agent_id),
        }
    }
}

/// Calls on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCalls {
    pub date: NaiveDate,
    pub calls: u32,
}

/// The figures of a waitlist report. Times are in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitlistStats {
    pub options: WaitlistOptions,
    pub calls: usize,
    /// Time in line per call (seconds).
    pub wait: Summary,
    pub tickets_closed: usize,
    /// Time being helped per closed ticket (seconds).
    pub help: Summary,
    /// Tickets whose time being helped was derived from their call.
    pub help_derived: usize,
    pub shifts_ended: usize,
    /// Most users helped first (then most time helping, then id).
    pub agents: Vec<AgentStats>,
    /// Every local day of the range, in order.
    pub calls_per_day: Vec<DayCalls>,
    /// Events left out: outside the range or from another SFS room.
    pub ignored: usize,
}

fn number(v: &Option<Lenient<f64>>) -> Option<f64> {
    v.as_ref()
        .and_then(Lenient::value)
        .filter(|x| x.is_finite() && *x >= 0.0)
}

fn count(v: &Option<Lenient<u64>>) -> Option<u64> {
    v.as_ref().and_then(Lenient::value)
}

/// Whether an event belongs to the report.
struct Filter<'a> {
    start: DateTime<Utc>,
    stop: DateTime<Utc>,
    room: Option<&'a str>,
}

impl Filter<'_> {
    fn keeps(&self, time: DateTime<Utc>, room: Option<&str>) -> bool {
        let in_room = match (self.room, room) {
            (Some(wanted), Some(room)) => wanted.trim().eq_ignore_ascii_case(room.trim()),
            _ => true,
        };
        in_room && self.start <= time && time <= self.stop
    }
}

/// A call of one user: when, and by which agent.
type CallOf<'a> = (DateTime<Utc>, Option<&'a str>);

#[derive(Debug, Default)]
struct Agent {
    calls: u32,
    tickets: u64,
    ticket_seconds: f64,
    shifts: u32,
    helped: Option<u64>,
    helping: Option<f64>,
    on_list: Option<f64>,
    /// A shift lacked one of the totals.
    incomplete: bool,
}

/// The figures of a waitlist report (see the module doc).
pub fn waitlist(
    events: WaitlistEvents<'_>,
    people: &People<'_>,
    options: WaitlistOptions,
) -> WaitlistStats {
    let filter = Filter {
        start: options.range.start(),
        stop: options.range.stop(),
        room: options.sfs_room.as_deref(),
    };
    let mut ignored = 0usize;
    let called: Vec<&Called> = events
        .called
        .iter()
        .filter(|e| filter.keeps(e.time, e.room.as_deref()))
        .collect();
    let done: Vec<&HelpDone> = events
        .help_done
        .iter()
        .filter(|e| filter.keeps(e.time, e.room.as_deref()))
        .collect();
    let ends: Vec<&SupportEnd> = events
        .support_end
        .iter()
        .filter(|e| filter.keeps(e.time, e.room.as_deref()))
        .collect();
    ignored += events.called.len() - called.len();
    ignored += events.help_done.len() - done.len();
    ignored += events.support_end.len() - ends.len();

    let mut agents: BTreeMap<&str, Agent> = BTreeMap::new();

    // Calls: time in line, calls per agent and per day, and an index for derivations.
    let mut waits: Vec<f64> = Vec::with_capacity(called.len());
    let mut calls_of: HashMap<&str, Vec<CallOf<'_>>> = HashMap::new();
    let clock = LocalClock::new(
        options.tz,
        ms(filter.start) - DAY_MS,
        ms(filter.stop) + DAY_MS,
    );
    let first_day = clock.day(ms(filter.start));
    let days = (clock.day(ms(filter.stop)) - first_day + 1).max(1);
    let mut per_day = vec![0u32; usize::try_from(days).unwrap_or(1)];
    for c in &called {
        if let Some(w) = number(&c.seconds_in_line) {
            waits.push(w);
        }
        if let Some(agent) = c.support_user_id.as_deref() {
            agents.entry(agent).or_default().calls += 1;
        }
        calls_of
            .entry(c.user_id.as_str())
            .or_default()
            .push((c.time, c.support_user_id.as_deref()));
        if let Some(n) = usize::try_from(clock.day(ms(c.time)) - first_day)
            .ok()
            .and_then(|i| per_day.get_mut(i))
        {
            *n += 1;
        }
    }
    for list in calls_of.values_mut() {
        list.sort_by_key(|(t, _)| *t);
    }

    // Tickets: time being helped, given or derived from the call.
    let mut helps: Vec<f64> = Vec::with_capacity(done.len());
    let mut help_derived = 0usize;
    for d in &done {
        let agent = d.support_user_id.as_deref();
        let seconds = number(&d.seconds_being_helped).or_else(|| {
            let calls = calls_of.get(d.user_id.as_str())?;
            let (time, _) =
                calls
                    .iter()
                    .rev()
                    .filter(|(t, _)| *t <= d.time)
                    .find(|(_, by)| match (by, agent) {
                        (Some(by), Some(agent)) => by == &agent,
                        _ => true,
                    })?;
            help_derived += 1;
            Some((d.time - *time).num_milliseconds() as f64 / 1000.0)
        });
        if let Some(s) = seconds {
            helps.push(s);
        }
        if let Some(agent) = agent {
            let a = agents.entry(agent).or_default();
            a.tickets += 1;
            a.ticket_seconds += seconds.unwrap_or(0.0);
        }
    }

    // Shifts: the agents' own totals.
    for e in &ends {
        let a = agents.entry(e.user_id.as_str()).or_default();
        a.shifts += 1;
        let (helped, helping, on_list) = (
            count(&e.num_users_helped),
            number(&e.seconds_helping_users),
            number(&e.seconds_supporting_list),
        );
        a.incomplete |= helped.is_none() || helping.is_none() || on_list.is_none();
        a.helped = Some(a.helped.unwrap_or(0) + helped.unwrap_or(0));
        a.helping = Some(a.helping.unwrap_or(0.0) + helping.unwrap_or(0.0));
        a.on_list = Some(a.on_list.unwrap_or(0.0) + on_list.unwrap_or(0.0));
    }

    let mut agent_stats: Vec<AgentStats> = agents
        .into_iter()
        .map(|(id, a)| {
            let from_shifts = a.shifts > 0 && !a.incomplete;
            let (users_helped, seconds_helping, seconds_on_list) = if from_shifts {
                (a.helped.unwrap_or(0), a.helping.unwrap_or(0.0), a.on_list)
            } else {
                (a.tickets, a.ticket_seconds, None)
            };
            let utilisation = seconds_on_list
                .filter(|l| *l > 0.0)
                .map(|l| seconds_helping / l);
            AgentStats {
                agent_id: id.to_string(),
                name: people.get(id).map(|u| u.label()),
                calls: a.calls,
                shifts: a.shifts,
                users_helped,
                seconds_helping,
                seconds_on_list,
                utilisation,
                source: if from_shifts {
                    AgentSource::Shifts
                } else {
                    AgentSource::Tickets
                },
            }
        })
        .collect();
    agent_stats.sort_by(|a, b| {
        b.users_helped
            .cmp(&a.users_helped)
            .then_with(|| b.seconds_helping.total_cmp(&a.seconds_helping))
            .then_with(|| a.agent_id.cmp(&b.agent_id))
    });

    WaitlistStats {
        calls: called.len(),
        wait: Summary::of(&mut waits),
        tickets_closed: done.len(),
        help: Summary::of(&mut helps),
        help_derived,
        shifts_ended: ends.len(),
        agents: agent_stats,
        calls_per_day: per_day
            .into_iter()
            .enumerate()
            .map(|(i, calls)| DayCalls {
                date: date_of_day(first_day + i as i64),
                calls,
            })
            .collect(),
        ignored,
        options,
    }
}

/// The CSV of every event in the report, in time order: `event, time, user_id, user,
/// room, agent_id, agent, seconds_in_line, initial_place, seconds_being_helped,
/// users_helped, seconds_helping_users, seconds_supporting_list`. Times are in the
/// report's time zone; a `SupportEnd`'s user is the agent, so it fills the agent
/// columns; an id the directory does not know is named `(unknown user)`. Numbers are as
/// Virbela sent them (placeholder text kept, defused).
pub fn events_csv(
    events: WaitlistEvents<'_>,
    people: &People<'_>,
    options: &WaitlistOptions,
) -> Vec<u8> {
    let filter = Filter {
        start: options.range.start(),
        stop: options.range.stop(),
        room: options.sfs_room.as_deref(),
    };
    let text = |v: Option<String>| v.unwrap_or_default();
    let name = |id: Option<&str>| {
        id.map(|id| {
            people
                .get(id)
                .map_or_else(|| "(unknown user)".to_string(), |u| u.label())
        })
        .unwrap_or_default()
    };
    let mut rows: Vec<(DateTime<Utc>, [String; 13])> = Vec::new();
    for c in events
        .called
        .iter()
        .filter(|e| filter.keeps(e.time, e.room.as_deref()))
    {
        let agent = c.support_user_id.as_deref();
        rows.push((
            c.time,
            [
                "Called".into(),
                String::new(),
                c.user_id.clone(),
                name(Some(&c.user_id)),
                text(c.room.clone()),
                text(agent.map(str::to_string)),
                name(agent),
                text(c.seconds_in_line.as_ref().map(ToString::to_string)),
                text(c.initial_place.as_ref().map(ToString::to_string)),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        ));
    }
    for d in events
        .help_done
        .iter()
        .filter(|e| filter.keeps(e.time, e.room.as_deref()))
    {
        let agent = d.support_user_id.as_deref();
        rows.push((
            d.time,
            [
                "HelpDone".into(),
                String::new(),
                d.user_id.clone(),
                name(Some(&d.user_id)),
                text(d.room.clone()),
                text(agent.map(str::to_string)),
                name(agent),
                String::new(),
                String::new(),
                text(d.seconds_being_helped.as_ref().map(ToString::to_string)),
                String::new(),
                String::new(),
                String::new(),
            ],
        ));
    }
    for e in events
        .support_end
        .iter()
        .filter(|e| filter.keeps(e.time, e.room.as_deref()))
    {
        rows.push((
            e.time,
            [
                "SupportEnd".into(),
                String::new(),
                String::new(),
                String::new(),
                text(e.room.clone()),
                e.user_id.clone(),
                name(Some(&e.user_id)),
                String::new(),
                String::new(),
                String::new(),
                text(e.num_users_helped.as_ref().map(ToString::to_string)),
                text(e.seconds_helping_users.as_ref().map(ToString::to_string)),
                text(e.seconds_supporting_list.as_ref().map(ToString::to_string)),
            ],
        ));
    }
    rows.sort_by_key(|(t, _)| *t);
    let mut csv = CsvWriter::with_header([
        "event",
        "time",
        "user_id",
        "user",
        "room",
        "agent_id",
        "agent",
        "seconds_in_line",
        "initial_place",
        "seconds_being_helped",
        "users_helped",
        "seconds_helping_users",
        "seconds_supporting_list",
    ]);
    for (time, mut row) in rows {
        row[1] = time
            .with_timezone(&options.tz)
            .to_rfc3339_opts(SecondsFormat::Secs, false);
        csv.row(row);
    }
    csv.into_bytes()
}

#[cfg(test)]
mod tests;
