//! What the Slack app does with each kind of inbound request, whatever carried it: the
//! HTTP endpoints ([`crate::slack::http`]) and Socket Mode ([`crate::slack::socket`]) both
//! hand the parsed request to the functions here and send back the [`Answer`] (as the
//! HTTP response, or as the Socket Mode envelope's ack).
//!
//! Every function answers at once: it parses, looks up the caller's role and authorizes
//! (one store read in [`crate::core::Bot::prepare`]), and leaves Virbela calls, store
//! writes and Slack Web API calls to a background task that delivers the result through
//! the `response_url` or the Web API.
//!
//! - [`state`]: [`SlackState`], what the handlers share.
//! - [`commands`]: slash commands (`ssl_check`, fast answers in the ack, slow ones after).
//! - [`interactions`]: buttons and modals (`block_actions`, `view_submission`, `block_suggestion`).
//! - [`events`]: `url_verification`, and `app_mention` de-duplicated on `event_id`.
//! - `modals`: the core's forms as modals (`views.open` first, then `views.update`;
//!   submissions validated with inline errors; searches for external selects).
//! - `people`: the [`crate::core::Caller`] of a Slack user.
//! - `respond`: `response_url` posts (at most 5 each), Web API posts, attachments.

pub mod commands;
pub mod events;
pub mod interactions;
mod modals;
mod people;
mod rendered;
mod respond;
pub mod state;

use axum::body::Bytes;
use serde_json::Value;

pub use state::{SlackSetupError, SlackState, UnixClock};

/// What to send back to Slack for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// "Received, nothing to show" (HTTP 200 with an empty body; a bare Socket Mode ack).
    Empty,
    /// A JSON body (an ephemeral reply, `response_action: errors`, options, a challenge).
    Json(Value),
    /// A JSON body already serialized (cached renderings of immediate answers).
    Rendered(Bytes),
    /// The request is malformed (HTTP 400; Socket Mode acks it and logs).
    Invalid(&'static str),
    /// The bot cannot take it now and Slack should retry (HTTP 500; no Socket Mode ack).
    Retry(&'static str),
}

impl Answer {
    /// The JSON payload, if any (Socket Mode puts it in the ack's `payload`).
    pub fn payload(&self) -> Option<Value> {
        match self {
            Answer::Json(value) => Some(value.clone()),
            Answer::Rendered(bytes) => serde_json::from_slice(bytes).ok(),
            Answer::Empty | Answer::Invalid(_) | Answer::Retry(_) => None,
        }
    }
}

/// The fields of an `application/x-www-form-urlencoded` body (the last one wins).
pub fn form_fields(body: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}
