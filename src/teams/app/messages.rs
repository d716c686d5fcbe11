//! `message` activities, handled after the HTTP answer (Teams only needs the 200):
//!
//! - typed text (the bot's @mention removed) goes to the same command parser as Slack and
//!   the console; a bare `invite`, `suspend`, `delete`, `attendance` or `waitlist` answers
//!   with a button that opens the form as a dialog (`task/fetch`);
//! - an `Action.Submit` click arrives as a message with a `value`: approval votes (the
//!   fallback of `Action.Execute` on clients without Universal Actions) and command
//!   buttons (`{"command": …}`, run as typed text for whoever clicked).
//!
//! Every answer goes back in the activity's thread ([`TeamsState::answer`]).

use serde_json::{Value, json};

use super::TeamsState;
use super::approvals::{Vote, vote};
use crate::core::forms::Opening;
use crate::core::{Caller, Prepared, Reply};
use crate::teams::activity::Activity;
use crate::teams::cards;

/// Handles one message activity (in the background).
pub(super) async fn handle(state: TeamsState, activity: Activity, caller: Caller) {
    if let Some(value) = activity.value.clone().filter(Value::is_object) {
        submitted(&state, &activity, caller, &value).await;
        return;
    }
    let mut text = activity.command_text();
    if text.is_empty() {
        text = "help".to_string();
    }
    match state.inner.bot.prepare_with_forms(&caller, &text).await {
        Opening::Form(form) => {
            let card = form_launcher(form.id.as_str(), &form.title);
            state
                .reply_in_thread(&activity, &cards::message(card))
                .await;
        }
        Opening::Prepared(Prepared::Done(reply)) => state.answer(&activity, &reply).await,
        Opening::Prepared(Prepared::Run(job)) => {
            typing(&state, &activity).await;
            let reply = state.inner.bot.run(job).await;
            state.answer(&activity, &reply).await;
        }
    }
}

/// An `Action.Submit` click.
async fn submitted(state: &TeamsState, activity: &Activity, caller: Caller, value: &Value) {
    if let Some(verb) = value.get("verb").and_then(Value::as_str) {
        let reply = match Vote::read(verb, value) {
            Some(v) => vote(state, &caller, &v).await,
            None => {
                Reply::usage("This button does not name an approval request; nothing was done.")
            }
        };
        state.answer(activity, &reply).await;
        return;
    }
    if let Some(command) = value.get("command").and_then(Value::as_str) {
        let reply = state.inner.bot.handle(&caller, command).await;
        state.answer(activity, &reply).await;
        return;
    }
    let reply = Reply::usage("I do not know what that button does; nothing was done. Type `help`.");
    state.answer(activity, &reply).await;
}

/// A card with one button that opens `form` as a dialog.
fn form_launcher(form: &str, title: &str) -> Value {
    json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [{
            "type": "TextBlock",
            "text": format!("{title}: fill in the form, or type the command with its arguments (`help {form}`)."),
            "wrap": true
        }],
        "actions": [{
            "type": "Action.Submit",
            "title": format!("Open: {title}"),
            "data": {"msteams": {"type": "task/fetch"}, "form": form}
        }]
    })
}

/// Shows "typing…" while a slow command runs (best effort).
async fn typing(state: &TeamsState, activity: &Activity) {
    let Some(conversation) = activity.conversation_id() else {
        return;
    };
    let Ok(service_url) = url::Url::parse(&activity.service_url) else {
        return;
    };
    if let Err(e) = state
        .inner
        .connector
        .send(&service_url, conversation, &json!({"type": "typing"}))
        .await
    {
        tracing::debug!(error = %e, "could not show typing");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_launcher_opens_a_dialog() {
        let card = form_launcher("invite", "Invite a user");
        assert_eq!(card["actions"][0]["data"]["msteams"]["type"], "task/fetch");
        assert_eq!(card["actions"][0]["data"]["form"], "invite");
        assert_eq!(card["version"], "1.5");
    }
}
