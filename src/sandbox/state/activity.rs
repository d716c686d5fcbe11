//! Activity records: attendance sessions (sorted, binary-searchable logs per room or
//! volume) and waitlist events (Called, HelpDone, SupportEnd).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::sandbox::wire::{from_millis, iso_z};

/// One attendance session (times in milliseconds since the epoch).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Session {
    pub join: i64,
    pub leave: i64,
    pub user: Arc<str>,
    pub talk_minutes: f64,
}

/// A room's or volume's sessions, sorted by (join, user), with the longest duration so
/// a window query is a binary search plus the sessions that can overlap it.
#[derive(Clone, Debug, Default)]
pub(crate) struct SessionLog {
    sessions: Vec<Session>,
    longest: i64,
}

impl SessionLog {
    pub fn append(&mut self, new: Vec<Session>) {
        if new.is_empty() {
            return;
        }
        for s in &new {
            self.longest = self.longest.max(s.leave - s.join);
        }
        let was_sorted_tail = self
            .sessions
            .last()
            .zip(new.first())
            .is_none_or(|(last, first)| key(last) <= key(first))
            && new.is_sorted_by(|a, b| key(a) <= key(b));
        self.sessions.extend(new);
        if !was_sorted_tail {
            // Stable, and close to linear on an already sorted prefix.
            self.sessions.sort_by(|a, b| key(a).cmp(&key(b)));
        }
    }

    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// Sessions with `start <= leave AND stop >= join`, in (join, user) order.
    pub fn overlapping(&self, start: i64, stop: i64) -> impl Iterator<Item = &Session> {
        let hi = self.sessions.partition_point(|s| s.join <= stop);
        let earliest = start.saturating_sub(self.longest);
        let lo = self.sessions[..hi].partition_point(|s| s.join < earliest);
        self.sessions[lo..hi]
            .iter()
            .filter(move |s| s.leave >= start)
    }
}

fn key(s: &Session) -> (i64, &str) {
    (s.join, &s.user)
}

/// The three waitlist event kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitlistKind {
    Called,
    HelpDone,
    SupportEnd,
}

impl WaitlistKind {
    pub const ALL: [WaitlistKind; 3] = [
        WaitlistKind::Called,
        WaitlistKind::HelpDone,
        WaitlistKind::SupportEnd,
    ];

    /// The fields after `userId`, `room`, `time`, in the vendor's order, and whether each is numeric.
    pub fn fields(self) -> &'static [(&'static str, bool)] {
        match self {
            WaitlistKind::Called => &[
                ("supportUserId", false),
                ("secondsInLine", true),
                ("initialPlace", true),
            ],
            WaitlistKind::HelpDone => &[("supportUserId", false), ("secondsBeingHelped", true)],
            WaitlistKind::SupportEnd => &[
                ("numUsersHelped", true),
                ("secondsHelpingUsers", true),
                ("secondsSupportingList", true),
            ],
        }
    }

    /// The key in `POST /_sandbox/waitlist`.
    pub fn body_key(self) -> &'static str {
        match self {
            WaitlistKind::Called => "called",
            WaitlistKind::HelpDone => "helpDone",
            WaitlistKind::SupportEnd => "supportEnd",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

/// One waitlist event; `values` follow [`WaitlistKind::fields`] (numbers as canonical text).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WaitlistEvent {
    pub time: i64,
    pub user_id: String,
    pub room: String,
    pub values: Vec<String>,
}

impl WaitlistEvent {
    pub fn to_json(&self, kind: WaitlistKind) -> Value {
        let mut o = Map::new();
        o.insert("userId".into(), json!(self.user_id));
        o.insert("room".into(), json!(self.room));
        o.insert("time".into(), json!(iso_z(from_millis(self.time))));
        for ((name, _), value) in kind.fields().iter().zip(&self.values) {
            o.insert((*name).into(), json!(value));
        }
        Value::Object(o)
    }
}

/// Waitlist events per kind, each sorted by (time, userId).
#[derive(Clone, Debug, Default)]
pub(crate) struct Waitlist {
    logs: [Vec<WaitlistEvent>; 3],
}

impl Waitlist {
    pub fn append(&mut self, kind: WaitlistKind, events: Vec<WaitlistEvent>) {
        let log = &mut self.logs[kind.slot()];
        log.extend(events);
        log.sort_by(|a, b| (a.time, &a.user_id).cmp(&(b.time, &b.user_id)));
    }

    pub fn len(&self, kind: WaitlistKind) -> usize {
        self.logs[kind.slot()].len()
    }

    /// Events with `start <= time <= stop`, optionally in one room, in order.
    pub fn query<'a>(
        &'a self,
        kind: WaitlistKind,
        start: i64,
        stop: i64,
        room: Option<&'a str>,
    ) -> impl Iterator<Item = &'a WaitlistEvent> {
        let log = &self.logs[kind.slot()];
        let lo = log.partition_point(|e| e.time < start);
        let hi = log.partition_point(|e| e.time <= stop).max(lo);
        log[lo..hi]
            .iter()
            .filter(move |e| room.is_none_or(|r| e.room == r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(join: i64, leave: i64, user: &str) -> Session {
        Session {
            join,
            leave,
            user: user.into(),
            talk_minutes: 0.0,
        }
    }

    #[test]
    fn session_logs_stay_sorted_and_find_overlaps_inclusively() {
        let mut log = SessionLog::default();
        log.append(vec![s(50, 60, "b"), s(10, 100, "a"), s(50, 55, "a")]);
        log.append(vec![s(5, 6, "z")]);
        let all: Vec<_> = log
            .overlapping(i64::MIN, i64::MAX)
            .map(|s| (s.join, s.user.to_string()))
            .collect();
        assert_eq!(
            all,
            vec![
                (5, "z".into()),
                (10, "a".into()),
                (50, "a".into()),
                (50, "b".into())
            ]
        );
        let hits: Vec<_> = log
            .overlapping(60, 60)
            .map(|s| (s.join, s.user.to_string()))
            .collect();
        assert_eq!(hits, vec![(10, "a".into()), (50, "b".into())]);
        assert_eq!(log.overlapping(101, 200).count(), 0);
        assert_eq!(log.overlapping(100, 200).count(), 1);
    }
}
