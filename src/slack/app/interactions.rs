//! Interactions (the `payload` JSON of buttons, modals and option searches).
//!
//! Approval buttons (`block_actions` with `approval.approve` / `approval.deny`, value =
//! request id) are acknowledged with an empty 200 at once. Approve: the vote runs in the
//! background as the person who clicked (`approvals approve {id}`), and the outcome goes
//! back to them as an ephemeral message that leaves the card alone. The approval engine
//! makes a second click, the requester's click and a role-less click harmless; each gets
//! an explanation. Deny asks for a reason first: it opens the reason modal (for people who
//! may decide; others are told why not), whose submission runs
//! `approvals deny {id} {reason}` as the clicker. Without a `trigger_id` or a bot token,
//! Deny votes at once, without a reason.
//!
//! Modals ([`super::modals`]): `view_submission` (inline errors, or the command run in the
//! background), `block_suggestion` (options for external selects), `view_closed`
//! (acknowledged). Other interaction types (shortcuts…) are acknowledged and ignored.

use serde::Deserialize;
use serde_json::Value;

use super::modals::{self, Origin};
use super::respond::{self, Destination};
use super::{Answer, SlackState, people};
use crate::core::{Caller, Prepared, Reply};

/// The parts of an interaction payload read here (Slack sends many more).
#[derive(Debug, Deserialize)]
struct Payload {
    user: Option<IdOnly>,
    channel: Option<IdOnly>,
    response_url: Option<String>,
    trigger_id: Option<String>,
    #[serde(default)]
    actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Action {
    action_id: String,
    value: Option<String>,
}

/// A click on an approval card's button.
#[derive(Debug)]
struct Vote {
    approve: bool,
    request_id: String,
}

/// Answers one interaction, given its `payload` JSON.
pub async fn answer(state: &SlackState, payload: Value) -> Answer {
    match payload.get("type").and_then(Value::as_str) {
        Some("block_actions") => {}
        Some("view_submission") => return modals::submission(state, &payload).await,
        Some("block_suggestion") => return modals::suggestion(state, &payload).await,
        Some("view_closed") => {
            tracing::debug!("a modal was closed without submitting; acknowledged");
            return Answer::Empty;
        }
        Some(kind) => {
            tracing::debug!(kind, "interaction type not handled here; acknowledged");
            return Answer::Empty;
        }
        None => {
            tracing::warn!("interaction payload without a type");
            return Answer::Invalid("payload is not an interaction");
        }
    }
    let payload: Payload = match serde_json::from_value(payload) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable interaction payload");
            return Answer::Invalid("payload is not an interaction");
        }
    };
    let Some(vote) = payload.actions.iter().find_map(vote_of) else {
        tracing::debug!("block action without an approval button; acknowledged");
        return Answer::Empty;
    };
    let channel = payload.channel.map(|c| c.id);
    let user = payload.user.map(|u| u.id).unwrap_or_default();
    let caller = people::caller(state, &user, channel.clone()).await;
    let (Some(caller), Some(response_url)) = (caller, payload.response_url) else {
        tracing::warn!("approval click without a valid user or response_url");
        return Answer::Invalid("user or response_url is missing");
    };
    let trigger_id = payload.trigger_id.filter(|t| !t.is_empty());
    if let (false, Some(trigger_id), Some(_)) = (vote.approve, trigger_id, state.web()) {
        match state
            .inner
            .bot
            .open_deny_form(&caller, &vote.request_id)
            .await
        {
            Ok(form) => {
                let origin = Origin {
                    channel,
                    response_url: Some(response_url),
                };
                modals::open(state, trigger_id, form, origin);
            }
            Err(reply) => {
                let to = Destination {
                    response_url,
                    channel,
                    private_follow_up: true,
                };
                let state = state.clone();
                state
                    .inner
                    .bot
                    .clone()
                    .spawn(async move { respond::deliver(&state, reply, &to, "none").await });
            }
        }
        return Answer::Empty;
    }
    let to = Destination {
        response_url,
        channel,
        private_follow_up: true,
    };
    let state = state.clone();
    state
        .inner
        .bot
        .clone()
        .spawn(async move { vote_in_background(state, caller, vote, to).await });
    Answer::Empty
}

/// Reads an approval button; `None` for other actions.
fn vote_of(action: &Action) -> Option<Vote> {
    let approve = match action.action_id.as_str() {
        "approval.approve" => true,
        "approval.deny" => false,
        _ => return None,
    };
    let request_id = action.value.clone().unwrap_or_default();
    Some(Vote {
        approve,
        request_id,
    })
}

async fn vote_in_background(state: SlackState, caller: Caller, vote: Vote, to: Destination) {
    let valid = !vote.request_id.is_empty()
        && vote.request_id.len() <= 20
        && vote.request_id.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        let reply =
            Reply::usage("This button does not name an approval request; nothing was done.");
        respond::deliver(&state, reply, &to, "none").await;
        return;
    }
    let verb = if vote.approve { "approve" } else { "deny" };
    let text = format!("approvals {verb} {}", vote.request_id);
    match state.inner.bot.prepare(&caller, &text).await {
        Prepared::Done(reply) => respond::deliver(&state, reply, &to, "none").await,
        Prepared::Run(job) => {
            let cid = job.correlation_id().to_owned();
            let reply = state.inner.bot.run(job).await;
            respond::deliver(&state, reply, &to, &cid).await;
        }
    }
}
