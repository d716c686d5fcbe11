//! Seeding activity: 400 days of attendance (weekday and working-hours patterns,
//! Tuesday/Thursday Theater talks, a monthly town hall) and help-desk waitlist shifts.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::People;
use super::data::{HISTORY_DAYS, RATE_SCALE, Usage, VOLUMES};
use crate::sandbox::state::{Campus, Session, SessionLog, WaitlistEvent, WaitlistKind};

/// A join offset into the day (ms): mostly working hours, peaking early afternoon UTC.
fn join_offset(rng: &mut ChaCha8Rng) -> i64 {
    let hours = if rng.random_bool(0.85) {
        7.5 + 5.5 * (rng.random::<f64>() + rng.random::<f64>())
    } else {
        24.0 * rng.random::<f64>()
    };
    (hours * 3_600_000.0) as i64
}

/// A session length (ms): mostly short visits, some long working sessions.
fn duration(rng: &mut ChaCha8Rng) -> i64 {
    let minutes = match rng.random_range(0..100) {
        0..=39 => rng.random_range(1.0..30.0),
        40..=74 => rng.random_range(30.0..90.0),
        75..=92 => rng.random_range(90.0..240.0),
        _ => rng.random_range(240.0..600.0),
    };
    (minutes * 60_000.0) as i64
}

fn talk(rng: &mut ChaCha8Rng, length_ms: i64) -> f64 {
    if rng.random_bool(0.25) {
        return 0.0;
    }
    let minutes = length_ms as f64 / 60_000.0 * rng.random_range(0.01..0.35);
    (minutes * 100.0).round() / 100.0
}

fn session(rng: &mut ChaCha8Rng, people: &People, join: i64, length: i64) -> Session {
    // Some people attend much more often than others.
    let n = people.attendees.len();
    let index = ((rng.random::<f64>().powf(1.7)) * n as f64) as usize;
    let user = people.attendees[index.min(n.saturating_sub(1))].clone();
    Session {
        join,
        leave: join + length,
        user,
        talk_minutes: talk(rng, length),
    }
}

/// How many sessions a day gets: the rate with ±40% noise, rounded stochastically.
fn count(rng: &mut ChaCha8Rng, rate: f64) -> usize {
    let x = rate * rng.random_range(0.6..1.4);
    let whole = x.floor();
    (whole as usize) + usize::from(rng.random::<f64>() < x - whole)
}

pub(super) fn attendance(
    campus: &mut Campus,
    rng: &mut ChaCha8Rng,
    anchor: DateTime<Utc>,
    people: &People,
    rooms: &[(String, Usage)],
) {
    if people.attendees.is_empty() {
        return;
    }
    let end = anchor.timestamp_millis();
    let mut spaces: Vec<(String, Usage, Vec<Session>, bool)> = rooms
        .iter()
        .map(|(id, u)| (id.clone(), *u, Vec::new(), false))
        .chain(
            VOLUMES
                .iter()
                .map(|(id, u)| (id.to_string(), *u, Vec::new(), true)),
        )
        .collect();
    for day in (1..=HISTORY_DAYS).rev() {
        let day_start = anchor - Duration::days(day);
        let weekday = day_start.weekday();
        let weekend = matches!(weekday, Weekday::Sat | Weekday::Sun);
        let base = day_start.timestamp_millis();
        for (id, usage, sessions, _) in spaces.iter_mut() {
            let rate = if weekend {
                usage.weekend
            } else {
                usage.weekday
            };
            for _ in 0..count(rng, rate * RATE_SCALE) {
                let join = base + join_offset(rng) + rng.random_range(0..1000);
                let length = duration(rng) + rng.random_range(0..60_000);
                sessions.push(session(rng, people, join, length));
            }
            // Tuesday and Thursday talks in the Theater, a monthly town hall in the Auditorium.
            let event = match id.as_str() {
                "KJDfj5wOjA" if matches!(weekday, Weekday::Tue | Weekday::Thu) => {
                    Some((15, 30..60, 60))
                }
                _ if rooms.get(6).is_some_and(|(r, _)| r == id)
                    && weekday == Weekday::Wed
                    && day_start.day() <= 7 =>
                {
                    Some((16, 80..140, 75))
                }
                _ => None,
            };
            if let Some((hour, attendees, minutes)) = event {
                let starts = base + hour * 3_600_000;
                for _ in 0..rng.random_range(attendees) {
                    let join = starts + rng.random_range(-600_000..600_000);
                    let length = minutes * 60_000 + rng.random_range(-900_000..900_000);
                    sessions.push(session(rng, people, join, length));
                }
            }
        }
    }
    for (id, _, mut sessions, volume) in spaces {
        // Only sessions that ended by the anchor are reported.
        sessions.retain(|s| s.leave <= end);
        let mut log = SessionLog::default();
        log.append(sessions);
        if volume {
            campus.data.volumes.insert(id, log);
        } else {
            campus.data.room_sessions.insert(id, log);
        }
    }
}

pub(super) fn waitlist(
    campus: &mut Campus,
    rng: &mut ChaCha8Rng,
    anchor: DateTime<Utc>,
    people: &People,
) {
    if people.agents.is_empty() || people.attendees.is_empty() {
        return;
    }
    let end = anchor.timestamp_millis();
    let (mut called, mut done, mut shifts) = (Vec::new(), Vec::new(), Vec::new());
    for day in (1..=HISTORY_DAYS).rev() {
        let day_start = anchor - Duration::days(day);
        let weekend = matches!(day_start.weekday(), Weekday::Sat | Weekday::Sun);
        let base = day_start.timestamp_millis();
        let mut plan: Vec<(&str, i64, i64, std::ops::Range<usize>)> = Vec::new();
        if weekend {
            if rng.random_bool(0.5) {
                plan.push(("WorkRm100", 10, 14, 1..5));
            }
        } else {
            plan.push(("WorkRm100", 8, 12, 3..12));
            plan.push(("WorkRm100", 12, 17, 4..14));
            if rng.random_bool(0.8) {
                plan.push(("WorkRm101", 9, 17, 2..9));
            }
        }
        for (room, from, to, calls) in plan {
            let agent = people.agents[rng.random_range(0..people.agents.len())].clone();
            let shift_start = base + from * 3_600_000 + rng.random_range(0..300_000);
            let shift_end = base + to * 3_600_000 + rng.random_range(0..600_000);
            let mut times: Vec<i64> = (0..rng.random_range(calls))
                .map(|_| rng.random_range(shift_start..shift_end - 1_800_000))
                .collect();
            times.sort_unstable();
            let mut helping = 0i64;
            for (place, time) in times.iter().enumerate() {
                let user =
                    people.attendees[rng.random_range(0..people.attendees.len())].to_string();
                let help = rng.random_range(60..1500);
                helping += help;
                called.push(WaitlistEvent {
                    time: *time,
                    user_id: user.clone(),
                    room: room.into(),
                    values: vec![
                        agent.clone(),
                        rng.random_range(15..900).to_string(),
                        (1 + place % 6).to_string(),
                    ],
                });
                done.push(WaitlistEvent {
                    time: time + help * 1000 + rng.random_range(0..1000),
                    user_id: user,
                    room: room.into(),
                    values: vec![agent.clone(), help.to_string()],
                });
            }
            shifts.push(WaitlistEvent {
                time: shift_end,
                user_id: agent,
                room: room.into(),
                values: vec![
                    times.len().to_string(),
                    helping.to_string(),
                    ((shift_end - shift_start) / 1000).to_string(),
                ],
            });
        }
    }
    for (kind, mut events) in [
        (WaitlistKind::Called, called),
        (WaitlistKind::HelpDone, done),
        (WaitlistKind::SupportEnd, shifts),
    ] {
        events.retain(|e| e.time <= end);
        campus.data.waitlist.append(kind, events);
    }
}
