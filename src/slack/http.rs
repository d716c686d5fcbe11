//! Slack in HTTP mode: `POST /slack/commands`, `/slack/interactions` and `/slack/events`.
//!
//! Every request goes through the same gate: a 256 KiB body limit (413), then the
//! signature over the raw body (401, logged with the reason and the path, never the
//! secret). The parsed request then goes to [`crate::slack::app`], whose [`Answer`] becomes
//! the response.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::app::{self, Answer, form_fields};
pub use super::app::{SlackSetupError, SlackState, UnixClock};

/// Largest accepted request body. Slack's own payloads stay far below it.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The three Slack endpoints, ready to be merged into the server's router.
pub fn router(state: SlackState) -> Router {
    Router::new()
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .route("/slack/events", post(events))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

async fn commands(
    State(state): State<SlackState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const PATH: &str = "/slack/commands";
    match gate(&state, PATH, &headers, body) {
        Ok(body) => respond(app::commands::answer(&state, form_fields(&body)).await),
        Err(refusal) => refusal.into_response(),
    }
}

async fn interactions(
    State(state): State<SlackState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const PATH: &str = "/slack/interactions";
    let body = match gate(&state, PATH, &headers, body) {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(raw) = form_fields(&body).remove("payload") else {
        return respond(Answer::Invalid("payload is missing"));
    };
    match serde_json::from_str(&raw) {
        Ok(payload) => respond(app::interactions::answer(&state, payload).await),
        Err(e) => {
            tracing::warn!(path = PATH, error = %e, "unreadable interaction payload");
            respond(Answer::Invalid("payload is not JSON"))
        }
    }
}

async fn events(
    State(state): State<SlackState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const PATH: &str = "/slack/events";
    let body = match gate(&state, PATH, &headers, body) {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let retry = headers
        .get("x-slack-retry-num")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    match serde_json::from_slice(&body) {
        Ok(envelope) => respond(app::events::answer(&state, envelope, retry).await),
        Err(e) => {
            tracing::warn!(path = PATH, error = %e, "unreadable event envelope");
            respond(Answer::Invalid("body is not an Events API envelope"))
        }
    }
}

/// The HTTP response of an [`Answer`].
fn respond(answer: Answer) -> Response {
    match answer {
        Answer::Empty => StatusCode::OK.into_response(),
        Answer::Json(value) => axum::Json(value).into_response(),
        Answer::Rendered(bytes) => {
            ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
        }
        Answer::Invalid(message) => error(StatusCode::BAD_REQUEST, message),
        Answer::Retry(message) => error(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// Why a request was turned away before its handler ran.
#[derive(Debug)]
enum Refusal {
    TooLarge,
    BadSignature,
    Unreadable(BytesRejection),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::TooLarge => error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
            Refusal::BadSignature => error(StatusCode::UNAUTHORIZED, "invalid signature"),
            Refusal::Unreadable(rejection) => rejection.into_response(),
        }
    }
}

/// The raw body of a request whose size and signature are fine, or why it is refused.
fn gate(
    state: &SlackState,
    path: &'static str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Bytes, Refusal> {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            tracing::warn!(
                path,
                limit = BODY_LIMIT,
                "refused a Slack request: body too large"
            );
            return Err(Refusal::TooLarge);
        }
        Err(rejection) => return Err(Refusal::Unreadable(rejection)),
    };
    if let Err(reason) = state.verify(headers, &body) {
        tracing::warn!(path, %reason, "refused a Slack request: bad signature");
        return Err(Refusal::BadSignature);
    }
    Ok(body)
}

/// `{"error": message}` with `status`.
fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}
