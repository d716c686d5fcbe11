//! A fake Slack on an ephemeral port that records every call: `response_url` posts
//! (`/response/{n}`), the Web API (`/api/chat.postMessage`, `/api/chat.postEphemeral`,
//! `/api/files.getUploadURLExternal`, `/api/files.completeUploadExternal`) and file
//! uploads (`/upload/{id}`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    pub path: String,
    /// The body as JSON when it was JSON, else the form fields as a JSON object.
    pub body: Value,
    pub authorization: Option<String>,
}

#[derive(Clone)]
pub struct FakeSlack {
    calls: Arc<Mutex<Vec<Call>>>,
    /// `users.info` answers: user id → IANA zone (users not listed have no `tz`).
    time_zones: Arc<Mutex<std::collections::HashMap<String, String>>>,
    /// `usergroups.users.list` answers: group id → member ids (others: `no_such_subteam`).
    groups: Arc<Mutex<std::collections::HashMap<String, Vec<String>>>>,
    pub base: String,
    next_response: Arc<AtomicUsize>,
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake Slack");
        let base = format!("http://{}/", listener.local_addr().expect("addr"));
        let fake = FakeSlack {
            calls: Arc::default(),
            time_zones: Arc::default(),
            groups: Arc::default(),
            base,
            next_response: Arc::default(),
        };
        let app = Router::new()
            .route("/response/{n}", post(response))
            .route("/api/files.getUploadURLExternal", post(get_upload_url))
            .route("/api/{method}", post(web_api).get(web_api))
            .route("/upload/{id}", post(upload))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    /// Makes `users.info` report `tz` for `user`.
    pub fn set_time_zone(&self, user: &str, tz: &str) {
        self.time_zones
            .lock()
            .expect("tz")
            .insert(user.to_owned(), tz.to_owned());
    }

    /// Makes `usergroups.users.list` list `members` for `group`.
    pub fn set_group(&self, group: &str, members: &[&str]) {
        self.groups.lock().expect("groups").insert(
            group.to_owned(),
            members.iter().map(|m| (*m).to_owned()).collect(),
        );
    }

    /// The Web API base (`SLACK_API_URL`).
    pub fn api_url(&self) -> String {
        format!("{}api/", self.base)
    }

    /// A fresh `response_url`.
    pub fn response_url(&self) -> String {
        let n = self.next_response.fetch_add(1, Ordering::SeqCst);
        format!("{}response/{n}", self.base)
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("calls").clone()
    }

    /// Calls whose path is `path` (e.g. `/api/chat.postMessage`, or a response URL's path).
    pub fn calls_to(&self, path: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.path == path)
            .collect()
    }

    /// Waits (up to 10 s) until `path` received `count` calls, and returns them.
    pub async fn wait_for(&self, path: &str, count: usize) -> Vec<Call> {
        for _ in 0..500 {
            let calls = self.calls_to(path);
            if calls.len() >= count {
                return calls;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "{path} received {} calls, expected {count}; all calls: {:#?}",
            self.calls_to(path).len(),
            self.calls()
        );
    }

    /// Records the call; returns its body as JSON (see [`Call::body`]).
    fn record(&self, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Value {
        let query: Option<serde_json::Map<String, Value>> = uri.query().map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .map(|(k, v)| (k, Value::from(v)))
                .collect()
        });
        let body = match query {
            Some(query) if body.is_empty() => Value::Object(query),
            _ => serde_json::from_slice(body).unwrap_or_else(|_| {
                let form: serde_json::Map<String, Value> = url::form_urlencoded::parse(body)
                    .into_owned()
                    .map(|(k, v)| (k, Value::from(v)))
                    .collect();
                Value::Object(form)
            }),
        };
        let authorization = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self.calls.lock().expect("calls").push(Call {
            path: uri.path().to_owned(),
            body: body.clone(),
            authorization,
        });
        body
    }
}

/// Path of a response URL made by [`FakeSlack::response_url`].
pub fn path_of(url: &str) -> String {
    url::Url::parse(url).expect("url").path().to_owned()
}

async fn response(
    State(fake): State<FakeSlack>,
    Path(_n): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    fake.record(&uri, &headers, &body);
    "ok".into_response()
}

async fn web_api(
    State(fake): State<FakeSlack>,
    Path(method): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = fake.record(&uri, &headers, &body);
    let field = |name: &str| request.get(name).and_then(Value::as_str).map(str::to_owned);
    let answer = match method.as_str() {
        "chat.postMessage" => {
            let n = fake.next_response.fetch_add(1, Ordering::SeqCst);
            let channel = field("channel").unwrap_or_else(|| "C1".into());
            let ts = format!("1700000000.{n:06}");
            json!({
                "ok": true,
                "channel": channel,
                "ts": ts,
                "message": {"ts": ts, "text": ""},
            })
        }
        "chat.update" => {
            let channel = field("channel").unwrap_or_else(|| "C1".into());
            let ts = field("ts").unwrap_or_default();
            json!({"ok": true, "channel": channel, "ts": ts})
        }
        "chat.postEphemeral" => json!({"ok": true, "message_ts": "1700000000.000300"}),
        "views.open" | "views.update" => {
            let n = fake.next_response.fetch_add(1, Ordering::SeqCst);
            let view = request
                .get("view")
                .cloned()
                .unwrap_or_else(|| json!({"type": "modal", "title": {"type": "plain_text", "text": "?"}, "blocks": []}));
            let view = match view {
                // slack-morphism may send the view as a JSON string inside a form.
                Value::String(s) => serde_json::from_str(&s).unwrap_or(Value::Null),
                other => other,
            };
            let mut view = view;
            view["id"] = json!(format!("V{n}"));
            view["team_id"] = json!("T1");
            view["hash"] = json!(format!("h{n}"));
            json!({"ok": true, "view": view})
        }
        "users.info" => {
            let user = field("user").unwrap_or_default();
            let tz = fake.time_zones.lock().expect("tz").get(&user).cloned();
            let mut u = json!({"id": user, "team_id": "T1", "name": user.to_lowercase()});
            if let Some(tz) = tz {
                u["tz"] = json!(tz);
            }
            json!({"ok": true, "user": u})
        }
        "usergroups.users.list" => {
            let group = field("usergroup").unwrap_or_default();
            match fake.groups.lock().expect("groups").get(&group) {
                Some(members) => json!({"ok": true, "users": members}),
                None => json!({"ok": false, "error": "no_such_subteam"}),
            }
        }
        "files.completeUploadExternal" => json!({"ok": true, "files": [{"id": "F1"}]}),
        _ => json!({"ok": false, "error": "unknown_method"}),
    };
    axum::Json(answer).into_response()
}

async fn get_upload_url(
    State(fake): State<FakeSlack>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    fake.record(&uri, &headers, &body);
    let n = fake.next_response.fetch_add(1, Ordering::SeqCst);
    axum::Json(json!({
        "ok": true,
        "upload_url": format!("{}upload/F{n}", fake.base),
        "file_id": format!("F{n}"),
    }))
    .into_response()
}

async fn upload(
    State(fake): State<FakeSlack>,
    Path(_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // The bytes are not JSON or a form: record their size only.
    let size = Bytes::from(format!("size={}", body.len()));
    fake.record(&uri, &headers, &size);
    "OK".into_response()
}
