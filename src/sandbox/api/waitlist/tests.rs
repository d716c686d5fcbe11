//! Tests of the waitlist endpoints.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::sandbox::test_support::{CLIENT_NAME, Reply, control, empty, request, send};

async fn waitlist(app: &Router, path: &str, name: Option<&str>) -> Reply {
    let mut req = request(Method::GET, path);
    if let Some(name) = name {
        req = req.header("V-Client-Name", name);
    }
    send(app, req.body(Body::empty()).expect("request")).await
}

async fn seeded() -> Router {
    let app = empty();
    let body = json!({
        "called": [
            { "userId": "u2", "room": "WorkRm100", "time": "2023-01-19T14:15:22Z", "supportUserId": "agent1", "secondsInLine": "120", "initialPlace": 2 },
            { "userId": "u1", "room": "WorkRm100", "time": "2023-01-19T14:15:22Z", "supportUserId": "agent1", "secondsInLine": 45, "initialPlace": "1" },
            { "userId": "u3", "room": "WorkRm101", "time": "2023-01-19T09:00:00-07:00", "supportUserId": "agent2", "secondsInLine": 10.5, "initialPlace": 1 },
            { "userId": "u4", "room": "WorkRm100", "time": "2023-05-01T10:00:00Z", "supportUserId": "agent1", "secondsInLine": 5, "initialPlace": 1 }
        ],
        "helpDone": [
            { "userId": "u1", "room": "WorkRm100", "time": "2023-01-19T14:30:00.250Z", "supportUserId": "agent1", "secondsBeingHelped": "878" }
        ],
        "supportEnd": [
            { "userId": "agent1", "room": "WorkRm100", "time": "2023-01-19T17:00:00Z", "numUsersHelped": 2, "secondsHelpingUsers": "1500", "secondsSupportingList": 28800 }
        ]
    });
    let reply = control(&app, Method::POST, "/_sandbox/waitlist", Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["added"], 6);
    app
}

const DAY: &str = "start=2023-01-19T00:00:00.000-07:00&stop=2023-01-19T23:59:59.999-07:00";

#[tokio::test]
async fn the_client_name_header_is_required_and_must_match() {
    let app = seeded().await;
    let path = format!("/Activity/Waitlist/Called?{DAY}");
    let detail = waitlist(&app, &path, None)
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("V-Client-Name"), "{detail}");
    waitlist(&app, &path, Some("othercampus"))
        .await
        .error(StatusCode::NOT_FOUND);
    waitlist(&app, &path, Some(CLIENT_NAME)).await.success();
    // Credentials come first.
    let req = axum::http::Request::builder()
        .uri(&path)
        .header("V-Client-Name", CLIENT_NAME)
        .body(Body::empty())
        .expect("request");
    send(&app, req).await.error(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn called_events_have_string_numbers_and_millisecond_z_times() {
    let app = seeded().await;
    let reply = waitlist(
        &app,
        &format!("/Activity/Waitlist/Called?{DAY}"),
        Some(CLIENT_NAME),
    )
    .await;
    let expected = json!({ "count": 3, "results": [
        { "userId": "u1", "room": "WorkRm100", "time": "2023-01-19T14:15:22.000Z", "supportUserId": "agent1", "secondsInLine": "45", "initialPlace": "1" },
        { "userId": "u2", "room": "WorkRm100", "time": "2023-01-19T14:15:22.000Z", "supportUserId": "agent1", "secondsInLine": "120", "initialPlace": "2" },
        { "userId": "u3", "room": "WorkRm101", "time": "2023-01-19T16:00:00.000Z", "supportUserId": "agent2", "secondsInLine": "10.5", "initialPlace": "1" }
    ]});
    assert_eq!(reply.success().to_string(), expected.to_string());
}

#[tokio::test]
async fn help_done_and_support_end_have_their_own_fields() {
    let app = seeded().await;
    let done = waitlist(
        &app,
        &format!("/Activity/Waitlist/HelpDone?{DAY}"),
        Some(CLIENT_NAME),
    )
    .await;
    assert_eq!(
        done.success()["results"][0].to_string(),
        json!({ "userId": "u1", "room": "WorkRm100", "time": "2023-01-19T14:30:00.250Z", "supportUserId": "agent1", "secondsBeingHelped": "878" }).to_string()
    );
    let end = waitlist(
        &app,
        &format!("/Activity/Waitlist/SupportEnd?{DAY}"),
        Some(CLIENT_NAME),
    )
    .await;
    assert_eq!(
        end.success()["results"][0].to_string(),
        json!({ "userId": "agent1", "room": "WorkRm100", "time": "2023-01-19T17:00:00.000Z", "numUsersHelped": "2", "secondsHelpingUsers": "1500", "secondsSupportingList": "28800" }).to_string()
    );
}

#[tokio::test]
async fn filters_page_and_bounds() {
    let app = seeded().await;
    let ask = |q: String| {
        let app = app.clone();
        async move {
            waitlist(
                &app,
                &format!("/Activity/Waitlist/Called?{q}"),
                Some(CLIENT_NAME),
            )
            .await
        }
    };
    let users = |reply: &Reply| -> Vec<Value> {
        reply.success()["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["userId"].clone())
            .collect()
    };
    let room = ask(format!("{DAY}&sfsRoom=WorkRm101")).await;
    assert_eq!(users(&room), [json!("u3")]);
    assert_eq!(room.success()["count"], 1);
    let paged = ask(format!("{DAY}&limit=1&offset=1")).await;
    assert_eq!(users(&paged), [json!("u2")]);
    assert_eq!(paged.success()["count"], 3, "count is the total matching");
    // Both ends inclusive.
    let exact = ask("start=2023-01-19T14:15:22Z&stop=2023-01-19T14:15:22Z".into()).await;
    assert_eq!(exact.success()["count"], 2);
    // No 90-day limit on the waitlist.
    let year = ask("start=2023-01-01T00:00:00Z&stop=2024-01-01T00:00:00Z".into()).await;
    assert_eq!(year.success()["count"], 4);
    ask("stop=2023-01-19T00:00:00Z".into())
        .await
        .error(StatusCode::BAD_REQUEST);
    ask("start=2023-01-19T00:00:00Z&stop=2023-01-18T00:00:00Z".into())
        .await
        .error(StatusCode::BAD_REQUEST);
    ask(format!("{DAY}&limit=none"))
        .await
        .error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_waitlist_imports_are_400() {
    let app = empty();
    for body in [
        json!({ "calls": [] }),
        json!({ "called": {} }),
        json!({ "called": [{ "room": "R", "time": "2023-01-19T00:00:00Z" }] }),
        json!({ "called": [{ "userId": "u", "room": "R", "time": "noon" }] }),
        json!({ "called": [{ "userId": "u", "room": "R", "time": "2023-01-19T00:00:00Z", "secondsInLine": "long" }] }),
        json!({ "helpDone": [{ "userId": "u", "room": "R", "time": "2023-01-19T00:00:00Z", "initialPlace": 1 }] }),
    ] {
        control(&app, Method::POST, "/_sandbox/waitlist", Some(body))
            .await
            .error(StatusCode::BAD_REQUEST);
    }
}
