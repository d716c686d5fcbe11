//! Test helpers: requests against `Sandbox::router()` through `tower::ServiceExt::oneshot`,
//! with the default credentials, and answers decoded as raw JSON.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::{Sandbox, SandboxOptions};

pub(crate) const CLIENT_ID: &str = "sandbox-client";
pub(crate) const CLIENT_SECRET: &str = "sandbox-secret";
pub(crate) const CLIENT_NAME: &str = "sandboxcampus";

/// An answer: status, headers, body as JSON (`Value::Null` when not JSON) and as text.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Reply {
    /// Asserts the error envelope with `status`; returns the detail.
    #[track_caller]
    pub fn error(&self, status: StatusCode) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.json["responseCode"], "error", "{}", self.text);
        assert!(
            self.json["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{}",
            self.text
        );
        assert_request_id(&self.json);
        let keys: Vec<&str> = self
            .json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["responseCode", "title", "detail", "requestId"],
            "{}",
            self.text
        );
        self.json["detail"].as_str().expect("detail").to_string()
    }

    /// Asserts the success envelope; returns `data`.
    #[track_caller]
    pub fn success(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
        assert_eq!(self.json["responseCode"], "success", "{}", self.text);
        assert!(
            self.json["title"].is_string() && self.json["detail"].is_string(),
            "{}",
            self.text
        );
        assert_request_id(&self.json);
        &self.json["data"]
    }
}

#[track_caller]
pub(crate) fn assert_request_id(json: &Value) {
    let id = json["requestId"].as_str().expect("requestId");
    assert_eq!(id.len(), 24, "{id}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
}

/// An empty campus with the default credentials.
pub(crate) fn empty() -> Router {
    Sandbox::new(SandboxOptions {
        seed: None,
        ..SandboxOptions::default()
    })
    .router()
}

/// A request builder with the default credentials.
pub(crate) fn request(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("V-Client-Id", CLIENT_ID)
        .header("v-client-secret", CLIENT_SECRET)
}

pub(crate) fn json_body(body: Option<&Value>) -> Body {
    body.map_or_else(Body::empty, |b| Body::from(b.to_string()))
}

/// Sends one request.
pub(crate) async fn send(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        json,
        text,
    }
}

/// An API call with the default credentials.
pub(crate) async fn api(app: &Router, method: Method, uri: &str, body: Option<Value>) -> Reply {
    let req = request(method, uri)
        .body(json_body(body.as_ref()))
        .expect("request");
    send(app, req).await
}

pub(crate) async fn get(app: &Router, uri: &str) -> Reply {
    api(app, Method::GET, uri, None).await
}

pub(crate) async fn post(app: &Router, uri: &str, body: Value) -> Reply {
    api(app, Method::POST, uri, Some(body)).await
}

/// A control call (no credentials).
pub(crate) async fn control(app: &Router, method: Method, uri: &str, body: Option<Value>) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .body(json_body(body.as_ref()))
        .expect("request");
    send(app, req).await
}

/// Adds members through the control API; answers their user objects.
pub(crate) async fn add_users(app: &Router, users: Value) -> Vec<Value> {
    let reply = control(
        app,
        Method::POST,
        "/_sandbox/users",
        Some(json!({ "users": users })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json["users"].as_array().expect("users").clone()
}

/// Adds one room with the given id.
pub(crate) async fn add_room(app: &Router, id: &str, name: &str, sfs: &str) {
    let room = json!({ "objectId": id, "name": name, "SFSRoom": sfs });
    let reply = control(
        app,
        Method::POST,
        "/_sandbox/rooms",
        Some(json!({ "rooms": [room] })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}
