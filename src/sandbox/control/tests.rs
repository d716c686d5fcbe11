//! Tests of the control API: rooms, users, reset, credentials, faults, call log.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::sandbox::test_support::{
    CLIENT_NAME, add_users, control, empty, get, post, request, send,
};

fn vendor_rooms() -> Value {
    json!([
        { "objectId": "KJDfj5wOjA", "visibleOn": ["GOTO", "roomGraph"], "levelName": "theater", "instance": 0, "name": "Theater", "SFSRoom": "Theater",
          "createdAt": "2021-12-15T20:36:08.302Z", "updatedAt": "2022-07-29T16:55:58.902Z" },
        { "objectId": "MHPspquUJd", "visibleOn": ["GOTO", "mobile", "roomGraph"], "levelName": "workspace", "instance": 121, "customLabel": "Workspace",
          "name": "Workspace", "SFSRoom": "WorkRm888", "createdAt": "2022-01-05T22:13:57.453Z", "updatedAt": "2023-02-09T17:45:38.921Z",
          "groupAccess": [], "group": "Virbela Tower", "teamAccess": ["2", "4", "5"], "teamAccessFriendly": ["B", "D", "E"] },
        { "objectId": "ABCfj5wOkB", "visibleOn": ["GOTO", "roomGraph"], "levelName": "boardroomlgpro", "instance": 33,
          "customLabel": "The Future: Diversity in Tech", "name": "The Future: Diversity in Tech", "SFSRoom": "BoardRoomLgPro25",
          "createdAt": "2022-03-03T05:03:20.932Z", "updatedAt": "2023-02-09T17:45:39.934Z", "groupAccess": [], "group": "Women in Tech History",
          "hardUserLimitOptions": { "dialogTitle": "The Future: Diversity in Tech Full", "dialogMessage": "The Future: Diversity in Tech is full; you have been sent to the campus instead." } }
    ])
}

#[tokio::test]
async fn rooms_round_trip_in_vendor_shape_and_other_client_names_are_404() {
    let app = empty();
    let reply = control(
        &app,
        Method::POST,
        "/_sandbox/rooms",
        Some(json!({ "rooms": vendor_rooms() })),
    )
    .await;
    assert_eq!(reply.json["count"], 3, "{}", reply.text);
    let listed = get(&app, &format!("/Rooms/World/{CLIENT_NAME}")).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(
        listed.json.to_string(),
        json!({ "count": 3, "data": vendor_rooms() }).to_string()
    );
    get(&app, "/Rooms/World/othercampus")
        .await
        .error(StatusCode::NOT_FOUND);

    // Replace by objectId; letters alone are completed with 1-based numbers.
    let replace = json!({ "rooms": [{ "objectId": "KJDfj5wOjA", "name": "Theater", "SFSRoom": "Theater", "teamAccessFriendly": ["A", "AA"] }] });
    let reply = control(&app, Method::POST, "/_sandbox/rooms", Some(replace)).await;
    assert_eq!(reply.json["count"], 3);
    let listed = get(&app, &format!("/Rooms/World/{CLIENT_NAME}")).await;
    assert_eq!(listed.json["data"][0]["teamAccess"], json!(["1", "27"]));
    assert_eq!(
        listed.json["data"][0]["teamAccessFriendly"],
        json!(["A", "AA"])
    );

    for bad in [
        json!({ "objectId": "a/b", "name": "x" }),
        json!({ "objectId": "abc" }),
        json!({ "objectId": "abc", "name": "x", "teamAccess": ["1"], "teamAccessFriendly": ["B"] }),
        json!({ "objectId": "abc", "name": "x", "teamAccess": ["0"] }),
        json!({ "objectId": "abc", "name": "x", "createdAt": "yesterday" }),
        json!({ "objectId": "abc", "name": "x", "colour": "red" }),
    ] {
        control(
            &app,
            Method::POST,
            "/_sandbox/rooms",
            Some(json!({ "rooms": [bad] })),
        )
        .await
        .error(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn control_users_are_validated_all_or_nothing() {
    let app = empty();
    add_users(
        &app,
        json!([{ "email": "a@test.com", "displayname": "Alpha" }]),
    )
    .await;
    for bad in [
        json!([{ "email": "nope" }]),
        json!([{ "email": "b@test.com" }, { "email": "A@test.com" }]),
        json!([{ "email": "b@test.com", "displayname": "ALPHA" }]),
        json!([{ "email": "b@test.com", "teamId": "ZZ" }]),
        json!([{ "email": "b@test.com", "role": "guest" }]),
        json!([{ "email": "b@test.com", "userId": "bad id" }]),
        json!([{ "email": "b@test.com", "profile": { "Shoe": 42 } }]),
        json!([{ "email": "b@test.com", "colour": "red" }]),
    ] {
        let reply = control(
            &app,
            Method::POST,
            "/_sandbox/users",
            Some(json!({ "users": bad })),
        )
        .await;
        reply.error(StatusCode::BAD_REQUEST);
    }
    let users = get(&app, "/User").await;
    assert_eq!(
        users.success().as_array().map(Vec::len),
        Some(1),
        "nothing of a refused batch stays"
    );
    control(
        &app,
        Method::POST,
        "/_sandbox/invitations/accept",
        Some(json!({ "email": "x@test.com" })),
    )
    .await
    .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn rotated_credentials_replace_the_old_pair_at_once() {
    let app = empty();
    get(&app, "/User").await.success();
    let reply = control(
        &app,
        Method::POST,
        "/_sandbox/credentials",
        Some(json!({ "clientId": "new-id", "clientSecret": "new-secret" })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(!reply.text.contains("new-secret"));
    get(&app, "/User").await.error(StatusCode::UNAUTHORIZED);
    let fresh = axum::http::Request::builder()
        .uri("/User")
        .header("v-client-id", "new-id")
        .header("V-CLIENT-SECRET", "new-secret")
        .body(Body::empty())
        .expect("request");
    send(&app, fresh).await.success();
    control(
        &app,
        Method::POST,
        "/_sandbox/credentials",
        Some(json!({ "clientId": "x" })),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn reset_empties_data_but_keeps_the_campus_definition() {
    let app = empty();
    add_users(&app, json!([{ "email": "a@test.com" }])).await;
    control(
        &app,
        Method::POST,
        "/_sandbox/profile-fields",
        Some(json!({ "fields": ["Team"] })),
    )
    .await;
    control(
        &app,
        Method::POST,
        "/_sandbox/faults",
        Some(json!({ "latencyMs": 1 })),
    )
    .await;
    control(
        &app,
        Method::POST,
        "/_sandbox/credentials",
        Some(json!({ "clientId": "sandbox-client", "clientSecret": "sandbox-secret" })),
    )
    .await;
    let reply = control(&app, Method::POST, "/_sandbox/reset", None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(get(&app, "/User").await.success(), &json!([]));
    assert_eq!(
        control(&app, Method::GET, "/_sandbox/faults", None)
            .await
            .json["faults"],
        Value::Null
    );
    assert_eq!(
        control(&app, Method::GET, "/_sandbox/profile-fields", None)
            .await
            .json["fields"],
        json!(["Team"])
    );
    let purchase = post(&app, "/api/purchase", json!({ "purchaseType": 0, "email": "a@test.com", "firstName": "A", "lastName": "B", "pricingId": 2 })).await;
    assert_eq!(purchase.json["price"]["product"]["name"], "Conference 50");
    let rooms = get(&app, &format!("/Rooms/World/{CLIENT_NAME}")).await;
    assert_eq!(rooms.json, json!({ "count": 0, "data": [] }));
    let log = control(&app, Method::GET, "/_sandbox/log", None).await;
    assert_eq!(
        log.json["calls"].as_array().map(Vec::len),
        Some(3),
        "log restarted at the reset"
    );
}

#[tokio::test]
async fn faults_with_a_count_fail_exactly_that_many_calls() {
    let app = empty();
    let reply = control(
        &app,
        Method::POST,
        "/_sandbox/faults",
        Some(json!({ "status": 503, "retryAfter": 7, "count": 2 })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    for _ in 0..2 {
        let failed = get(&app, "/User").await;
        failed.error(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            failed
                .headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some("7")
        );
    }
    for _ in 0..3 {
        get(&app, "/User").await.success();
    }
    // Never on the control API.
    control(
        &app,
        Method::POST,
        "/_sandbox/faults",
        Some(json!({ "status": 500 })),
    )
    .await;
    assert_eq!(
        control(&app, Method::GET, "/_sandbox/log", None)
            .await
            .status,
        StatusCode::OK
    );
    get(&app, "/User")
        .await
        .error(StatusCode::INTERNAL_SERVER_ERROR);
    let cleared = control(&app, Method::DELETE, "/_sandbox/faults", None).await;
    assert_eq!(cleared.json["faults"], Value::Null);
    get(&app, "/User").await.success();
}

#[tokio::test]
async fn faults_can_answer_html_target_a_prefix_and_add_latency() {
    let app = empty();
    control(
        &app,
        Method::POST,
        "/_sandbox/faults",
        Some(json!({ "status": 502, "htmlBody": true, "pathPrefix": "/Rooms" })),
    )
    .await;
    get(&app, "/User").await.success();
    let html = get(&app, &format!("/Rooms/World/{CLIENT_NAME}")).await;
    assert_eq!(html.status, StatusCode::BAD_GATEWAY);
    assert!(
        html.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert!(
        html.text
            .starts_with("<html><body><h1>502 Bad Gateway</h1>"),
        "{}",
        html.text
    );

    control(
        &app,
        Method::POST,
        "/_sandbox/faults",
        Some(json!({ "latencyMs": 150 })),
    )
    .await;
    let started = Instant::now();
    get(&app, "/User").await.success();
    assert!(started.elapsed() >= Duration::from_millis(150));

    control(
        &app,
        Method::POST,
        "/_sandbox/faults",
        Some(json!({ "status": 429, "errorRate": 0.0 })),
    )
    .await;
    get(&app, "/User").await.success();
    for bad in [
        json!({ "status": 200 }),
        json!({ "errorRate": 2 }),
        json!({ "pathPrefix": "User" }),
        json!({ "latency": 5 }),
    ] {
        control(&app, Method::POST, "/_sandbox/faults", Some(bad))
            .await
            .error(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn the_call_log_records_api_calls_without_headers() {
    let app = empty();
    get(&app, "/User?limit=5&skip=0").await;
    post(&app, "/User/Invitation", json!({ "email": "a@test.com" })).await;
    let anonymous = axum::http::Request::builder()
        .uri("/User")
        .body(Body::empty())
        .expect("request");
    send(&app, anonymous).await;
    let not_json = request(Method::POST, "/User/Membership/suspend")
        .body(Body::from("{oops"))
        .expect("request");
    send(&app, not_json).await;
    control(&app, Method::POST, "/_sandbox/reset", None).await; // clears the log
    get(&app, "/User?limit=5&skip=0").await;
    post(&app, "/User/Invitation", json!({ "email": "a@test.com" })).await;
    send(
        &app,
        axum::http::Request::builder()
            .uri("/User")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    send(
        &app,
        request(Method::POST, "/User/Membership/suspend")
            .body(Body::from("{oops"))
            .expect("request"),
    )
    .await;

    let log = control(&app, Method::GET, "/_sandbox/log", None).await;
    let expected = json!({ "calls": [
        { "method": "GET", "path": "/User", "query": "limit=5&skip=0", "body": null, "status": 200 },
        { "method": "POST", "path": "/User/Invitation", "query": null, "body": { "email": "a@test.com" }, "status": 200 },
        { "method": "GET", "path": "/User", "query": null, "body": null, "status": 401 },
        { "method": "POST", "path": "/User/Membership/suspend", "query": null, "body": null, "status": 400 }
    ]});
    assert_eq!(log.json, expected);
    assert!(!log.text.contains("sandbox-secret") && !log.text.contains("sandbox-client"));
    control(&app, Method::DELETE, "/_sandbox/log", None).await;
    assert_eq!(
        control(&app, Method::GET, "/_sandbox/log", None).await.json,
        json!({ "calls": [] })
    );
}

#[tokio::test]
async fn unknown_control_paths_and_bad_bodies_use_the_envelope() {
    let app = empty();
    control(&app, Method::GET, "/_sandbox/nothing", None)
        .await
        .error(StatusCode::NOT_FOUND);
    control(&app, Method::GET, "/_sandbox/reset", None)
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED);
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/_sandbox/users")
        .body(Body::from("{\"users\": ["))
        .expect("request");
    send(&app, req).await.error(StatusCode::BAD_REQUEST);
    let summary = control(&app, Method::GET, "/_sandbox/summary", None).await;
    assert_eq!(summary.json["members"], 0);
}
