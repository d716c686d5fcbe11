//! `POST /slack/events`: the Events API. `url_verification` answers the challenge (after
//! the signature check). `event_callback` deliveries are de-duplicated on
//! `(team_id, event_id)` through the store (a retry with `X-Slack-Retry-Num` is
//! acknowledged and not processed again; a store failure answers 500 so Slack retries),
//! acknowledged at once and processed in the background: an `app_mention` runs the text
//! after the mention as a command and answers in the thread — `chat.postMessage` when the
//! reply is for the channel, `chat.postEphemeral` to the caller otherwise.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::Value;

use super::respond;
use super::{SlackState, ack, error, gate};
use crate::access::{Platform, Principal};
use crate::core::{Caller, Prepared, Reply, Visibility};
use crate::slack::blocks;
use crate::store::{self, StoreError, inbound_deliveries};

const PATH: &str = "/slack/events";
/// How long an `event_id` is remembered (Slack retries within about 5 minutes).
const DEDUPE_FOR: TimeDelta = TimeDelta::hours(1);

/// The parts of an Events API envelope read here.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    challenge: Option<String>,
    team_id: Option<String>,
    event_id: Option<String>,
    event: Option<Event>,
}

#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    user: Option<String>,
    text: Option<String>,
    channel: Option<String>,
    ts: Option<String>,
    thread_ts: Option<String>,
    bot_id: Option<String>,
}

/// Handles one Events API delivery.
pub(super) async fn handle(
    State(state): State<SlackState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match gate(&state, PATH, &headers, body) {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let envelope: Envelope = match serde_json::from_slice(&body) {
        Ok(envelope) => envelope,
        Err(e) => {
            tracing::warn!(path = PATH, error = %e, "unreadable event envelope");
            return error(
                StatusCode::BAD_REQUEST,
                "body is not an Events API envelope",
            );
        }
    };
    match envelope.kind.as_str() {
        "url_verification" => {
            let challenge = envelope.challenge.unwrap_or_default();
            Json(serde_json::json!({ "challenge": challenge })).into_response()
        }
        "event_callback" => callback(state, &headers, envelope).await,
        other => {
            tracing::debug!(
                kind = other,
                "event envelope type not handled; acknowledged"
            );
            ack()
        }
    }
}

async fn callback(state: SlackState, headers: &HeaderMap, envelope: Envelope) -> Response {
    let (Some(event_id), Some(event)) = (envelope.event_id, envelope.event) else {
        return error(
            StatusCode::BAD_REQUEST,
            "event_callback without event_id or event",
        );
    };
    if event.kind != "app_mention" {
        // Nothing else is subscribed; acknowledge without a store write.
        tracing::debug!(kind = %event.kind, "event type not handled; acknowledged");
        return ack();
    }
    let key = format!("{}:{event_id}", envelope.team_id.unwrap_or_default());
    let retry = headers
        .get("x-slack-retry-num")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("0");
    match first_delivery(&state, &key).await {
        Ok(true) => {
            tokio::spawn(async move { process(state, event).await });
            ack()
        }
        Ok(false) => {
            tracing::debug!(
                event_id,
                retry,
                "event already received; acknowledged, not processed again"
            );
            ack()
        }
        Err(e) => {
            tracing::error!(event_id, error = %e, "cannot record the event delivery; asking Slack to retry");
            error(StatusCode::INTERNAL_SERVER_ERROR, "store unavailable")
        }
    }
}

/// Records the delivery key; true when it was not seen before (or has expired).
async fn first_delivery(state: &SlackState, key: &str) -> Result<bool, StoreError> {
    let now = store::now();
    let mut tx = state.inner.db.begin().await?;
    let new =
        inbound_deliveries::insert_if_absent(&mut tx, "slack", key, now, now + DEDUPE_FOR).await?;
    tx.commit().await?;
    Ok(new)
}

/// Answers an `app_mention` in its thread.
async fn process(state: SlackState, event: Event) {
    if event.bot_id.is_some() {
        return;
    }
    if state.inner.bot_token.is_none() {
        tracing::info!("app mention ignored: answering in a thread needs SLACK_BOT_TOKEN");
        return;
    }
    let user = event.user.unwrap_or_default();
    let (Ok(principal), Some(channel), Some(ts)) = (
        Principal::new(Platform::Slack, &user),
        event.channel,
        event.ts,
    ) else {
        tracing::warn!("app mention without a valid user, channel or ts; ignored");
        return;
    };
    let thread_ts = event.thread_ts.unwrap_or(ts);
    let text = command_text(event.text.as_deref().unwrap_or_default());
    let caller = Caller {
        channel: Some(channel.clone()),
        ..Caller::new(principal)
    };
    let (mut reply, cid) = match state.inner.bot.prepare(&caller, text).await {
        Prepared::Done(reply) => (reply, "none".to_owned()),
        Prepared::Run(job) => {
            let cid = job.correlation_id().to_owned();
            (state.inner.bot.run(job).await, cid)
        }
    };
    let upload = respond::plan_files(&state, &mut reply, Some(&channel), false);
    if let Err(e) = post_in_thread(&state, &reply, &channel, &thread_ts, &user).await {
        tracing::warn!(correlation_id = %cid, error = %e, "could not answer an app mention");
        return;
    }
    if upload {
        // A failure is logged by `share_files`; the thread already has the reply.
        let _ = respond::share_files(&state, &reply, &channel, Some(&thread_ts), &cid).await;
    }
}

async fn post_in_thread(
    state: &SlackState,
    reply: &Reply,
    channel: &str,
    thread_ts: &str,
    user: &str,
) -> Result<(), crate::slack::error::SlackApiError> {
    let mut body = blocks::message(reply).to_response_json();
    if let Value::Object(map) = &mut body {
        map.remove("response_type");
        map.insert("channel".into(), Value::from(channel));
        map.insert("thread_ts".into(), Value::from(thread_ts));
    }
    let method = if reply.visibility == Visibility::Channel {
        "chat.postMessage"
    } else {
        body["user"] = Value::from(user);
        "chat.postEphemeral"
    };
    respond::call_api(state, method, &body).await
}

/// The text after a leading `<@U…>` mention of the bot.
fn command_text(text: &str) -> &str {
    let text = text.trim_start();
    match text
        .strip_prefix("<@")
        .and_then(|rest| rest.split_once('>'))
    {
        Some((_, rest)) => rest.trim(),
        None => text.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::command_text;

    #[test]
    fn the_leading_mention_is_stripped() {
        assert_eq!(command_text("<@U0BOT> help"), "help");
        assert_eq!(
            command_text("  <@U0BOT|bot>   rooms  theater "),
            "rooms  theater"
        );
        assert_eq!(command_text("help"), "help");
        assert_eq!(command_text("<@U0BOT>"), "");
    }
}
