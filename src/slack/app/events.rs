//! The Events API. `url_verification` answers the challenge (after
//! the signature check). `event_callback` deliveries are de-duplicated on
//! `(team_id, event_id)` through the store (a retry is acknowledged and not processed
//! again; a store failure asks Slack to retry),
//! acknowledged at once and processed in the background: an `app_mention` runs the text
//! after the mention as a command and answers in the thread — `chat.postMessage` when the
//! reply is for the channel, `chat.postEphemeral` to the caller otherwise.

use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::{Value, json};

use super::respond;
use super::{Answer, SlackState, people};
use crate::core::{Prepared, Reply, Visibility};
use crate::slack::blocks;
use crate::store::{self, StoreError, inbound_deliveries};

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

/// Answers one Events API delivery; `retry` is Slack's retry number (0 the first time).
pub async fn answer(state: &SlackState, envelope: Value, retry: u32) -> Answer {
    let envelope: Envelope = match serde_json::from_value(envelope) {
        Ok(envelope) => envelope,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable event envelope");
            return Answer::Invalid("body is not an Events API envelope");
        }
    };
    match envelope.kind.as_str() {
        "url_verification" => {
            let challenge = envelope.challenge.unwrap_or_default();
            Answer::Json(json!({ "challenge": challenge }))
        }
        "event_callback" => callback(state, envelope, retry).await,
        other => {
            tracing::debug!(
                kind = other,
                "event envelope type not handled; acknowledged"
            );
            Answer::Empty
        }
    }
}

async fn callback(state: &SlackState, envelope: Envelope, retry: u32) -> Answer {
    let (Some(event_id), Some(event)) = (envelope.event_id, envelope.event) else {
        return Answer::Invalid("event_callback without event_id or event");
    };
    if event.kind != "app_mention" {
        // Nothing else is subscribed; acknowledge without a store write.
        tracing::debug!(kind = %event.kind, "event type not handled; acknowledged");
        return Answer::Empty;
    }
    let key = format!("{}:{event_id}", envelope.team_id.unwrap_or_default());
    match first_delivery(state, &key).await {
        Ok(true) => {
            let state = state.clone();
            state
                .inner
                .bot
                .clone()
                .spawn(async move { process(state, event).await });
            Answer::Empty
        }
        Ok(false) => {
            tracing::debug!(
                event_id,
                retry,
                "event already received; acknowledged, not processed again"
            );
            Answer::Empty
        }
        Err(e) => {
            tracing::error!(event_id, error = %e, "cannot record the event delivery; asking Slack to retry");
            Answer::Retry("store unavailable")
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
    if state.inner.web.is_none() {
        tracing::info!("app mention ignored: answering in a thread needs SLACK_BOT_TOKEN");
        return;
    }
    let user = event.user.unwrap_or_default();
    let (Some(channel), Some(ts)) = (event.channel, event.ts) else {
        tracing::warn!("app mention without a channel or ts; ignored");
        return;
    };
    let Some(caller) = people::caller(&state, &user, Some(channel.clone())).await else {
        tracing::warn!("app mention without a valid user; ignored");
        return;
    };
    let thread_ts = event.thread_ts.unwrap_or(ts);
    let text = command_text(event.text.as_deref().unwrap_or_default());
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
    let Some(web) = state.inner.web.as_ref() else {
        return Ok(());
    };
    let message = blocks::message(reply);
    if reply.visibility == Visibility::Channel {
        web.post_message(channel, Some(thread_ts), &message).await?;
    } else {
        web.post_ephemeral(channel, user, Some(thread_ts), &message)
            .await?;
    }
    Ok(())
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
