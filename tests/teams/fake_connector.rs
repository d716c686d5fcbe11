//! A fake Bot Framework connector and token service on an ephemeral port, for every
//! Teams test: `POST /{tenant}/oauth2/v2.0/token` (checks the client-credentials form,
//! answers `tok-N`), `POST /v3/conversations` (`a:conv-N`),
//! `POST /v3/conversations/{id}/activities[/{aid}]` (`act-N`),
//! `PUT|DELETE /v3/conversations/{id}/activities/{aid}`.
//!
//! It records every call (method, decoded path, `Authorization`, JSON body, the instant
//! it arrived, the status answered and the id returned), checks that the bearer token is
//! one it issued and still valid, and answers scripted faults ([`FakeConnector::fail_next`])
//! before doing anything else. Every answer carries an `X-Correlating-OperationId`.
//!
//! ```ignore
//! let fake = FakeConnector::start().await;
//! let connector = fake.connector();
//! fake.fail_next(429, Some(1), None);
//! connector.send(&fake.url, "a:1", &json!({"type":"message","text":"hi"})).await?;
//! assert_eq!(fake.calls_to("POST", "/v3/conversations/a:1/activities").len(), 2);
//! ```

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::time::Instant;
use url::Url;
use virbela_bot::teams::connector::{Connector, ConnectorSettings, Timer, TokioTimer};

/// The app id the fake token service accepts.
pub const APP_ID: &str = "11111111-2222-3333-4444-555555555555";
/// The app password the fake token service accepts.
pub const APP_PASSWORD: &str = "fake-app-password~0123456789";
/// The tenant in [`FakeConnector::token_url`].
pub const TENANT: &str = "fake-tenant";
/// The scope a token request must ask for.
pub const SCOPE: &str = "https://api.botframework.com/.default";

/// One request the fake connector received (token requests are kept apart).
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The path with ids decoded, e.g. `/v3/conversations/19:a@thread.tacv2;messageid=1/activities`.
    pub path: String,
    /// The path as sent (percent-encoded).
    pub raw_path: String,
    pub authorization: Option<String>,
    /// The JSON body (`Null` when there was none or it was not JSON).
    pub body: Value,
    /// When it arrived, on the fake's timer (the connector's, when they share one).
    pub at: Instant,
    /// The status the fake answered.
    pub status: u16,
    /// The activity or conversation id the fake answered with.
    pub id: Option<String>,
}

impl Call {
    /// The conversation id of a `/v3/conversations/{id}/…` path.
    pub fn conversation(&self) -> Option<&str> {
        self.path
            .strip_prefix("/v3/conversations/")
            .and_then(|rest| rest.split("/activities").next())
    }
}

/// A scripted answer for the next call.
#[derive(Debug, Clone)]
pub struct Fault {
    pub status: u16,
    /// `Retry-After` in seconds.
    pub retry_after: Option<u64>,
    pub body: Option<Value>,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    token_forms: Vec<HashMap<String, String>>,
    faults: VecDeque<Fault>,
    token_faults: VecDeque<Fault>,
    /// Tokens `tok-N` with `valid_from <= N <= issued` are accepted.
    issued: u64,
    valid_from: u64,
    token_lifetime: Option<u64>,
    next_activity: u64,
    next_conversation: u64,
    next_operation: u64,
}

#[derive(Clone)]
pub struct FakeConnector {
    /// The serviceUrl base, `http://127.0.0.1:{port}/`.
    pub url: Url,
    /// `http://127.0.0.1:{port}/fake-tenant/oauth2/v2.0/token`
    pub token_url: Url,
    inner: Arc<Mutex<Inner>>,
    timer: Arc<dyn Timer>,
}

impl FakeConnector {
    /// A fake stamping calls with the tokio clock.
    pub async fn start() -> FakeConnector {
        FakeConnector::start_with_timer(Arc::new(TokioTimer)).await
    }

    /// A fake stamping calls with `timer` (share it with the connector under test).
    pub async fn start_with_timer(timer: Arc<dyn Timer>) -> FakeConnector {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake connector");
        let addr = listener.local_addr().expect("fake connector address");
        let url = Url::parse(&format!("http://{addr}/")).expect("fake url");
        let token_url = url
            .join(&format!("{TENANT}/oauth2/v2.0/token"))
            .expect("token url");
        let fake = FakeConnector {
            url,
            token_url,
            inner: Arc::default(),
            timer,
        };
        let app = Router::new()
            .route("/{tenant}/oauth2/v2.0/token", post(token))
            .route("/v3/conversations", post(create_conversation))
            .route("/v3/conversations/{id}/activities", post(send))
            .route(
                "/v3/conversations/{id}/activities/{aid}",
                post(reply).put(update).delete(delete),
            )
            .fallback(unknown)
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().expect("fake connector state")
    }

    /// Settings for a connector talking to this fake (loopback allowed as an extra host).
    pub fn settings(&self) -> ConnectorSettings {
        ConnectorSettings {
            app_id: APP_ID.to_owned(),
            app_password: SecretString::from(APP_PASSWORD),
            token_url: self.token_url.clone(),
            extra_hosts: vec!["127.0.0.1".to_owned()],
        }
    }

    /// A connector with its own HTTP client and the tokio clock, talking to this fake.
    pub fn connector(&self) -> Connector {
        Connector::new(self.settings())
    }

    /// A connector reading `timer` (for throttle and back-off checks).
    pub fn connector_with_timer(&self, timer: Arc<dyn Timer>) -> Connector {
        Connector::with_timer(self.settings(), reqwest::Client::new(), timer)
    }

    /// Every connector call so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The calls with this method whose decoded path starts with `path_prefix`.
    pub fn calls_to(&self, method: &str, path_prefix: &str) -> Vec<Call> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method) && c.path.starts_with(path_prefix))
            .cloned()
            .collect()
    }

    /// The activities sent or replied into `conversation` and answered 2xx (bodies).
    pub fn activities_in(&self, conversation: &str) -> Vec<Value> {
        self.lock()
            .calls
            .iter()
            .filter(|c| {
                c.method == "POST"
                    && c.conversation() == Some(conversation)
                    && (200..300).contains(&c.status)
            })
            .map(|c| c.body.clone())
            .collect()
    }

    /// How many token requests arrived (refused ones included).
    pub fn token_requests(&self) -> usize {
        self.lock().token_forms.len()
    }

    /// The form fields of every token request.
    pub fn token_forms(&self) -> Vec<HashMap<String, String>> {
        self.lock().token_forms.clone()
    }

    /// The next connector call is answered `status` (with `Retry-After: retry_after` and
    /// `body` when given); calls queue faults in order.
    pub fn fail_next(&self, status: u16, retry_after: Option<u64>, body: Option<Value>) {
        self.lock().faults.push_back(Fault {
            status,
            retry_after,
            body,
        });
    }

    /// The next call answered `status` with `{"error":{"code":code,"message":…}}`.
    pub fn fail_next_with_code(&self, status: u16, code: &str) {
        self.fail_next(
            status,
            None,
            Some(json!({"error": {"code": code, "message": format!("fake {code}")}})),
        );
    }

    /// The next token request is answered `status` with `body`.
    pub fn fail_next_token(&self, status: u16, body: Value) {
        self.lock().token_faults.push_back(Fault {
            status,
            retry_after: None,
            body: Some(body),
        });
    }

    /// Every token issued so far stops working: the next connector call with one answers
    /// 401 (a connector that refreshes then gets through).
    pub fn expire_tokens(&self) {
        let mut inner = self.lock();
        inner.valid_from = inner.issued + 1;
    }

    /// The `expires_in` of the next tokens (default 3600).
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.lock().token_lifetime = Some(seconds);
    }

    /// Forgets the calls recorded so far (tokens and faults stay).
    pub fn clear_calls(&self) {
        self.lock().calls.clear();
    }
}

async fn token(State(fake): State<FakeConnector>, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let mut inner = fake.lock();
    inner.token_forms.push(form.clone());
    if let Some(fault) = inner.token_faults.pop_front() {
        return json_answer(fault.status, fault.body.unwrap_or(Value::Null), None, None);
    }
    let field = |k: &str| form.get(k).map(String::as_str);
    if field("grant_type") != Some("client_credentials") {
        return aad_error(
            400,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type.",
        );
    }
    if field("client_id") != Some(APP_ID) {
        return aad_error(
            400,
            "unauthorized_client",
            700016,
            "Application with identifier was not found in the directory.",
        );
    }
    if field("client_secret") != Some(APP_PASSWORD) {
        return aad_error(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
    }
    if field("scope") != Some(SCOPE) {
        return aad_error(
            400,
            "invalid_scope",
            70011,
            "The provided value for the input parameter 'scope' is not valid.",
        );
    }
    inner.issued += 1;
    let n = inner.issued;
    if inner.valid_from == 0 {
        inner.valid_from = 1;
    }
    let lifetime = inner.token_lifetime.unwrap_or(3600);
    json_answer(
        200,
        json!({"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": format!("tok-{n}")}),
        None,
        None,
    )
}

fn aad_error(status: u16, error: &str, code: u64, text: &str) -> Response {
    json_answer(
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2025-01-01 00:00:00Z"),
            "error_codes": [code],
        }),
        None,
        None,
    )
}

/// What a connector route answers when nothing went wrong.
enum Outcome {
    Activity,
    Updated(String),
    Deleted,
    Conversation { with_activity: bool },
}

/// Records the call and answers it: auth check, then a scripted fault, then `outcome`.
fn handle(
    fake: &FakeConnector,
    method: &str,
    path: String,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    outcome: Outcome,
) -> Response {
    let at = fake.timer.now();
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut inner = fake.lock();
    inner.next_operation += 1;
    let operation = format!("op-{}", inner.next_operation);
    let token_ok = authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer tok-"))
        .and_then(|n| n.parse::<u64>().ok())
        .is_some_and(|n| n >= inner.valid_from && n <= inner.issued && n > 0);
    let (status, answer, retry_after, id) = if !token_ok {
        (
            401,
            json!({"error": {"code": "Unauthorized", "message": "Authorization has been denied for this request."}}),
            None,
            None,
        )
    } else if let Some(fault) = inner.faults.pop_front() {
        (
            fault.status,
            fault.body.unwrap_or(Value::Null),
            fault.retry_after,
            None,
        )
    } else {
        match outcome {
            Outcome::Activity => {
                inner.next_activity += 1;
                let id = format!("act-{}", inner.next_activity);
                (201, json!({"id": id}), None, Some(id))
            }
            Outcome::Updated(id) => (200, json!({"id": id}), None, Some(id)),
            Outcome::Deleted => (200, Value::Null, None, None),
            Outcome::Conversation { with_activity } => {
                inner.next_conversation += 1;
                let id = format!("a:conv-{}", inner.next_conversation);
                let mut answer = json!({"id": id});
                if with_activity {
                    inner.next_activity += 1;
                    answer["activityId"] = json!(format!("act-{}", inner.next_activity));
                }
                (201, answer, None, Some(id))
            }
        }
    };
    inner.calls.push(Call {
        method: method.to_owned(),
        path,
        raw_path: uri.path().to_owned(),
        authorization,
        body,
        at,
        status,
        id,
    });
    json_answer(status, answer, retry_after, Some(&operation))
}

fn json_answer(
    status: u16,
    body: Value,
    retry_after: Option<u64>,
    operation: Option<&str>,
) -> Response {
    let status = StatusCode::from_u16(status).expect("a valid status");
    let mut response = if body.is_null() {
        status.into_response()
    } else {
        (status, axum::Json(body)).into_response()
    };
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from(secs));
    }
    if let Some(op) = operation {
        response.headers_mut().insert(
            "x-correlating-operationid",
            HeaderValue::from_str(op).expect("operation id"),
        );
    }
    response
}

async fn create_conversation(
    State(fake): State<FakeConnector>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let with_activity = serde_json::from_slice::<Value>(&body)
        .ok()
        .is_some_and(|v| v.get("activity").is_some_and(|a| !a.is_null()));
    handle(
        &fake,
        "POST",
        "/v3/conversations".to_owned(),
        &uri,
        &headers,
        &body,
        Outcome::Conversation { with_activity },
    )
}

async fn send(
    State(fake): State<FakeConnector>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/v3/conversations/{id}/activities");
    handle(
        &fake,
        "POST",
        path,
        &uri,
        &headers,
        &body,
        Outcome::Activity,
    )
}

async fn reply(
    State(fake): State<FakeConnector>,
    Path((id, aid)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/v3/conversations/{id}/activities/{aid}");
    handle(
        &fake,
        "POST",
        path,
        &uri,
        &headers,
        &body,
        Outcome::Activity,
    )
}

async fn update(
    State(fake): State<FakeConnector>,
    Path((id, aid)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/v3/conversations/{id}/activities/{aid}");
    handle(
        &fake,
        "PUT",
        path,
        &uri,
        &headers,
        &body,
        Outcome::Updated(aid),
    )
}

async fn delete(
    State(fake): State<FakeConnector>,
    Path((id, aid)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v3/conversations/{id}/activities/{aid}");
    handle(&fake, "DELETE", path, &uri, &headers, &[], Outcome::Deleted)
}

/// Anything else is recorded and answered 404 (so a wrongly encoded path shows up).
async fn unknown(
    State(fake): State<FakeConnector>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = fake.timer.now();
    let mut inner = fake.lock();
    inner.calls.push(Call {
        method: method.to_string(),
        path: uri.path().to_owned(),
        raw_path: uri.path().to_owned(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        at,
        status: 404,
        id: None,
    });
    json_answer(
        404,
        json!({"error": {"code": "NotFound", "message": "no such route on the fake connector"}}),
        None,
        None,
    )
}
