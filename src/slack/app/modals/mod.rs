//! Slack modals for the core's forms ([`crate::core::forms`]).
//!
//! - **Opening** ([`open`]): `views.open` is the first thing done with the `trigger_id`
//!   (it dies 3 seconds after the command or click), in a task of its own so the ack does
//!   not wait for Slack. Only then is anything slow done: [`crate::core::Bot::load_form`]
//!   loads what the form searches (rooms, members) and the modal is replaced with
//!   `views.update` (guarded by the view's `hash`) to say how many there are. If Slack
//!   refuses to open it, the person is told through the `response_url`.
//! - **Submitting** ([`submission`]): the values (by `block_id` = field id, plus the hidden
//!   values from `private_metadata`) go to [`crate::core::Bot::submit_form`]: problems come
//!   back in the ack as `response_action: errors` on their blocks, synchronously; otherwise
//!   the modal closes (empty ack) and the command runs in the background as the person who
//!   submitted, the result delivered through the Web API (`deliver`).
//! - **Searching** ([`suggestion`]): `block_suggestion` for an external select answers with
//!   the matching options (at most 100), within a deadline short of Slack's 3 seconds.
//!
//! `view.rs` renders a form (snapshot-tested in `tests.rs`), `payload.rs` reads what Slack
//! sends back.

mod deliver;
mod payload;
mod view;

#[cfg(test)]
mod tests;

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::respond;
use super::{Answer, SlackState, people};
use crate::core::forms::{Choice, FieldError, Form, FormId, Submission};
use crate::core::{Prepared, Reply};
use crate::slack::blocks;
use view::Metadata;

/// How long a search may take: Slack waits 3 seconds for the options in all.
const SUGGESTION_DEADLINE: Duration = Duration::from_secs(2);
/// Characters of an inline error.
const MAX_ERROR_CHARS: usize = 500;

/// Where a modal was opened from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    /// The channel of the command or of the clicked message: results go there.
    pub channel: Option<String>,
    /// The command's or click's `response_url`: used only to say the modal did not open.
    pub response_url: Option<String>,
}

/// Opens `form` with `trigger_id` at once, in a task of its own, then loads what it
/// searches and updates it. Needs the bot token (does nothing without it).
pub(crate) fn open(state: &SlackState, trigger_id: String, form: Form, origin: Origin) {
    let state = state.clone();
    state.inner.bot.clone().spawn(async move {
        let Some(web) = state.web().cloned() else {
            tracing::warn!(form = %form.id, "modals need SLACK_BOT_TOKEN");
            return;
        };
        let metadata = Metadata::of(&form, origin.channel.clone());
        let opened = match web
            .open_view(&trigger_id, view::modal(&form, &metadata))
            .await
        {
            Ok(opened) => opened,
            Err(e) => {
                tracing::warn!(form = %form.id, error = %e, "could not open a modal");
                cannot_open(
                    &state,
                    &form,
                    &e.to_string(),
                    origin.response_url.as_deref(),
                )
                .await;
                return;
            }
        };
        let Some(loaded) = state.bot().load_form(&form).await else {
            return;
        };
        let updated = web
            .update_view(
                &opened.id,
                Some(&opened.hash),
                view::modal(&loaded, &metadata),
            )
            .await;
        if let Err(e) = updated {
            // E.g. `hash_conflict`: the view changed meanwhile. Searching still works.
            tracing::info!(form = %form.id, error = %e, "could not update a modal after loading");
        }
    });
}

/// Tells the person the modal did not open, and what to type instead.
async fn cannot_open(state: &SlackState, form: &Form, why: &str, response_url: Option<&str>) {
    let Some(response_url) = response_url else {
        return;
    };
    let instead = match form.hidden.iter().find(|(k, _)| k == "request") {
        Some((_, id)) => format!("Type `approvals deny {id} <reason>` instead."),
        None => format!(
            "Type the command with its values instead; `help {}` shows how.",
            crate::core::grammar::spec(form.id.command()).name
        ),
    };
    let reply = Reply::failed(format!(
        "The form “{}” could not be opened ({why}). {instead}",
        form.title
    ));
    let mut body = blocks::message(&reply).to_response_json();
    body["response_type"] = Value::from("ephemeral");
    body["replace_original"] = Value::from(false);
    if let Err(e) = respond::post_response(state, response_url, &body).await {
        tracing::warn!(error = %e, "could not say that a modal did not open");
    }
}

/// Answers a `view_submission`: inline errors, or an empty ack and the command run in
/// the background. Views this app did not open are acknowledged and ignored.
pub(crate) async fn submission(state: &SlackState, payload: &Value) -> Answer {
    let Some(submitted) = payload::submitted(payload) else {
        tracing::warn!("view_submission without a user or a view");
        return Answer::Invalid("view_submission without a user or a view");
    };
    let Ok(form) = submitted.callback_id.parse::<FormId>() else {
        tracing::debug!(callback_id = %submitted.callback_id, "submission of an unknown view; acknowledged");
        return Answer::Empty;
    };
    let Some(metadata) = Metadata::read(&submitted.private_metadata, form) else {
        tracing::debug!(%form, "submission of a view this app did not open; acknowledged");
        return Answer::Empty;
    };
    let Some(caller) = people::caller(state, &submitted.user, metadata.channel.clone()).await
    else {
        return Answer::Invalid("user is missing or invalid");
    };
    let mut values = submitted.values;
    // Hidden values are the app's own, never what was typed.
    values.extend(metadata.hidden.clone());
    match state.bot().submit_form(&caller, form, &values).await {
        Submission::Invalid(errors) => Answer::Json(errors_answer(&errors)),
        Submission::Prepared(prepared) => {
            let state = state.clone();
            let user = submitted.user;
            let channel = metadata.channel;
            state.inner.bot.clone().spawn(async move {
                let (reply, cid) = match prepared {
                    Prepared::Done(reply) => (reply, "none".to_owned()),
                    Prepared::Run(job) => {
                        let cid = job.correlation_id().to_owned();
                        (state.bot().run(job).await, cid)
                    }
                };
                deliver::to_submitter(&state, reply, &user, channel.as_deref(), &cid).await;
            });
            Answer::Empty
        }
    }
}

/// `{"response_action": "errors", "errors": {block_id: message}}`.
fn errors_answer(errors: &[FieldError]) -> Value {
    let errors: Map<String, Value> = errors
        .iter()
        .map(|e| {
            (
                e.field.clone(),
                Value::from(view::clip(&e.message, MAX_ERROR_CHARS)),
            )
        })
        .collect();
    json!({ "response_action": "errors", "errors": errors })
}

/// Answers a `block_suggestion` with the matching options (none when the search fails or
/// is too slow; the person can type again).
pub(crate) async fn suggestion(state: &SlackState, payload: &Value) -> Answer {
    let Some(asked) = payload::suggestion(payload) else {
        tracing::warn!("block_suggestion without a user or a block");
        return Answer::Invalid("block_suggestion without a user or a block");
    };
    let Ok(form) = asked.callback_id.parse::<FormId>() else {
        return options_answer(&[]);
    };
    let Some(caller) = people::caller(state, &asked.user, None).await else {
        return Answer::Invalid("user is missing or invalid");
    };
    let search = state
        .bot()
        .form_choices(&caller, form, &asked.block_id, &asked.query);
    match tokio::time::timeout(SUGGESTION_DEADLINE, search).await {
        Ok(Ok(choices)) => options_answer(&choices),
        Ok(Err(e)) => {
            tracing::info!(%form, block_id = %asked.block_id, error = %e, "no options for a search");
            options_answer(&[])
        }
        Err(_) => {
            tracing::warn!(%form, block_id = %asked.block_id, "a search took too long; answered with no options");
            options_answer(&[])
        }
    }
}

/// `{"options": [{"text": {"type": "plain_text", "text": …}, "value": …}, …]}`.
fn options_answer(choices: &[Choice]) -> Answer {
    let options: Vec<Value> = choices
        .iter()
        .filter_map(view::option)
        .filter_map(|o| serde_json::to_value(o).ok())
        .take(view::MAX_OPTIONS)
        .collect();
    Answer::Json(json!({ "options": options }))
}
