//! Slack in HTTP mode: `POST /slack/commands`, `/slack/interactions` and `/slack/events`.
//!
//! Every request goes through the same gate: a 256 KiB body limit (413), then the
//! signature over the raw body (401, logged with the reason and the path, never the
//! secret), then the handler. Handlers answer within Slack's 3-second limit: they parse,
//! look up the caller's role and authorize (one store read in [`crate::core::Bot::prepare`]),
//! answer, and leave Virbela calls, store writes and Slack Web API calls to a background
//! task that delivers through the `response_url` or `chat.postMessage`.
//!
//! - [`state`]: [`SlackState`], what the handlers share.
//! - `commands`: slash commands (`ssl_check`, fast answers in the ack, slow ones after).
//! - `interactions`: approval buttons (other interaction types are acknowledged only).
//! - `events`: `url_verification`, and `app_mention` de-duplicated on `event_id`.
//! - `respond`: `response_url` posts (at most 5 each), `chat.postMessage`, attachments.

mod commands;
mod events;
mod interactions;
mod rendered;
mod respond;
pub mod state;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

pub use state::{SlackSetupError, SlackState, UnixClock};

/// Largest accepted request body. Slack's own payloads stay far below it.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The three Slack endpoints, ready to be merged into the server's router.
pub fn router(state: SlackState) -> Router {
    Router::new()
        .route("/slack/commands", post(commands::handle))
        .route("/slack/interactions", post(interactions::handle))
        .route("/slack/events", post(events::handle))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
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
    if let Err(reason) = state
        .inner
        .verifier
        .verify(headers, &body, state.now_unix())
    {
        tracing::warn!(path, %reason, "refused a Slack request: bad signature");
        return Err(Refusal::BadSignature);
    }
    Ok(body)
}

/// `{"error": message}` with `status`.
fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

/// 200 with an empty body: "received, nothing to show".
fn ack() -> Response {
    StatusCode::OK.into_response()
}

/// The fields of an `application/x-www-form-urlencoded` body (the last one wins).
fn form_fields(body: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}
