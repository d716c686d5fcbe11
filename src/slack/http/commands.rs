//! `POST /slack/commands`: slash commands. `ssl_check=1` gets an empty 200. Otherwise the
//! caller is `slack:{user_id}` in `channel_id`; [`Bot::prepare`] answers fast commands
//! (help, usage errors, refusals) in the ack body, and slow ones are acknowledged with an
//! ephemeral "working on it" while a background task runs them and posts the result to
//! the `response_url` (`in_channel` when the reply is for the channel).
//!
//! [`Bot::prepare`]: crate::core::Bot::prepare

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::respond::{self, Destination};
use super::{SlackState, ack, error, form_fields, gate};
use crate::access::{Platform, Principal};
use crate::core::{Caller, Prepared};

const PATH: &str = "/slack/commands";

/// Handles one slash command.
pub(super) async fn handle(
    State(state): State<SlackState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match gate(&state, PATH, &headers, body) {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let mut form = form_fields(&body);
    if form.get("ssl_check").is_some_and(|v| v == "1") {
        return ack();
    }
    let user_id = form.remove("user_id").unwrap_or_default();
    let principal = match Principal::new(Platform::Slack, &user_id) {
        Ok(principal) => principal,
        Err(_) => {
            tracing::warn!(path = PATH, "slash command without a valid user_id");
            return error(StatusCode::BAD_REQUEST, "user_id is missing or invalid");
        }
    };
    let channel = form.remove("channel_id").filter(|c| !c.is_empty());
    let text = form.remove("text").unwrap_or_default();
    let caller = Caller {
        channel: channel.clone(),
        ..Caller::new(principal)
    };
    match state.inner.bot.prepare(&caller, &text).await {
        Prepared::Done(reply) => (
            [(header::CONTENT_TYPE, "application/json")],
            state.inner.rendered.get_or_render(&reply),
        )
            .into_response(),
        Prepared::Run(job) => {
            let Some(response_url) = form.remove("response_url").filter(|u| !u.is_empty()) else {
                return ephemeral(format!(
                    "Slack sent no response_url, so the result could not be delivered; nothing was done. (correlation id {})",
                    job.correlation_id()
                ));
            };
            let working = job.working_text();
            let to = Destination {
                response_url,
                channel,
                private_follow_up: false,
            };
            tokio::spawn(async move {
                let cid = job.correlation_id().to_owned();
                let reply = state.inner.bot.run(job).await;
                respond::deliver(&state, reply, &to, &cid).await;
            });
            ephemeral(working)
        }
    }
}

/// An ephemeral plain-text ack.
fn ephemeral(text: String) -> Response {
    Json(serde_json::json!({ "response_type": "ephemeral", "text": text })).into_response()
}
