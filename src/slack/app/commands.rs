//! Slash commands. `ssl_check=1` gets an empty answer. Otherwise the caller is
//! `slack:{user_id}` in `channel_id` (the core's tokenizer reads Slack's markup and
//! `&amp;`-style escapes); [`Bot::prepare`] answers fast commands (help, usage errors,
//! refusals) in the ack, and slow ones are acknowledged with an ephemeral "working on it"
//! while a background task runs them and posts the result to the `response_url`
//! (`in_channel` when the reply is for the channel).
//!
//! A bare `invite`, `suspend`, `delete`, `attendance` or `waitlist` opens its form as a
//! modal ([`Bot::prepare_with_forms`], then `views.open` with the `trigger_id` before
//! anything slow) and is acknowledged with an empty body; without a `trigger_id` or a bot
//! token it gets the command's help, as in the console.
//!
//! [`Bot::prepare`]: crate::core::Bot::prepare
//! [`Bot::prepare_with_forms`]: crate::core::Bot::prepare_with_forms

use std::collections::HashMap;

use serde_json::json;

use super::modals::{self, Origin};
use super::respond::{self, Destination};
use super::{Answer, SlackState, people};
use crate::core::Prepared;
use crate::core::forms::Opening;

/// Answers one slash command, given its form fields.
pub async fn answer(state: &SlackState, mut form: HashMap<String, String>) -> Answer {
    if form.get("ssl_check").is_some_and(|v| v == "1") {
        return Answer::Empty;
    }
    let user_id = form.remove("user_id").unwrap_or_default();
    let channel = form.remove("channel_id").filter(|c| !c.is_empty());
    let Some(caller) = people::caller(state, &user_id, channel.clone()).await else {
        tracing::warn!("slash command without a valid user_id");
        return Answer::Invalid("user_id is missing or invalid");
    };
    let text = form.remove("text").unwrap_or_default();
    let trigger_id = form.remove("trigger_id").filter(|t| !t.is_empty());
    let prepared = match trigger_id.filter(|_| state.web().is_some()) {
        Some(trigger_id) => match state.inner.bot.prepare_with_forms(&caller, &text).await {
            Opening::Form(open) => {
                let origin = Origin {
                    channel,
                    response_url: form.remove("response_url").filter(|u| !u.is_empty()),
                };
                modals::open(state, trigger_id, *open, origin);
                return Answer::Empty;
            }
            Opening::Prepared(prepared) => prepared,
        },
        None => state.inner.bot.prepare(&caller, &text).await,
    };
    match prepared {
        Prepared::Done(reply) => Answer::Rendered(state.inner.rendered.get_or_render(&reply)),
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
            let state = state.clone();
            state.inner.bot.clone().spawn(async move {
                let cid = job.correlation_id().to_owned();
                let reply = state.inner.bot.run(job).await;
                respond::deliver(&state, reply, &to, &cid).await;
            });
            ephemeral(working)
        }
    }
}

/// An ephemeral plain-text ack.
fn ephemeral(text: String) -> Answer {
    Answer::Json(json!({ "response_type": "ephemeral", "text": text }))
}
