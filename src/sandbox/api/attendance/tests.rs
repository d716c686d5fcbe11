//! Tests of the attendance endpoints (rooms and private volumes).

use std::time::Instant;

use axum::Router;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::sandbox::test_support::{add_room, control, empty, get};

const ROOM: &str = "KJDfj5wOjA";

async fn sessions(app: &Router, target: Value, sessions: Value) {
    let mut body = target;
    body["sessions"] = sessions;
    let reply = control(app, Method::POST, "/_sandbox/attendance", Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

/// The vendor's users A–F on 2023-01-19 (afternoon, UTC).
fn vendor_sessions() -> Value {
    let s = |user: &str, join: &str, leave: &str| json!({ "userId": user, "joinTime": format!("2023-01-19T{join}:00.000Z"), "leaveTime": format!("2023-01-19T{leave}:00.000Z"), "talkMinutes": 0 });
    json!([
        s("userF", "16:30", "17:00"),
        s("userA", "14:00", "16:00"),
        s("userB", "14:45", "15:15"),
        s("userC", "14:00", "15:00"),
        s("userD", "15:00", "16:00"),
        s("userE", "13:00", "13:30"),
    ])
}

fn users(reply: &crate::sandbox::test_support::Reply) -> Vec<String> {
    reply
        .success()
        .as_array()
        .expect("records")
        .iter()
        .map(|r| r["userId"].as_str().expect("user").to_string())
        .collect()
}

async fn room_app() -> Router {
    let app = empty();
    add_room(&app, ROOM, "Theater", "Theater").await;
    app
}

#[tokio::test]
async fn the_vendor_overlap_example_returns_a_b_c_d() {
    let app = room_app().await;
    sessions(&app, json!({ "roomId": ROOM }), vendor_sessions()).await;
    let window = "start=2023-01-19T14:30:00.000Z&stop=2023-01-19T15:30:00.000Z";
    let reply = get(&app, &format!("/User/Attendance/Room/{ROOM}?{window}")).await;
    assert_eq!(
        reply.json["title"],
        "Successfully queried room attendance data."
    );
    assert_eq!(
        reply.json["detail"],
        "4 attendance records were returned, please see \"data\" for records details."
    );
    // Join time, then user id.
    assert_eq!(users(&reply), ["userA", "userC", "userB", "userD"]);

    for volume in ["PR-2114767535--NewCampus", "2114767535--NewCampus"] {
        sessions(&app, json!({ "volumeId": volume }), vendor_sessions()).await;
        let reply = get(
            &app,
            &format!("/User/Attendance/PrivateVolume/{volume}?{window}"),
        )
        .await;
        assert_eq!(users(&reply), ["userA", "userC", "userB", "userD"]);
    }
    // The same window with offsets: 07:30-07:00 is 14:30Z.
    let offsets = "start=2023-01-19T07:30:00.000-07:00&stop=2023-01-19T08:30:00.000-07:00";
    let reply = get(&app, &format!("/User/Attendance/Room/{ROOM}?{offsets}")).await;
    assert_eq!(users(&reply), ["userA", "userC", "userB", "userD"]);
    // Touching ends count: a window that is a single instant at 16:00 finds A and D.
    let instant = "start=2023-01-19T16:00:00.000Z&stop=2023-01-19T16:00:00.000Z";
    let reply = get(&app, &format!("/User/Attendance/Room/{ROOM}?{instant}")).await;
    assert_eq!(users(&reply), ["userA", "userD"]);
}

#[tokio::test]
async fn records_use_utc_millis_and_minutes_as_two_decimal_strings() {
    let app = room_app().await;
    sessions(
        &app,
        json!({ "roomId": ROOM }),
        json!([
            { "userId": "xxxxxxxx", "joinTime": "2023-01-19T04:55:56.140-07:00", "leaveTime": "2023-01-19T18:09:06.140Z", "talkMinutes": "15.44" },
            { "userId": "yyyyyyyy", "joinTime": "2023-01-19T23:20:00.248+00:00", "leaveTime": "2023-01-19T23:21:04.248+00:00", "talkMinutes": 0 },
            { "userId": "zzzzzzzz", "joinTime": "2023-01-19T20:00:00Z", "leaveTime": "2023-01-19T20:10:00Z" }
        ]),
    )
    .await;
    let reply = get(&app, &format!("/User/Attendance/Room/{ROOM}?start=2023-01-19T00:00:00.000-07:00&stop=2023-01-19T23:59:59.999-07:00")).await;
    let expected = json!([
        { "userId": "xxxxxxxx", "joinTime": "2023-01-19T11:55:56.140+00:00", "leaveTime": "2023-01-19T18:09:06.140+00:00", "talkMinutes": "15.44", "attendanceMinutes": "373.17" },
        { "userId": "zzzzzzzz", "joinTime": "2023-01-19T20:00:00.000+00:00", "leaveTime": "2023-01-19T20:10:00.000+00:00", "talkMinutes": "0.00", "attendanceMinutes": "10.00" },
        { "userId": "yyyyyyyy", "joinTime": "2023-01-19T23:20:00.248+00:00", "leaveTime": "2023-01-19T23:21:04.248+00:00", "talkMinutes": "0.00", "attendanceMinutes": "1.07" }
    ]);
    assert_eq!(reply.success().to_string(), expected.to_string());
}

#[tokio::test]
async fn a_plus_sent_unencoded_still_reads_as_an_offset() {
    let app = room_app().await;
    sessions(&app, json!({ "roomId": ROOM }), vendor_sessions()).await;
    // `+` in a query string decodes to a space.
    let raw = format!(
        "/User/Attendance/Room/{ROOM}?start=2023-01-19T21:30:00.000+07:00&stop=2023-01-19T22:30:00.000+07:00"
    );
    assert_eq!(
        users(&get(&app, &raw).await),
        ["userA", "userC", "userB", "userD"]
    );
    let encoded = format!(
        "/User/Attendance/Room/{ROOM}?start=2023-01-19T21:30:00.000%2B07:00&stop=2023-01-19T22:30:00.000%2B07:00"
    );
    assert_eq!(
        users(&get(&app, &encoded).await),
        ["userA", "userC", "userB", "userD"]
    );
}

#[tokio::test]
async fn windows_are_required_ordered_and_at_most_90_days() {
    let app = room_app().await;
    let base = format!("/User/Attendance/Room/{ROOM}");
    let ok = |q: &str| format!("{base}?{q}");
    get(
        &app,
        &ok("start=2023-01-01T00:00:00Z&stop=2023-04-01T00:00:00Z"),
    )
    .await
    .success();
    let detail = get(
        &app,
        &ok("start=2023-01-01T00:00:00Z&stop=2023-04-02T00:00:00Z"),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("90 days"), "{detail}");
    get(
        &app,
        &ok("start=2023-01-01T00:00:00Z&stop=2023-04-01T00:00:00.001Z"),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    let detail = get(&app, &ok("stop=2023-01-02T00:00:00Z"))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(
        detail.contains("`start`") && detail.contains("required"),
        "{detail}"
    );
    let detail = get(&app, &ok("start=2023-01-02T00:00:00Z"))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("`stop`"), "{detail}");
    get(&app, &base).await.error(StatusCode::BAD_REQUEST);
    for bad in [
        "start=yesterday&stop=2023-01-02T00:00:00Z",
        "start=2023-01-01&stop=2023-01-02T00:00:00Z",
        "start=2023-01-01T00:00:00&stop=2023-01-02T00:00:00Z",
    ] {
        get(&app, &ok(bad)).await.error(StatusCode::BAD_REQUEST);
    }
    let detail = get(
        &app,
        &ok("start=2023-01-02T00:00:00Z&stop=2023-01-01T00:00:00Z"),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("before"), "{detail}");
    for bad in ["limit=0", "limit=x", "offset=-3"] {
        get(
            &app,
            &ok(&format!(
                "start=2023-01-01T00:00:00Z&stop=2023-01-02T00:00:00Z&{bad}"
            )),
        )
        .await
        .error(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn unknown_rooms_and_volumes_are_404_and_volume_ids_match_exactly() {
    let app = room_app().await;
    let window = "start=2023-01-01T00:00:00Z&stop=2023-01-02T00:00:00Z";
    get(&app, &format!("/User/Attendance/Room/NoSuchRoom?{window}"))
        .await
        .error(StatusCode::NOT_FOUND);
    sessions(&app, json!({ "volumeId": "PR-1--Only" }), json!([])).await;
    get(
        &app,
        &format!("/User/Attendance/PrivateVolume/PR-1--Only?{window}"),
    )
    .await
    .success();
    get(
        &app,
        &format!("/User/Attendance/PrivateVolume/1--Only?{window}"),
    )
    .await
    .error(StatusCode::NOT_FOUND);
    // A known room without sessions answers an empty list.
    let reply = get(&app, &format!("/User/Attendance/Room/{ROOM}?{window}")).await;
    assert_eq!(reply.success(), &json!([]));
    // The control API refuses sessions for unknown rooms and bad sessions.
    let reply = control(
        &app,
        Method::POST,
        "/_sandbox/attendance",
        Some(json!({ "roomId": "NoSuchRoom", "sessions": [] })),
    )
    .await;
    reply.error(StatusCode::NOT_FOUND);
    let bad = json!({ "roomId": ROOM, "sessions": [{ "userId": "u1", "joinTime": "2023-01-02T00:00:00Z", "leaveTime": "2023-01-01T00:00:00Z" }] });
    control(&app, Method::POST, "/_sandbox/attendance", Some(bad))
        .await
        .error(StatusCode::BAD_REQUEST);
    let bad = json!({ "roomId": ROOM, "volumeId": "x", "sessions": [] });
    control(&app, Method::POST, "/_sandbox/attendance", Some(bad))
        .await
        .error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn two_hundred_thousand_sessions_import_fast_and_page_cheaply() {
    let app = room_app().await;
    // 200,000 sessions over 100 days, two a minute, 1–120 minutes long, in random order.
    let base = 1_672_531_200_000i64; // 2023-01-01T00:00:00Z
    let mut list: Vec<Value> = (0..200_000i64)
        .map(|i| {
            let join = base + i * 43_200 + (i % 7) * 1000;
            let leave = join + 60_000 * (1 + (i * 37) % 120);
            let at = |ms: i64| crate::sandbox::wire::iso_z(crate::sandbox::wire::from_millis(ms));
            json!({ "userId": format!("u{}", i % 997), "joinTime": at(join), "leaveTime": at(leave), "talkMinutes": format!("{}.25", i % 9) })
        })
        .collect();
    list.reverse();
    let started = Instant::now();
    sessions(&app, json!({ "roomId": ROOM }), Value::Array(list)).await;
    let import = started.elapsed();

    // Page one day (about 2,000 sessions) 1,000 at a time, near the end of the log.
    let window = "start=2023-04-05T00:00:00Z&stop=2023-04-05T23:59:59.999Z";
    // One untimed call first: the allocator tidies up after the big import.
    get(
        &app,
        &format!("/User/Attendance/Room/{ROOM}?{window}&limit=1"),
    )
    .await
    .success();
    let started = Instant::now();
    let mut seen = Vec::new();
    for offset in (0..).step_by(1000) {
        let reply = get(
            &app,
            &format!("/User/Attendance/Room/{ROOM}?{window}&limit=1000&offset={offset}"),
        )
        .await;
        let page = reply.success().as_array().expect("records").clone();
        if page.is_empty() {
            break;
        }
        seen.extend(page);
    }
    let paging = started.elapsed();
    // Joins from 2023-04-04T22:00 (longest 120 min) to 2023-04-05T23:59:59.999 overlap.
    let day_start = 1_680_652_800_000i64;
    let day_stop = day_start + 86_399_999;
    let expected = (0..200_000i64)
        .filter(|i| {
            let join = base + i * 43_200 + (i % 7) * 1000;
            let leave = join + 60_000 * (1 + (i * 37) % 120);
            join <= day_stop && leave >= day_start
        })
        .count();
    assert_eq!(seen.len(), expected);
    let joins: Vec<&str> = seen
        .iter()
        .map(|r| r["joinTime"].as_str().expect("join"))
        .collect();
    assert!(joins.is_sorted(), "pages continue in join order");
    eprintln!(
        "import of 200,000 sessions: {import:?}; paging {} records: {paging:?}",
        seen.len()
    );
    assert!(paging.as_secs_f64() < 2.0, "paging took {paging:?}");
}
