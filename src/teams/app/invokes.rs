//! `invoke` activities, answered in the HTTP response within Teams' 5 seconds:
//!
//! - `task/fetch`: the form a button names (`data.form`) as an Adaptive Card dialog, its
//!   search fields preloaded (at most 100 choices) with typeahead for the rest;
//! - `task/submit`: the dialog's values read by the same parsers as typed text; problems
//!   re-show the dialog with each error under its field; a valid command closes the
//!   dialog with "working on it" and its result is posted to the conversation;
//! - `application/search`: the typeahead of a search field;
//! - `adaptiveCard/action`: approval verbs (see [`super::approvals`]);
//!
//! anything else is answered 501.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};
use tokio::time::Instant;

use super::approvals::{self, Vote};
use super::{Answer, INVOKE_BUDGET, TeamsState};
use crate::core::forms::{Choice, FieldKind, Form, FormId, Submission};
use crate::core::{Caller, Prepared, Status};
use crate::teams::activity::Activity;
use crate::teams::cards;

/// How long a dialog waits for its lists (rooms, members) before opening without them.
const PRELOAD_BUDGET: Duration = Duration::from_millis(2_000);
/// How long a typeahead search may take.
const SEARCH_BUDGET: Duration = Duration::from_millis(3_000);

/// Answers one invoke.
pub(super) async fn answer(state: &TeamsState, activity: &Activity, caller: Caller) -> Answer {
    let value = activity.value.clone().unwrap_or(Value::Null);
    match activity.name.as_deref().unwrap_or_default() {
        "task/fetch" => fetch(state, &caller, &value).await,
        "task/submit" => submit(state, activity, &caller, &value).await,
        "application/search" => search(state, &caller, &value).await,
        "adaptiveCard/action" => card_action(state, &caller, &value).await,
        other => {
            tracing::debug!(invoke = other, "invoke not implemented");
            Answer::Status(StatusCode::NOT_IMPLEMENTED)
        }
    }
}

async fn fetch(state: &TeamsState, caller: &Caller, value: &Value) -> Answer {
    let data = value.get("data").cloned().unwrap_or(Value::Null);
    let Some(id) = data
        .get("form")
        .and_then(Value::as_str)
        .and_then(|f| FormId::from_str(f).ok())
    else {
        return Answer::json(cards::task_message(
            "This button does not name a form I know; type `help` to see the commands.",
        ));
    };
    match state.inner.bot.open_form(caller, id).await {
        Ok(form) => {
            let choices = preload(state, caller, &form).await;
            Answer::json(cards::task_continue(
                &form.title,
                cards::form_card(&form, &choices, &[]),
            ))
        }
        Err(reply) => Answer::json(cards::task_message(&reply.text)),
    }
}

/// The first options of each search field, within [`PRELOAD_BUDGET`].
async fn preload(
    state: &TeamsState,
    caller: &Caller,
    form: &Form,
) -> HashMap<&'static str, Vec<Choice>> {
    let deadline = Instant::now() + PRELOAD_BUDGET;
    let mut choices = HashMap::new();
    for field in &form.fields {
        if !matches!(field.kind, FieldKind::Search { .. }) {
            continue;
        }
        let found = tokio::time::timeout_at(
            deadline,
            state.inner.bot.form_choices(caller, form.id, field.id, ""),
        )
        .await;
        match found {
            Ok(Ok(list)) => {
                choices.insert(field.id, list);
            }
            Ok(Err(e)) => {
                tracing::info!(field = field.id, error = %e, "no choices for a dialog field")
            }
            Err(_) => tracing::info!(
                field = field.id,
                "choices not loaded in time; typeahead only"
            ),
        }
    }
    choices
}

async fn submit(state: &TeamsState, activity: &Activity, caller: &Caller, value: &Value) -> Answer {
    let data = value.get("data").cloned().unwrap_or(Value::Null);
    let Some((id, values)) = cards::form_values(&data) else {
        return Answer::json(cards::task_message(
            "This dialog does not name a form I know; nothing was done.",
        ));
    };
    let bot = &state.inner.bot;
    match bot.submit_form(caller, id, &values).await {
        Submission::Invalid(errors) => match bot.open_form(caller, id).await {
            Ok(mut form) => {
                for field in &mut form.fields {
                    if let Some(v) = values.get(field.id) {
                        field.initial = Some(v.clone());
                    }
                }
                let choices = preload(state, caller, &form).await;
                Answer::json(cards::task_continue(
                    &form.title,
                    cards::form_card(&form, &choices, &errors),
                ))
            }
            Err(reply) => Answer::json(cards::task_message(&reply.text)),
        },
        Submission::Prepared(Prepared::Done(reply)) => {
            if reply.status == Status::Ok {
                let state = state.clone();
                let activity = activity.clone();
                state
                    .inner
                    .bot
                    .clone()
                    .spawn(async move { state.answer(&activity, &reply).await });
                Answer::json(cards::task_message("Done."))
            } else {
                Answer::json(cards::task_message(&reply.text))
            }
        }
        Submission::Prepared(Prepared::Run(job)) => {
            let working = job.working_text();
            let state = state.clone();
            let activity = activity.clone();
            state.inner.bot.clone().spawn(async move {
                let reply = state.inner.bot.run(job).await;
                state.answer(&activity, &reply).await;
            });
            Answer::json(cards::task_message(&working))
        }
    }
}

async fn search(state: &TeamsState, caller: &Caller, value: &Value) -> Answer {
    let query = value
        .get("queryText")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let dataset = value
        .get("dataset")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let top = value
        .pointer("/queryOptions/top")
        .and_then(Value::as_u64)
        .unwrap_or(25)
        .clamp(1, 100) as usize;
    let Some((form, field)) = dataset
        .split_once('.')
        .and_then(|(f, field)| Some((FormId::from_str(f).ok()?, field)))
    else {
        return Answer::json(search_error(400, "unknown dataset"));
    };
    let found = tokio::time::timeout(
        SEARCH_BUDGET,
        state.inner.bot.form_choices(caller, form, field, query),
    )
    .await;
    match found {
        Ok(Ok(choices)) => Answer::json(json!({
            "statusCode": 200,
            "type": "application/vnd.microsoft.search.searchResponse",
            "value": {"results": choices.into_iter().take(top)
                .map(|c| json!({"title": c.label, "value": c.value}))
                .collect::<Vec<_>>()}
        })),
        Ok(Err(e)) => {
            tracing::info!(error = %e, "typeahead search failed");
            Answer::json(search_error(500, &e.to_string()))
        }
        Err(_) => Answer::json(search_error(
            500,
            "the search took too long; type more letters",
        )),
    }
}

fn search_error(status: u16, message: &str) -> Value {
    json!({
        "statusCode": status,
        "type": "application/vnd.microsoft.error",
        "value": {"code": if status == 400 { "BadRequest" } else { "InternalServerError" }, "message": message}
    })
}

async fn card_action(state: &TeamsState, caller: &Caller, value: &Value) -> Answer {
    let deadline = Instant::now() + INVOKE_BUDGET;
    let action = value.get("action").cloned().unwrap_or(Value::Null);
    let verb = action
        .get("verb")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let data = action.get("data").cloned().unwrap_or(Value::Null);
    let Some(id) = approvals::request_id(&data) else {
        return Answer::json(cards::invoke_error(
            400,
            "This card does not name an approval request; nothing was done.",
        ));
    };
    let mut refusal = None;
    match verb {
        "refresh" => {}
        "approve" | "deny" => {
            let Some(vote) = Vote::read(verb, &data) else {
                return Answer::json(cards::invoke_error(400, "Unreadable vote."));
            };
            // The vote and the execution it may start run in their own task: if Teams
            // stops waiting, they still finish (and the notifier updates the card).
            let task = {
                let state = state.clone();
                let caller = caller.clone();
                state
                    .inner
                    .bot
                    .clone()
                    .spawn(async move { approvals::vote(&state, &caller, &vote).await })
            };
            if let Ok(Ok(reply)) = tokio::time::timeout_at(deadline, task).await {
                if matches!(reply.status, Status::Refused | Status::Usage) {
                    refusal = Some(reply.text);
                }
            }
            approvals::settle(state, id, deadline).await;
        }
        _ => {
            return Answer::json(cards::invoke_error(
                400,
                &format!("Unknown action `{verb}`; nothing was done."),
            ));
        }
    }
    match approvals::card(state, id).await {
        Ok(card) => {
            if let Some(text) = refusal {
                // Still pending (e.g. the requester's own request): keep the card, say why.
                if card_is_pending(&card) {
                    return Answer::json(cards::invoke_message(&text));
                }
            }
            Answer::json(cards::invoke_card(card))
        }
        Err(e) => {
            tracing::warn!(request = id, error = %e, "could not rebuild an approval card");
            Answer::json(cards::invoke_error(
                500,
                &format!("Request #{id} could not be read: {e}"),
            ))
        }
    }
}

/// Whether a rendered approval card still offers votes.
fn card_is_pending(card: &Value) -> bool {
    card.to_string().contains("\"verb\":\"approve\"")
}
