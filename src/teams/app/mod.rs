//! What the Teams app does with each activity once [`crate::teams::http`] has
//! authenticated it:
//!
//! - every activity first records its conversation reference ([`references`]);
//! - `message`: answered 200 at once, handled in the background ([`messages`]), retried
//!   deliveries (same activity id) handled once;
//! - `invoke`: answered in the response within 5 s ([`invokes`], [`approvals`]);
//! - `installationUpdate`: `add` greets, `remove` marks the conversation dead;
//! - `conversationUpdate` and anything else: 200, nothing more.
//!
//! The [`crate::core::Caller`] is the sender's Azure AD object id (`teams:<id>`), never a
//! display name; an activity without one is answered but runs nothing.

pub mod approvals;
mod invokes;
mod messages;
pub mod outbox;
mod references;
pub mod state;

use std::time::Duration;

use axum::http::StatusCode;
use chrono::Utc;
use serde_json::Value;

pub use outbox::{OutboxError, Posted};
pub use state::{INVOKE_BUDGET, TeamsSetupError, TeamsState};

use crate::access::{Platform, Principal};
use crate::core::{Caller, Reply};
use crate::store::inbound_deliveries;
use crate::teams::activity::Activity;

/// How long a message activity id is remembered against redelivery.
const DEDUPE_FOR: Duration = Duration::from_secs(60 * 60);

/// The HTTP answer to one activity.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// 200 with an empty body.
    Ok,
    /// 200 with a JSON body (invoke responses).
    Json(Value),
    /// A bare status (501 for unknown invokes, 500 when the store is down).
    Status(StatusCode),
}

impl Answer {
    pub fn json(value: Value) -> Answer {
        Answer::Json(value)
    }
}

/// Handles an authenticated activity.
pub async fn handle(state: &TeamsState, activity: Activity) -> Answer {
    if let Err(e) = state.remember(&activity).await {
        tracing::warn!(error = %e, "could not record the Teams conversation reference");
    }
    match activity.kind.as_str() {
        "message" => {
            let Some(caller) = caller_of(&activity) else {
                anonymous(state, activity);
                return Answer::Ok;
            };
            match first_delivery(state, &activity).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::info!(activity = ?activity.id, "Teams redelivered an activity; already handled");
                    return Answer::Ok;
                }
                // Teams retries on 5xx: better than losing the command.
                Err(e) => {
                    tracing::error!(error = %e, "store down: cannot de-duplicate a Teams message");
                    return Answer::Status(StatusCode::SERVICE_UNAVAILABLE);
                }
            }
            let state = state.clone();
            state
                .inner
                .bot
                .clone()
                .spawn(messages::handle(state, activity, caller));
            Answer::Ok
        }
        "invoke" => match caller_of(&activity) {
            Some(caller) => invokes::answer(state, &activity, caller).await,
            None => Answer::json(crate::teams::cards::invoke_error(
                403,
                "Teams did not say who you are (no Azure AD object id), so I cannot act for you.",
            )),
        },
        "installationUpdate" => {
            installation(state, activity).await;
            Answer::Ok
        }
        other => {
            tracing::debug!(kind = other, "Teams activity ignored");
            Answer::Ok
        }
    }
}

/// The caller: `teams:<aadObjectId>`, the client's time zone, the conversation (without
/// a thread suffix) as the channel schedules post to.
pub fn caller_of(activity: &Activity) -> Option<Caller> {
    let principal = Principal::new(Platform::Teams, activity.aad_object_id()?).ok()?;
    let mut caller = Caller::new(principal);
    caller.timezone = activity.timezone();
    caller.channel = activity.base_conversation_id().map(str::to_owned);
    Some(caller)
}

async fn first_delivery(
    state: &TeamsState,
    activity: &Activity,
) -> Result<bool, crate::store::StoreError> {
    let Some(id) = activity.id.as_deref().filter(|id| !id.is_empty()) else {
        return Ok(true);
    };
    let key = format!("{}|{id}", activity.conversation_id().unwrap_or_default());
    let now = Utc::now();
    let expires =
        now + chrono::TimeDelta::from_std(DEDUPE_FOR).unwrap_or(chrono::TimeDelta::hours(1));
    let mut tx = state.inner.db.begin().await?;
    let new = inbound_deliveries::insert_if_absent(&mut tx, "teams", &key, now, expires).await?;
    tx.commit().await?;
    Ok(new)
}

fn anonymous(state: &TeamsState, activity: Activity) {
    let state = state.clone();
    state.inner.bot.clone().spawn(async move {
        let reply = Reply::refused(
            "Teams did not say who you are (no Azure AD object id, e.g. an anonymous or guest \
             session), so I cannot run commands for you.",
        );
        state.answer(&activity, &reply).await;
    });
}

async fn installation(state: &TeamsState, activity: Activity) {
    let action = activity.action.as_deref().unwrap_or_default();
    let conversation = activity
        .base_conversation_id()
        .unwrap_or_default()
        .to_string();
    if action.starts_with("remove") {
        state
            .forget_conversation(&conversation, "the app was uninstalled")
            .await;
        return;
    }
    tracing::info!(
        conversation = %conversation,
        kind = activity.conversation_type(),
        "the Teams app was installed in a conversation (its id is what TEAMS_APPROVALS_CONVERSATION takes)"
    );
    if action == "add" {
        let state = state.clone();
        state.inner.bot.clone().spawn(async move {
            let reply = Reply {
                visibility: crate::core::Visibility::Channel,
                ..Reply::ok(
                    "Hello! I run the Virbela campus from here. Type `help` to see what I can \
                     do (in a channel, mention me first).",
                )
            };
            state.answer(&activity, &reply).await;
        });
    }
}
