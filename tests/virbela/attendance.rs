//! Attendance: the vendor's overlap example, the 90-day limit, window splitting with
//! de-duplication, long ranges, private volumes.

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use virbela_bot::virbela::VirbelaError;
use virbela_bot::virbela::domain::{DateRange, RoomId, VolumeId};
use virbela_bot::virbela::models::AttendanceTarget;

use crate::helpers::TestCampus;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 1, 19, h, m, 0)
        .single()
        .expect("time")
}

fn session(user: &str, join: DateTime<Utc>, leave: DateTime<Utc>) -> Value {
    json!({ "userId": user, "joinTime": join.to_rfc3339(), "leaveTime": leave.to_rfc3339(), "talkMinutes": 1.5 })
}

async fn room(campus: &TestCampus, id: &str) -> AttendanceTarget {
    campus
        .control("rooms", json!({ "rooms": [{ "objectId": id, "name": format!("Room {id}"), "SFSRoom": id, "visibleOn": ["GOTO"], "levelName": "workspace", "instance": 0 }] }))
        .await;
    AttendanceTarget::Room(id.parse::<RoomId>().expect("room id"))
}

#[tokio::test]
async fn the_vendor_overlap_example_returns_exactly_a_b_c_d() {
    let campus = TestCampus::empty().await;
    let target = room(&campus, "ExampleRm1").await;
    let sessions = vec![
        session("userA", at(14, 0), at(16, 0)),
        session("userB", at(14, 45), at(15, 15)),
        session("userC", at(14, 0), at(15, 0)),
        session("userD", at(15, 0), at(16, 0)),
        session("userE", at(13, 0), at(13, 30)),
        session("userF", at(16, 30), at(17, 0)),
    ];
    campus
        .control(
            "attendance",
            json!({ "roomId": "ExampleRm1", "sessions": sessions }),
        )
        .await;
    let window = DateRange::new(at(14, 30), at(15, 30)).expect("window");

    let page = campus
        .client
        .attendance_page(&target, &window, None, 0)
        .await
        .expect("page");

    let mut users: Vec<&str> = page.iter().map(|s| s.user_id.as_str()).collect();
    users.sort_unstable();
    assert_eq!(users, ["userA", "userB", "userC", "userD"]);
    let a = page
        .iter()
        .find(|s| s.user_id.as_str() == "userA")
        .expect("A");
    assert_eq!(
        a.attendance_minutes.value(),
        Some(120.0),
        "minutes decoded from the string form"
    );
    assert_eq!(a.talk_minutes.value(), Some(1.5));
}

#[tokio::test]
async fn the_sandbox_refuses_91_days_while_the_client_splits_a_year() {
    let campus = TestCampus::empty().await;
    let target = room(&campus, "YearRoom01").await;
    let start = Utc
        .with_ymd_and_hms(2023, 1, 1, 0, 0, 0)
        .single()
        .expect("start");
    let boundary = start + Duration::days(90);
    // One session a day at noon, plus one spanning the first window boundary.
    let mut sessions: Vec<Value> = (0..365)
        .map(|d| {
            let noon = start + Duration::days(d) + Duration::hours(12);
            session(
                &format!("daily{}", d % 7),
                noon,
                noon + Duration::minutes(45),
            )
        })
        .collect();
    sessions.push(session(
        "spanner",
        boundary - Duration::hours(1),
        boundary + Duration::hours(1),
    ));
    campus
        .control(
            "attendance",
            json!({ "roomId": "YearRoom01", "sessions": sessions }),
        )
        .await;

    let ninety_one = DateRange::new(start, start + Duration::days(91)).expect("range");
    let refused = campus
        .client
        .attendance_page(&target, &ninety_one, None, 0)
        .await;
    match refused {
        Err(VirbelaError::Invalid {
            status: 400,
            detail,
            ..
        }) => assert!(detail.contains("90"), "{detail}"),
        other => panic!("expected a 400, got {other:?}"),
    }
    let ninety = DateRange::new(start, start + Duration::days(90)).expect("range");
    assert!(
        campus
            .client
            .attendance_page(&target, &ninety, None, 0)
            .await
            .is_ok(),
        "exactly 90 days is allowed"
    );

    campus.clear_calls().await;
    let year = DateRange::new(start, start + Duration::days(365)).expect("year");
    let all = campus
        .client
        .attendance(&target, &year)
        .await
        .expect("year of attendance");

    assert_eq!(
        all.len(),
        366,
        "365 daily sessions and the boundary-spanning one, once"
    );
    assert_eq!(
        all.iter()
            .filter(|s| s.user_id.as_str() == "spanner")
            .count(),
        1
    );
    assert!(
        all.windows(2).all(|w| w[0].join_time <= w[1].join_time),
        "sorted by join time"
    );
    let calls = campus.calls().await;
    assert!(
        calls.len() >= 5,
        "at least one call per 90-day window: {}",
        calls.len()
    );
    assert!(
        calls.iter().all(|c| c["status"] == json!(200)),
        "no window was refused"
    );
}

#[tokio::test]
async fn two_years_with_many_pages_come_back_complete() {
    let campus = TestCampus::start(
        None,
        virbela_bot::virbela::ClientOptions {
            attendance_page_size: 50,
            attendance_concurrency: 3,
            ..crate::helpers::fast_options()
        },
    )
    .await;
    let target = room(&campus, "TwoYears01").await;
    let start = Utc
        .with_ymd_and_hms(2022, 1, 1, 0, 0, 0)
        .single()
        .expect("start");
    let sessions: Vec<Value> = (0..730 * 3)
        .map(|i| {
            let join = start + Duration::hours(8 * i);
            session(&format!("user{}", i % 40), join, join + Duration::hours(9))
        })
        .collect();
    campus
        .control(
            "attendance",
            json!({ "roomId": "TwoYears01", "sessions": sessions }),
        )
        .await;

    let range = DateRange::new(start, start + Duration::days(730)).expect("two years");
    let all = campus
        .client
        .attendance(&target, &range)
        .await
        .expect("two years");

    assert_eq!(
        all.len(),
        730 * 3,
        "every session once, none lost across 9 windows of 50-record pages"
    );
    let mut keys: Vec<_> = all
        .iter()
        .map(|s| (s.user_id.to_string(), s.join_time))
        .collect();
    keys.dedup();
    assert_eq!(keys.len(), all.len());
}

#[tokio::test]
async fn private_volumes_answer_like_rooms_and_unknown_ones_are_not_found() {
    let campus = TestCampus::empty().await;
    campus
        .control("attendance", json!({ "volumeId": "PR-2114767535--NewCampus", "sessions": [session("v1", at(9, 0), at(10, 0))] }))
        .await;
    let day = DateRange::new(at(0, 0), at(23, 59)).expect("day");
    let volume = AttendanceTarget::PrivateVolume(
        "PR-2114767535--NewCampus".parse::<VolumeId>().expect("id"),
    );
    let sessions = campus
        .client
        .attendance(&volume, &day)
        .await
        .expect("volume");
    assert_eq!(sessions.len(), 1);

    let unknown = AttendanceTarget::PrivateVolume("PR-1--Nowhere".parse::<VolumeId>().expect("id"));
    let missing = campus.client.attendance(&unknown, &day).await;
    assert!(
        matches!(
            missing,
            Err(VirbelaError::NotFound {
                what: "this private volume",
                ..
            })
        ),
        "{missing:?}"
    );
}
