//! `POST /slack/interactions`: the form field `payload` holds the JSON. Approval buttons
//! (`block_actions` with `approval.approve` / `approval.deny`, value = request id) are
//! acknowledged with an empty 200 at once; the vote then runs in the background as the
//! person who clicked (`approvals approve {id}`), and the outcome goes back to them as an
//! ephemeral message that leaves the card alone. The approval engine makes a second
//! click, the requester's click and a role-less click harmless; each gets an explanation.
//! Other interaction types (modals, options, shortcuts) are acknowledged and ignored.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::respond::{self, Destination};
use super::{SlackState, ack, error, form_fields, gate};
use crate::access::{Platform, Principal};
use crate::core::{Caller, Prepared, Reply};

const PATH: &str = "/slack/interactions";

/// The parts of an interaction payload read here (Slack sends many more).
#[derive(Debug, Deserialize)]
struct Payload {
    #[serde(rename = "type")]
    kind: String,
    user: Option<IdOnly>,
    channel: Option<IdOnly>,
    response_url: Option<String>,
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

/// Handles one interaction.
pub(super) async fn handle(
    State(state): State<SlackState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match gate(&state, PATH, &headers, body) {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(raw) = form_fields(&body).remove("payload") else {
        return error(StatusCode::BAD_REQUEST, "payload is missing");
    };
    let payload: Payload = match serde_json::from_str(&raw) {
        Ok(payload) => payload,
        Err(e) => {
            tracing::warn!(path = PATH, error = %e, "unreadable interaction payload");
            return error(StatusCode::BAD_REQUEST, "payload is not an interaction");
        }
    };
    if payload.kind != "block_actions" {
        tracing::debug!(kind = %payload.kind, "interaction type not handled here; acknowledged");
        return ack();
    }
    let Some(vote) = payload.actions.iter().find_map(vote_of) else {
        tracing::debug!("block action without an approval button; acknowledged");
        return ack();
    };
    let principal = payload
        .user
        .as_ref()
        .and_then(|u| Principal::new(Platform::Slack, &u.id).ok());
    let (Some(principal), Some(response_url)) = (principal, payload.response_url) else {
        tracing::warn!(
            path = PATH,
            "approval click without a valid user or response_url"
        );
        return error(StatusCode::BAD_REQUEST, "user or response_url is missing");
    };
    let channel = payload.channel.map(|c| c.id);
    let caller = Caller {
        channel: channel.clone(),
        ..Caller::new(principal)
    };
    let to = Destination {
        response_url,
        channel,
        private_follow_up: true,
    };
    tokio::spawn(async move { vote_in_background(state, caller, vote, to).await });
    ack()
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
