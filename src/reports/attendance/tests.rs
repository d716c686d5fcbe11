//! Hand-made sessions with answers worked out by hand.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::json;

use super::*;
use crate::reports::local::DAY_MS;
use crate::virbela::domain::Lenient;
use crate::virbela::models::User;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .expect("instant")
}

fn range(start: &str, stop: &str) -> DateRange {
    DateRange::new(at(start), at(stop)).expect("range")
}

fn tz(name: &str) -> Tz {
    name.parse().expect("zone")
}

/// A session whose attendance minutes are its wall time.
fn s(user: &str, join: &str, leave: &str, talk: f64) -> Session {
    let (join, leave) = (at(join), at(leave));
    Session {
        user_id: user.parse().expect("user id"),
        join_time: join,
        leave_time: leave,
        talk_minutes: Lenient::Value(talk),
        attendance_minutes: Lenient::Value((leave - join).num_seconds() as f64 / 60.0),
    }
}

fn users() -> Vec<User> {
    serde_json::from_value(json!([
        {"objectId": "ana", "email": "ana.lopez@test.com", "displayname": "Ana Lopez"},
        {"objectId": "bo", "email": "bo@test.com", "firstname": "Bo", "lastname": "Berg"},
        {"objectId": "eve", "email": "eve@test.com", "displayname": "=HYPERLINK(\"http://x\")"},
    ]))
    .expect("users")
}

fn options(range: DateRange, zone: &str, clip: bool) -> AttendanceOptions {
    AttendanceOptions {
        range,
        tz: tz(zone),
        clip,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

#[test]
fn totals_ranking_names_and_unknown_ids() {
    let dir = users();
    let people = People::new(&dir);
    let sessions = vec![
        s("ana", "2026-11-16T09:00:00Z", "2026-11-16T10:00:00Z", 6.0),
        s("bo", "2026-11-16T09:30:00Z", "2026-11-16T10:30:00Z", 12.0),
        s("ghost", "2026-11-16T09:45:00Z", "2026-11-16T09:50:00Z", 0.0),
        s("ana", "2026-11-16T13:00:00Z", "2026-11-16T13:30:00Z", 0.0),
    ];
    let r = range("2026-11-16T00:00:00Z", "2026-11-16T23:59:59.999Z");
    let st = attendance(&sessions, &people, options(r, "UTC", false));
    assert_eq!(st.sessions, 4);
    assert_eq!(st.unique_attendees, 3);
    assert_eq!((st.straddling, st.ignored), (0, 0));
    assert!(close(st.total_minutes, 155.0));
    assert_eq!(st.average_minutes, Some(38.75));
    // 5, 30, 60, 60
    assert_eq!(st.median_minutes, Some(45.0));
    assert!(close(st.talk_minutes, 18.0));
    assert!(close(st.talk_share.expect("share"), 18.0 / 155.0));
    assert_eq!(
        st.peak,
        Some(Peak {
            attendees: 3,
            from: at("2026-11-16T09:45:00Z"),
            until: at("2026-11-16T09:50:00Z"),
        })
    );
    assert_eq!(
        st.per_day,
        vec![DayCount {
            date: day(2026, 11, 16),
            attendees: 3
        }]
    );
    assert_eq!(st.busiest_day.map(|d| d.attendees), Some(3));
    // 09:00–10:00 holds 60 + 30 + 5 minutes.
    assert_eq!(st.busiest_hour, Some(9));
    assert!(close(st.minutes_by_hour[9], 95.0));
    assert!(close(st.minutes_by_hour[10], 30.0));
    assert!(close(st.minutes_by_hour[13], 30.0));
    assert!(close(st.busiest_hour_share().expect("share"), 95.0 / 155.0));

    let order: Vec<(&str, u32, f64)> = st
        .attendees
        .iter()
        .map(|a| (a.user_id.as_str(), a.sessions, a.minutes))
        .collect();
    assert_eq!(
        order,
        vec![("ana", 2, 90.0), ("bo", 1, 60.0), ("ghost", 1, 5.0)]
    );
    assert_eq!(st.attendees[0].name.as_deref(), Some("Ana Lopez"));
    assert_eq!(st.attendees[0].email.as_deref(), Some("ana.lopez@test.com"));
    assert_eq!(st.attendees[1].shown_name(), "Bo Berg");
    // Unknown ids are kept and shown as such.
    assert_eq!(st.attendees[2].name, None);
    assert_eq!(st.attendees[2].shown_name(), "unknown user ghost");
}

#[test]
fn the_peak_over_midnight_and_days_on_both_sides() {
    let sessions = vec![
        s("d", "2026-11-16T22:00:00Z", "2026-11-16T23:10:00Z", 0.0),
        s("a", "2026-11-16T23:00:00Z", "2026-11-17T01:00:00Z", 0.0),
        s("b", "2026-11-16T23:30:00Z", "2026-11-17T00:30:00Z", 0.0),
        s("c", "2026-11-17T00:15:00Z", "2026-11-17T02:00:00Z", 0.0),
    ];
    let r = range("2026-11-16T00:00:00Z", "2026-11-17T23:59:59.999Z");
    let st = attendance(&sessions, &People::none(), options(r, "UTC", false));
    assert_eq!(
        st.peak,
        Some(Peak {
            attendees: 3,
            from: at("2026-11-17T00:15:00Z"),
            until: at("2026-11-17T00:30:00Z"),
        })
    );
    // Sessions over midnight count on both days.
    assert_eq!(
        st.per_day.iter().map(|d| d.attendees).collect::<Vec<_>>(),
        vec![3, 3]
    );
    // On a tie the earlier day is the busiest.
    assert_eq!(st.busiest_day.map(|d| d.date), Some(day(2026, 11, 16)));
    assert!(close(st.minutes_by_hour[23], 60.0 + 30.0 + 10.0));
    assert!(close(st.minutes_by_hour[0], 60.0 + 30.0 + 45.0));

    // The same sessions seen from Tokyo (UTC+9): all on the 17th, which is the busiest.
    let r = range("2026-11-15T15:00:00Z", "2026-11-17T14:59:59.999Z");
    let st = attendance(&sessions, &People::none(), options(r, "Asia/Tokyo", false));
    let days: Vec<(NaiveDate, u32)> = st.per_day.iter().map(|d| (d.date, d.attendees)).collect();
    assert_eq!(days, vec![(day(2026, 11, 16), 0), (day(2026, 11, 17), 4)]);
    assert_eq!(st.busiest_hour, Some(9), "00:00 UTC is 09:00 in Tokyo");
}

#[test]
fn a_person_in_two_overlapping_sessions_counts_once_at_the_peak() {
    let sessions = vec![
        s("a", "2026-11-16T09:00:00Z", "2026-11-16T11:00:00Z", 0.0),
        s("a", "2026-11-16T10:00:00Z", "2026-11-16T10:30:00Z", 0.0),
        s("b", "2026-11-16T10:15:00Z", "2026-11-16T10:20:00Z", 0.0),
        // Leaves as `c` joins: not together (presence is half-open).
        s("b", "2026-11-16T10:40:00Z", "2026-11-16T10:50:00Z", 0.0),
        s("c", "2026-11-16T10:50:00Z", "2026-11-16T10:55:00Z", 0.0),
    ];
    let r = range("2026-11-16T00:00:00Z", "2026-11-16T23:59:59.999Z");
    let st = attendance(&sessions, &People::none(), options(r, "UTC", false));
    assert_eq!(
        st.peak,
        Some(Peak {
            attendees: 2,
            from: at("2026-11-16T10:15:00Z"),
            until: at("2026-11-16T10:20:00Z"),
        })
    );
    assert_eq!(st.unique_attendees, 3);
    assert_eq!(st.sessions, 5);
}

#[test]
fn a_spring_forward_day_in_paris_has_23_hours() {
    // 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    let r = range("2026-03-28T23:00:00Z", "2026-03-29T21:59:59.999Z");
    let sessions = vec![
        // 00:30 → 03:30 local: two hours of wall time.
        s("a", "2026-03-28T23:30:00Z", "2026-03-29T01:30:00Z", 0.0),
        // The whole local day, and more on both sides.
        s("b", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z", 0.0),
    ];
    let st = attendance(&sessions, &People::none(), options(r, "Europe/Paris", true));
    assert_eq!(st.per_day.len(), 1);
    assert_eq!(st.per_day[0].date, day(2026, 3, 29));
    assert_eq!(st.per_day[0].attendees, 2);
    // Clipped: the day is 23 hours long.
    let b = st.attendees.iter().find(|a| a.user_id == "b").expect("b");
    assert!(close(b.minutes, 23.0 * 60.0), "{}", b.minutes);
    assert_eq!(st.straddling, 1);
    let hours = st.minutes_by_hour;
    assert!(close(hours[0], 30.0 + 60.0));
    assert!(close(hours[1], 60.0 + 60.0));
    assert!(close(hours[2], 0.0), "02:00–03:00 does not exist that day");
    assert!(close(hours[3], 30.0 + 60.0));
    assert!(close(hours.iter().sum::<f64>(), 120.0 + 23.0 * 60.0));
}

#[test]
fn a_fall_back_day_in_new_york_has_25_hours() {
    // 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00 UTC).
    let r = range("2026-11-01T04:00:00Z", "2026-11-02T04:59:59.999Z");
    let sessions = vec![
        // 00:30 EDT → 01:30 EST: two hours, one and a half of them in "01:00–02:00".
        s("a", "2026-11-01T04:30:00Z", "2026-11-01T06:30:00Z", 0.0),
        s("b", "2026-10-31T12:00:00Z", "2026-11-03T12:00:00Z", 0.0),
    ];
    let st = attendance(
        &sessions,
        &People::none(),
        options(r, "America/New_York", true),
    );
    assert_eq!(
        st.per_day,
        vec![DayCount {
            date: day(2026, 11, 1),
            attendees: 2
        }]
    );
    let b = st.attendees.iter().find(|a| a.user_id == "b").expect("b");
    assert!(close(b.minutes, 25.0 * 60.0), "{}", b.minutes);
    let hours = st.minutes_by_hour;
    assert!(close(hours[0], 30.0 + 60.0));
    assert!(close(hours[1], 90.0 + 120.0), "01:00–02:00 happens twice");
    assert_eq!(st.busiest_hour, Some(1));
    assert!(close(hours.iter().sum::<f64>(), 120.0 + 25.0 * 60.0));
    // The peak: both there from 00:30 EDT until 01:30 EST.
    let peak = st.peak.expect("peak");
    assert_eq!(peak.attendees, 2);
    assert_eq!(peak.from, at("2026-11-01T04:30:00Z"));
    assert_eq!(peak.until, at("2026-11-01T06:30:00Z"));
}

fn straddling_sessions() -> Vec<Session> {
    vec![
        // Half inside: 10:00–11:00 of 09:00–11:00.
        s("a", "2026-11-16T09:00:00Z", "2026-11-16T11:00:00Z", 12.0),
        // Wholly inside.
        s("b", "2026-11-16T10:30:00Z", "2026-11-16T11:30:00Z", 6.0),
        // A quarter inside: 11:30–12:00 of 11:30–13:30.
        s("c", "2026-11-16T11:30:00Z", "2026-11-16T13:30:00Z", 20.0),
        // Outside: left out.
        s("d", "2026-11-16T08:00:00Z", "2026-11-16T09:00:00Z", 1.0),
        // Leaves before it joins: left out.
        s("e", "2026-11-16T11:00:00Z", "2026-11-16T10:00:00Z", 1.0),
    ]
}

#[test]
fn sessions_straddling_the_range_count_whole_unless_clipped() {
    let sessions = straddling_sessions();
    let r = range("2026-11-16T10:00:00Z", "2026-11-16T11:59:59.999Z");

    let whole = attendance(&sessions, &People::none(), options(r, "UTC", false));
    assert_eq!((whole.sessions, whole.straddling, whole.ignored), (3, 2, 2));
    assert_eq!(whole.unique_attendees, 3);
    assert!(close(whole.total_minutes, 120.0 + 60.0 + 120.0));
    assert!(close(whole.talk_minutes, 38.0));
    assert_eq!(whole.median_minutes, Some(120.0));

    let clipped = attendance(&sessions, &People::none(), options(r, "UTC", true));
    assert_eq!(
        (clipped.sessions, clipped.straddling, clipped.ignored),
        (3, 2, 2)
    );
    assert!(close(clipped.total_minutes, 60.0 + 60.0 + 30.0));
    // Talk scaled by the share inside: 12/2 + 6 + 20/4.
    assert!(close(clipped.talk_minutes, 17.0));
    assert_eq!(clipped.median_minutes, Some(60.0));
    let a = clipped
        .attendees
        .iter()
        .find(|x| x.user_id == "a")
        .expect("a");
    assert!(close(a.minutes, 60.0) && close(a.talk_minutes, 6.0));

    // The timeline is the range's either way.
    for st in [&whole, &clipped] {
        assert_eq!(
            st.peak,
            Some(Peak {
                attendees: 2,
                from: at("2026-11-16T10:30:00Z"),
                until: at("2026-11-16T11:00:00Z"),
            })
        );
        assert!(close(st.minutes_by_hour.iter().sum::<f64>(), 150.0));
        assert_eq!(st.per_day[0].attendees, 3);
    }
    // What one session counts for.
    let c = counted(&sessions[2], &options(r, "UTC", true)).expect("counted");
    assert!(close(c.minutes, 30.0) && close(c.talk_minutes, 5.0) && c.straddles);
    assert_eq!(counted(&sessions[3], &options(r, "UTC", true)), None);
}

#[test]
fn minutes_sent_as_strings_are_read_and_odd_ones_fall_back() {
    let sessions: Vec<Session> = serde_json::from_value(json!([
        {"userId": "a", "joinTime": "2026-11-16T09:00:00.000+00:00",
         "leaveTime": "2026-11-16T10:00:00.000+00:00",
         "talkMinutes": "5.50", "attendanceMinutes": "59.75"},
        // Placeholder text: the wall time (30 minutes) counts, talk is zero.
        {"userId": "b", "joinTime": "2026-11-16T09:00:00.000+00:00",
         "leaveTime": "2026-11-16T09:30:00.000+00:00",
         "talkMinutes": "string", "attendanceMinutes": "string"},
        // Missing fields: zero minutes as Virbela's default, talk zero.
        {"userId": "c", "joinTime": "2026-11-16T09:00:00.000+00:00",
         "leaveTime": "2026-11-16T09:10:00.000+00:00"},
        // Numbers as numbers.
        {"userId": "d", "joinTime": "2026-11-16T11:00:00.000+00:00",
         "leaveTime": "2026-11-16T11:20:00.000+00:00",
         "talkMinutes": 2.25, "attendanceMinutes": 20},
    ]))
    .expect("sessions");
    let r = range("2026-11-16T00:00:00Z", "2026-11-16T23:59:59.999Z");
    let st = attendance(&sessions, &People::none(), options(r, "UTC", false));
    assert_eq!(st.sessions, 4);
    // The model's default for a missing `attendanceMinutes` is zero.
    assert!(close(st.total_minutes, 59.75 + 30.0 + 0.0 + 20.0));
    assert!(close(st.talk_minutes, 5.5 + 2.25));
}

#[test]
fn nothing_in_the_range() {
    let r = range("2026-11-16T00:00:00Z", "2026-11-18T23:59:59.999Z");
    let st = attendance(&[], &People::none(), options(r, "Europe/Paris", false));
    assert_eq!((st.sessions, st.unique_attendees, st.ignored), (0, 0, 0));
    assert_eq!(st.total_minutes, 0.0);
    assert_eq!(
        (st.average_minutes, st.median_minutes, st.talk_share),
        (None, None, None)
    );
    assert_eq!(
        (st.peak, st.busiest_day, st.busiest_hour),
        (None, None, None)
    );
    // Paris is UTC+1: the range's local days are the 16th (from 01:00) to the 19th
    // (until 00:59:59).
    assert_eq!(st.per_day.len(), 4);
    assert!(st.per_day.iter().all(|d| d.attendees == 0));
    assert!(st.attendees.is_empty());
}

#[test]
fn a_session_of_no_length_is_there_that_day_but_never_concurrent() {
    let sessions = vec![s("a", "2026-11-16T09:00:00Z", "2026-11-16T09:00:00Z", 0.0)];
    let r = range("2026-11-16T00:00:00Z", "2026-11-16T23:59:59.999Z");
    let st = attendance(&sessions, &People::none(), options(r, "UTC", true));
    assert_eq!(st.sessions, 1);
    assert_eq!(st.per_day[0].attendees, 1);
    assert_eq!(st.peak, None);
    assert_eq!(st.total_minutes, 0.0);
}

#[test]
fn the_builder_streams() {
    let sessions = straddling_sessions();
    let r = range("2026-11-16T10:00:00Z", "2026-11-16T11:59:59.999Z");
    let mut b = AttendanceBuilder::new(options(r, "UTC", true), 0);
    for s in &sessions {
        b.push(s);
    }
    assert_eq!(
        b.finish(&People::none()),
        attendance(&sessions, &People::none(), options(r, "UTC", true))
    );
}

fn csv_lines(bytes: Vec<u8>) -> Vec<String> {
    String::from_utf8(bytes)
        .expect("utf-8")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_csv_has_every_counted_session() {
    let dir = users();
    let people = People::new(&dir);
    let sessions = vec![
        s("ana", "2026-11-16T09:00:00Z", "2026-11-16T10:00:00Z", 6.0),
        s("eve", "2026-11-16T11:30:00Z", "2026-11-16T13:30:00Z", 20.0),
        s("ghost", "2026-11-16T10:00:00Z", "2026-11-16T10:05:00Z", 0.0),
        s("bo", "2026-11-15T10:00:00Z", "2026-11-15T10:05:00Z", 0.0),
    ];
    let r = range("2026-11-16T09:00:00Z", "2026-11-16T11:59:59.999Z");
    let lines = csv_lines(sessions_csv(
        &sessions,
        &people,
        &options(r, "Europe/Paris", true),
    ));
    assert_eq!(
        lines,
        vec![
            "user_id,name,email,join,leave,minutes,talk_minutes,outside_range",
            "ana,Ana Lopez,ana.lopez@test.com,2026-11-16T10:00:00+01:00,2026-11-16T11:00:00+01:00,60.00,6.00,no",
            // A formula in a name is defused and quoted; minutes are the clipped ones.
            "eve,\"'=HYPERLINK(\"\"http://x\"\")\",eve@test.com,2026-11-16T12:30:00+01:00,2026-11-16T14:30:00+01:00,30.00,5.00,yes",
            "ghost,(unknown user),,2026-11-16T11:00:00+01:00,2026-11-16T11:05:00+01:00,5.00,0.00,no",
        ]
    );
    let whole = csv_lines(sessions_csv(&sessions, &people, &options(r, "UTC", false)));
    assert_eq!(whole.len(), 4);
    assert!(whole[2].ends_with(",120.00,20.00,yes"), "{}", whole[2]);
}

#[test]
fn sweep_events_pack_time_above_the_attendee() {
    // A year: whole milliseconds, 29 bits for attendees.
    let year = Packing::new(365 * DAY_MS);
    assert_eq!((year.coarse, year.user_bits), (0, 29));
    let e = year.pack(123_456_789, 1_999);
    assert_eq!((year.time(e), year.user(e)), (123_456_789, 1_999));
    assert!(year.pack(5, 9) < year.pack(6, 0), "sorted by time first");
    // A century: time coarsened to 4 ms, still 24 bits for attendees.
    let century = Packing::new(36_525 * DAY_MS);
    assert_eq!((century.coarse, century.user_bits), (2, 24));
    let e = century.pack(1_000_003, 7);
    assert_eq!((century.time(e), century.user(e)), (1_000_000, 7));
    // An instant.
    let instant = Packing::new(0);
    assert_eq!(instant.user_bits, 63);
    assert_eq!(instant.user(instant.pack(0, 3)), 3);
}
