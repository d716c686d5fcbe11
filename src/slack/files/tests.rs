//! The files v2 flow against a tiny fake Slack Web API (axum on 127.0.0.1:0) that
//! records every call and checks the token and the bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use secrecy::SecretString;
use url::Url;

use super::upload_files;
use crate::core::Attachment;
use crate::slack::error::SlackApiError;

const TOKEN: &str = "xoxb-test-token-123";

/// One request the fake received.
#[derive(Debug, Clone)]
struct Call {
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    form: HashMap<String, String>,
    body: Vec<u8>,
}

/// How the fake misbehaves.
#[derive(Debug, Clone, Copy, Default)]
enum Fault {
    #[default]
    None,
    RateLimitGetUrl,
    UploadServerError,
    CompleteChannelNotFound,
}

#[derive(Clone, Default)]
struct Fake {
    calls: Arc<Mutex<Vec<Call>>>,
    base: Arc<Mutex<String>>,
    fault: Fault,
}

impl Fake {
    fn calls(&self) -> Vec<Call> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    fn record(&self, path: String, headers: &HeaderMap, body: &Bytes) -> Call {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let call = Call {
            path,
            authorization: header("authorization"),
            content_type: header("content-type"),
            form: url::form_urlencoded::parse(body).into_owned().collect(),
            body: body.to_vec(),
        };
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(call.clone());
        }
        call
    }
}

fn authorized(call: &Call) -> bool {
    call.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))
}

fn json(value: serde_json::Value) -> Response {
    axum::Json(value).into_response()
}

async fn get_upload_url(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    let call = fake.record("files.getUploadURLExternal".into(), &headers, &body);
    if let Fault::RateLimitGetUrl = fake.fault {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "7")],
            axum::Json(serde_json::json!({"ok": false, "error": "ratelimited"})),
        )
            .into_response();
    }
    if !authorized(&call) {
        return json(serde_json::json!({"ok": false, "error": "invalid_auth"}));
    }
    let n = fake
        .calls()
        .iter()
        .filter(|c| c.path == "files.getUploadURLExternal")
        .count();
    let id = format!("F{n:03}");
    let base = fake.base.lock().map(|b| b.clone()).unwrap_or_default();
    json(serde_json::json!({
        "ok": true,
        "upload_url": format!("{base}upload/{id}?sig=one-time"),
        "file_id": id,
    }))
}

async fn upload(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    fake.record(format!("upload/{id}"), &headers, &body);
    match fake.fault {
        Fault::UploadServerError => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        _ => (StatusCode::OK, format!("OK - {}", body.len())).into_response(),
    }
}

async fn complete(State(fake): State<Fake>, headers: HeaderMap, body: Bytes) -> Response {
    let call = fake.record("files.completeUploadExternal".into(), &headers, &body);
    if !authorized(&call) {
        return json(serde_json::json!({"ok": false, "error": "invalid_auth"}));
    }
    if let Fault::CompleteChannelNotFound = fake.fault {
        return json(serde_json::json!({"ok": false, "error": "channel_not_found"}));
    }
    json(serde_json::json!({"ok": true, "files": []}))
}

/// Starts the fake; returns it and the Web API base (`http://127.0.0.1:PORT/api/`).
async fn start(fault: Fault) -> (Fake, Url) {
    let fake = Fake {
        fault,
        ..Fake::default()
    };
    let app = Router::new()
        .route("/api/files.getUploadURLExternal", post(get_upload_url))
        .route("/api/files.completeUploadExternal", post(complete))
        .route("/upload/{id}", post(upload))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the fake");
    let addr = listener.local_addr().expect("fake address");
    let base = format!("http://{addr}/");
    if let Ok(mut b) = fake.base.lock() {
        *b = base.clone();
    }
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let api = Url::parse(&format!("{base}api/")).expect("api base");
    (fake, api)
}

fn csv() -> Attachment {
    Attachment {
        filename: "attendance-Main Hall.csv".into(),
        media_type: "text/csv".into(),
        bytes: b"user,minutes\nalice@example.com,42\n".to_vec(),
    }
}

fn png() -> Attachment {
    Attachment {
        filename: "attendance-Main Hall.png".into(),
        media_type: "image/png".into(),
        bytes: vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3, 255],
    }
}

fn token() -> SecretString {
    SecretString::from(TOKEN)
}

#[tokio::test]
async fn uploads_every_file_then_completes_once_in_the_channel_and_thread() {
    let (fake, api) = start(Fault::None).await;
    let client = reqwest::Client::new();
    let files = [csv(), png()];
    upload_files(
        &client,
        &api,
        &token(),
        "C0123",
        Some("1700000000.000100"),
        &files,
    )
    .await
    .expect("upload succeeds");

    let calls = fake.calls();
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "files.getUploadURLExternal",
            "upload/F001",
            "files.getUploadURLExternal",
            "upload/F002",
            "files.completeUploadExternal",
        ]
    );

    // Step 1: bearer token, filename and exact byte length; alt text only for images.
    let first = &calls[0];
    assert!(authorized(first));
    assert_eq!(first.form["filename"], "attendance-Main Hall.csv");
    assert_eq!(first.form["length"], files[0].bytes.len().to_string());
    assert!(!first.form.contains_key("alt_txt"));
    assert_eq!(calls[2].form["length"], files[1].bytes.len().to_string());
    assert_eq!(calls[2].form["alt_txt"], "attendance-Main Hall.png");

    // Step 2: the very bytes, with the media type, and no token sent to the upload host.
    assert_eq!(calls[1].body, files[0].bytes);
    assert_eq!(calls[1].content_type.as_deref(), Some("text/csv"));
    assert_eq!(calls[1].authorization, None);
    assert_eq!(calls[3].body, files[1].bytes);
    assert_eq!(calls[3].content_type.as_deref(), Some("image/png"));
    assert_eq!(calls[3].authorization, None);

    // Step 3: one call with both ids, the channel and the thread.
    let done = &calls[4];
    assert!(authorized(done));
    assert_eq!(done.form["channel_id"], "C0123");
    assert_eq!(done.form["thread_ts"], "1700000000.000100");
    let shared: serde_json::Value =
        serde_json::from_str(&done.form["files"]).expect("files is JSON");
    assert_eq!(
        shared,
        serde_json::json!([
            {"id": "F001", "title": "attendance-Main Hall.csv"},
            {"id": "F002", "title": "attendance-Main Hall.png"},
        ])
    );
}

#[tokio::test]
async fn api_base_without_trailing_slash_and_no_thread() {
    let (fake, api) = start(Fault::None).await;
    let base = Url::parse(api.as_str().trim_end_matches('/')).expect("url");
    upload_files(
        &reqwest::Client::new(),
        &base,
        &token(),
        "C9",
        None,
        &[csv()],
    )
    .await
    .expect("upload succeeds");
    let calls = fake.calls();
    assert_eq!(calls.len(), 3);
    assert!(!calls[2].form.contains_key("thread_ts"));
}

#[tokio::test]
async fn nothing_to_upload_makes_no_call() {
    let (fake, api) = start(Fault::None).await;
    upload_files(&reqwest::Client::new(), &api, &token(), "C9", None, &[])
        .await
        .expect("no-op");
    assert!(fake.calls().is_empty());
}

#[tokio::test]
async fn slack_error_code_is_reported_without_the_token() {
    let (_fake, api) = start(Fault::CompleteChannelNotFound).await;
    let err = upload_files(
        &reqwest::Client::new(),
        &api,
        &token(),
        "C9",
        None,
        &[csv()],
    )
    .await
    .expect_err("channel_not_found");
    assert_eq!(err.slack_error(), Some("channel_not_found"));
    let text = format!("{err} {err:?}");
    assert!(text.contains("files.completeUploadExternal"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn wrong_token_is_invalid_auth() {
    let (fake, api) = start(Fault::None).await;
    let wrong = SecretString::from("xoxb-wrong");
    let err = upload_files(&reqwest::Client::new(), &api, &wrong, "C9", None, &[csv()])
        .await
        .expect_err("invalid_auth");
    assert_eq!(err.slack_error(), Some("invalid_auth"));
    assert_eq!(fake.calls().len(), 1, "stops after the refused call");
}

#[tokio::test]
async fn rate_limit_carries_retry_after() {
    let (_fake, api) = start(Fault::RateLimitGetUrl).await;
    let err = upload_files(
        &reqwest::Client::new(),
        &api,
        &token(),
        "C9",
        None,
        &[csv()],
    )
    .await
    .expect_err("rate limited");
    assert!(matches!(err, SlackApiError::RateLimited { .. }), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.to_string().contains("retry after 7 s"), "{err}");
}

#[tokio::test]
async fn upload_host_error_is_an_http_status_and_hides_the_signed_url() {
    let (fake, api) = start(Fault::UploadServerError).await;
    let err = upload_files(
        &reqwest::Client::new(),
        &api,
        &token(),
        "C9",
        None,
        &[csv()],
    )
    .await
    .expect_err("500");
    assert!(
        matches!(err, SlackApiError::Status { status, .. } if status == 500),
        "{err:?}"
    );
    assert!(!err.to_string().contains("sig=one-time"), "{err}");
    assert_eq!(fake.calls().len(), 2, "no completion after a failed upload");
}

#[tokio::test]
async fn unreachable_api_is_a_transport_error_without_the_token() {
    // Bind then drop a listener: nothing answers on that port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let api = Url::parse(&format!("http://{addr}/api/")).expect("url");
    let err = upload_files(
        &reqwest::Client::new(),
        &api,
        &token(),
        "C9",
        None,
        &[csv()],
    )
    .await
    .expect_err("unreachable");
    assert!(matches!(err, SlackApiError::Transport { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}
