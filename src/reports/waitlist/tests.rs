//! Hand-made waitlist events (numbers as strings, as Virbela sends them) with answers
//! worked out by hand.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::*;
use crate::virbela::models::User;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .expect("instant")
}

fn options(room: Option<&str>) -> WaitlistOptions {
    WaitlistOptions {
        range: DateRange::new(at("2026-11-16T00:00:00Z"), at("2026-11-17T23:59:59.999Z"))
            .expect("range"),
        tz: chrono_tz::UTC,
        sfs_room: room.map(str::to_string),
    }
}

struct Events {
    called: Vec<Called>,
    done: Vec<HelpDone>,
    ends: Vec<SupportEnd>,
}

impl Events {
    fn all(&self) -> WaitlistEvents<'_> {
        WaitlistEvents {
            called: &self.called,
            help_done: &self.done,
            support_end: &self.ends,
        }
    }
}

fn events() -> Events {
    let called = serde_json::from_value(json!([
        {"userId": "u1", "room": "HelpDesk", "time": "2026-11-16T09:00:00.000Z",
         "supportUserId": "ag1", "secondsInLine": "60", "initialPlace": "1"},
        {"userId": "u2", "room": "HelpDesk", "time": "2026-11-16T09:10:00.000Z",
         "supportUserId": "ag1", "secondsInLine": 120, "initialPlace": 2},
        // The vendor's placeholder: a call, but no time in line.
        {"userId": "u3", "room": "HelpDesk", "time": "2026-11-17T10:00:00.000Z",
         "supportUserId": "ag2", "secondsInLine": "string", "initialPlace": "string"},
        {"userId": "u4", "room": "OtherRoom", "time": "2026-11-17T10:00:00.000Z",
         "supportUserId": "ag2", "secondsInLine": "30"},
        // After the range.
        {"userId": "u5", "room": "HelpDesk", "time": "2026-11-18T10:00:00.000Z",
         "supportUserId": "ag1", "secondsInLine": "999"},
    ]))
    .expect("called");
    let done = serde_json::from_value(json!([
        {"userId": "u1", "room": "HelpDesk", "time": "2026-11-16T09:05:00.000Z",
         "supportUserId": "ag1", "secondsBeingHelped": "300"},
        // No time: derived from u2's call by ag1 at 09:10 → 20 minutes.
        {"userId": "u2", "room": "HelpDesk", "time": "2026-11-16T09:30:00.000Z",
         "supportUserId": "ag1"},
        {"userId": "u3", "room": "HelpDesk", "time": "2026-11-17T10:20:00.000Z",
         "supportUserId": "ag2", "secondsBeingHelped": "900"},
    ]))
    .expect("done");
    let ends = serde_json::from_value(json!([
        {"userId": "ag1", "room": "HelpDesk", "time": "2026-11-16T17:00:00.000Z",
         "numUsersHelped": "2", "secondsHelpingUsers": "1500",
         "secondsSupportingList": "28800"},
    ]))
    .expect("ends");
    Events { called, done, ends }
}

fn directory() -> Vec<User> {
    serde_json::from_value(json!([
        {"objectId": "ag1", "email": "agent.one@test.com", "displayname": "Agent One"},
        {"objectId": "u1", "email": "u1@test.com", "displayname": "User One"},
    ]))
    .expect("users")
}

#[test]
fn one_room_with_numbers_as_strings() {
    let e = events();
    let dir = directory();
    let st = waitlist(e.all(), &People::new(&dir), options(Some("helpdesk")));
    assert_eq!(st.calls, 3);
    assert_eq!(st.ignored, 2, "another room and after the range");
    assert_eq!(st.wait.count, 2);
    assert_eq!(st.wait.mean, Some(90.0));
    assert_eq!(st.wait.median, Some(90.0));
    assert_eq!(st.wait.p90, Some(120.0));
    assert_eq!(st.tickets_closed, 3);
    assert_eq!(st.help_derived, 1);
    assert_eq!(st.help.count, 3);
    assert_eq!(st.help.mean, Some((300.0 + 1200.0 + 900.0) / 3.0));
    assert_eq!(st.help.median, Some(900.0));
    assert_eq!(st.shifts_ended, 1);
    assert_eq!(
        st.calls_per_day,
        vec![
            DayCalls {
                date: NaiveDate::from_ymd_opt(2026, 11, 16).expect("date"),
                calls: 2
            },
            DayCalls {
                date: NaiveDate::from_ymd_opt(2026, 11, 17).expect("date"),
                calls: 1
            },
        ]
    );

    assert_eq!(st.agents.len(), 2);
    let one = &st.agents[0];
    assert_eq!(one.agent_id, "ag1");
    assert_eq!(one.shown_name(), "Agent One");
    assert_eq!(one.source, AgentSource::Shifts);
    assert_eq!((one.calls, one.shifts, one.users_helped), (2, 1, 2));
    assert_eq!(one.seconds_helping, 1500.0);
    assert_eq!(one.seconds_on_list, Some(28800.0));
    assert_eq!(one.utilisation, Some(1500.0 / 28800.0));
    // No shift of ag2 ended in the range: figures from the tickets, unknown id kept.
    let two = &st.agents[1];
    assert_eq!(two.shown_name(), "unknown user ag2");
    assert_eq!(two.source, AgentSource::Tickets);
    assert_eq!((two.calls, two.shifts, two.users_helped), (1, 0, 1));
    assert_eq!(two.seconds_helping, 900.0);
    assert_eq!((two.seconds_on_list, two.utilisation), (None, None));
}

#[test]
fn every_room() {
    let e = events();
    let st = waitlist(e.all(), &People::none(), options(None));
    assert_eq!(st.calls, 4);
    assert_eq!(st.ignored, 1);
    // 30, 60, 120
    assert_eq!(st.wait.median, Some(60.0));
    assert_eq!(st.wait.p90, Some(120.0));
    assert_eq!(st.agents[1].calls, 2);
}

#[test]
fn a_shift_missing_its_totals_falls_back_to_tickets() {
    let mut e = events();
    e.ends = serde_json::from_value(json!([
        {"userId": "ag1", "room": "HelpDesk", "time": "2026-11-16T17:00:00.000Z",
         "numUsersHelped": "string"},
    ]))
    .expect("ends");
    let st = waitlist(e.all(), &People::none(), options(None));
    let one = st.agents.iter().find(|a| a.agent_id == "ag1").expect("ag1");
    assert_eq!(one.source, AgentSource::Tickets);
    assert_eq!((one.shifts, one.users_helped), (1, 2));
    assert_eq!(one.seconds_helping, 1500.0);
    assert_eq!(one.utilisation, None);
}

#[test]
fn no_events() {
    let st = waitlist(
        WaitlistEvents {
            called: &[],
            help_done: &[],
            support_end: &[],
        },
        &People::none(),
        options(None),
    );
    assert_eq!((st.calls, st.tickets_closed, st.shifts_ended), (0, 0, 0));
    assert_eq!(st.wait, Summary::default());
    assert!(st.agents.is_empty());
    assert_eq!(st.calls_per_day.len(), 2);
}

#[test]
fn the_csv_lists_every_event_in_time_order() {
    let e = events();
    let dir = directory();
    let text = String::from_utf8(events_csv(
        e.all(),
        &People::new(&dir),
        &options(Some("HelpDesk")),
    ))
    .expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1 + 3 + 3 + 1);
    assert_eq!(
        lines[0],
        "event,time,user_id,user,room,agent_id,agent,seconds_in_line,initial_place,\
         seconds_being_helped,users_helped,seconds_helping_users,seconds_supporting_list"
    );
    assert_eq!(
        lines[1],
        "Called,2026-11-16T09:00:00+00:00,u1,User One,HelpDesk,ag1,Agent One,60,1,,,,"
    );
    assert_eq!(
        lines[2],
        "HelpDone,2026-11-16T09:05:00+00:00,u1,User One,HelpDesk,ag1,Agent One,,,300,,,"
    );
    assert!(lines[3].starts_with("Called,2026-11-16T09:10:00+00:00,u2,(unknown user),"));
    assert_eq!(
        lines[5],
        "SupportEnd,2026-11-16T17:00:00+00:00,,,HelpDesk,ag1,Agent One,,,,2,1500,28800"
    );
    // The placeholder text is kept as sent.
    assert!(lines[6].contains(",string,string,"), "{}", lines[6]);
}
