//! Tests of the seed data: determinism, sizes, the vendor samples, recent activity.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};

use crate::sandbox::test_support::{CLIENT_NAME, control, get, request, send};
use crate::sandbox::wire::iso_z;
use crate::sandbox::{Sandbox, SandboxOptions};

fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 0, 0, 0)
        .single()
        .expect("anchor")
}

fn seeded(seed: u64) -> Router {
    let started = Instant::now();
    let sandbox = Sandbox::new(SandboxOptions {
        seed: Some(seed),
        anchor: Some(anchor()),
        ..SandboxOptions::default()
    });
    eprintln!("seed {seed}: built in {:?}", started.elapsed());
    sandbox.router()
}

/// One shared seeded campus for the read-only tests.
fn shared() -> Router {
    static APP: OnceLock<Router> = OnceLock::new();
    APP.get_or_init(|| seeded(1)).clone()
}

async fn all_users(app: &Router) -> Vec<Value> {
    get(app, "/User?limit=5000")
        .await
        .success()
        .as_array()
        .expect("users")
        .clone()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_campus_and_another_seed_another() {
    let a = shared();
    let b = seeded(1);
    let c = seeded(2);
    assert_eq!(all_users(&a).await, all_users(&b).await);
    assert_ne!(all_users(&a).await, all_users(&c).await);
    let q = "/User/Attendance/Room/KJDfj5wOjA?start=2025-01-01T00:00:00Z&stop=2025-03-14T00:00:00Z";
    assert_eq!(get(&a, q).await.success(), get(&b, q).await.success());
    let rooms = format!("/Rooms/World/{CLIENT_NAME}");
    assert_eq!(get(&a, &rooms).await.json, get(&b, &rooms).await.json);
    // Even the ids handed out later are reproducible.
    let invite = json!({ "email": "new.person@test.com" });
    let ia = crate::sandbox::test_support::post(&b, "/User/Invitation", invite.clone()).await;
    let ib =
        crate::sandbox::test_support::post(&seeded_clone_for_ids(), "/User/Invitation", invite)
            .await;
    assert_eq!(ia.success()["userId"], ib.success()["userId"]);
}

fn seeded_clone_for_ids() -> Router {
    seeded(1)
}

#[tokio::test]
async fn the_seed_meets_the_size_minimums() {
    let app = shared();
    let users = all_users(&app).await;
    assert!(users.len() >= 250, "{} users", users.len());
    let suspended = users.iter().filter(|u| u["role"] == "suspended").count();
    assert!((3..=20).contains(&suspended), "{suspended} suspended");
    for u in &users {
        assert!(u["email"].as_str().is_some_and(|e| e.contains('@')));
        assert_eq!(u["objectId"].as_str().map(str::len), Some(12));
    }
    let with_hardware = users.iter().filter(|u| u.get("hardware").is_some()).count();
    assert!(with_hardware > users.len() * 8 / 10);
    let names: std::collections::HashSet<String> = users
        .iter()
        .map(|u| u["displayname"].as_str().expect("name").to_lowercase())
        .collect();
    assert_eq!(names.len(), users.len(), "display names are unique");

    let summary = control(&app, Method::GET, "/_sandbox/summary", None)
        .await
        .json;
    eprintln!("{summary}");
    assert!(summary["pendingInvitations"].as_u64() >= Some(4));
    assert!(summary["rooms"].as_u64() >= Some(15));
    let sessions = summary["roomSessions"].as_u64().unwrap_or(0)
        + summary["volumeSessions"].as_u64().unwrap_or(0);
    assert!(
        (100_000..=200_000).contains(&sessions),
        "{sessions} sessions"
    );
    let volumes = summary["volumes"].as_array().expect("volumes");
    assert!(volumes.contains(&json!("PR-2114767535--NewCampus")));
    assert!(
        volumes
            .iter()
            .any(|v| !v.as_str().unwrap_or("PR-").starts_with("PR-"))
    );
    assert!(summary["waitlist"]["called"].as_u64() > Some(1000));

    let invitations = control(&app, Method::GET, "/_sandbox/invitations", None)
        .await
        .json;
    let pending = invitations["invitations"].as_array().expect("pending");
    let email = pending[0]["email"].as_str().expect("email");
    assert!(
        users.iter().all(|u| u["email"] != email),
        "pending invitations are not listed"
    );
}

#[tokio::test]
async fn the_vendor_samples_are_in_the_seed() {
    let app = shared();
    let kareem = get(&app, "/User/zCzMQrfRK9FR").await.success()[0].clone();
    assert_eq!(kareem["displayname"], "KBlevins123");
    assert_eq!(kareem["teamId"], "I");
    let profile = get(&app, "/MemberProfile/zCzMQrfRK9FR").await.success()["memberProfile"].clone();
    assert_eq!(
        profile.to_string(),
        json!({ "email": "Kareem.Blevins@test.com", "firstname": "Kareem", "lastname": "Blevins", "Department": "Product",
                "Region": "Canada", "eNPS": 9, "updatedAt": "2023-07-13T22:24:08.641Z" }).to_string()
    );
    let rooms = get(&app, &format!("/Rooms/World/{CLIENT_NAME}")).await.json;
    let data = rooms["data"].as_array().expect("rooms");
    assert_eq!(rooms["count"].as_u64(), Some(data.len() as u64));
    let ids: Vec<&str> = data.iter().filter_map(|r| r["objectId"].as_str()).collect();
    for id in ["KJDfj5wOjA", "CDSfj5wOkA", "ABCfj5wOkB", "MHPspquUJd"] {
        assert!(ids.contains(&id), "{id}");
    }
    assert_eq!(
        data[3].to_string(),
        json!({ "objectId": "MHPspquUJd", "visibleOn": ["GOTO", "mobile", "roomGraph"], "levelName": "workspace", "instance": 121,
                "customLabel": "Workspace", "name": "Workspace", "SFSRoom": "WorkRm888", "createdAt": "2022-01-05T22:13:57.453Z",
                "updatedAt": "2023-02-09T17:45:38.921Z", "groupAccess": [], "group": "Virbela Tower",
                "teamAccess": ["2", "4", "5"], "teamAccessFriendly": ["B", "D", "E"] }).to_string()
    );
    assert!(ids.iter().all(|id| id.len() == 10));
    for room in data {
        if let (Some(numbers), Some(letters)) = (
            room["teamAccess"].as_array(),
            room["teamAccessFriendly"].as_array(),
        ) {
            for (n, l) in numbers.iter().zip(letters) {
                let n: u8 = n
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .expect("number string");
                let team =
                    crate::virbela::domain::TeamId::from_index(i64::from(n) - 1).expect("team");
                assert_eq!(l.as_str(), Some(team.letters().as_str()));
            }
        }
    }
}

#[tokio::test]
async fn last_week_has_theater_attendance_and_help_desk_activity() {
    let app = shared();
    let (start, stop) = (iso_z(anchor() - Duration::days(7)), iso_z(anchor()));
    let q = format!("start={start}&stop={stop}");
    let theater = get(&app, &format!("/User/Attendance/Room/KJDfj5wOjA?{q}")).await;
    let records = theater.success().as_array().expect("records");
    assert!(
        records.len() > 40,
        "{} Theater sessions last week",
        records.len()
    );
    assert!(
        records
            .iter()
            .all(|r| r["leaveTime"].as_str() <= Some(&iso_z(anchor()).replace('Z', "+00:00")))
    );
    let volume = get(
        &app,
        &format!("/User/Attendance/PrivateVolume/PR-2114767535--NewCampus?{q}"),
    )
    .await;
    assert!(!volume.success().as_array().expect("records").is_empty());
    let req = request(
        Method::GET,
        &format!("/Activity/Waitlist/Called?{q}&sfsRoom=WorkRm100"),
    )
    .header("V-Client-Name", CLIENT_NAME)
    .body(Body::empty())
    .expect("request");
    let called = send(&app, req).await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.text);
    assert!(called.json["data"]["count"].as_u64() > Some(10));
    // Weekdays are busier than weekends: 2025-03-08/09 is a weekend, 03-10..14 weekdays.
    let day = |d: u32| {
        let app = app.clone();
        async move {
            let q = format!("start=2025-03-{d:02}T00:00:00Z&stop=2025-03-{d:02}T23:59:59.999Z");
            get(&app, &format!("/User/Attendance/Room/MHPspquUJd?{q}"))
                .await
                .success()
                .as_array()
                .map_or(0, Vec::len)
        }
    };
    let weekend = day(8).await + day(9).await;
    let weekdays = day(10).await + day(11).await;
    assert!(
        weekdays > 3 * weekend,
        "weekdays {weekdays}, weekend {weekend}"
    );
}
