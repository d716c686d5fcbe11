//! The approval card in Teams: the platform-neutral card of a request
//! ([`crate::core::CardSource::card`]) rendered by [`super::card`], and, while the request
//! is pending (its reply still has the `approval.approve` / `approval.deny` buttons), an
//! optional reason input and Approve/Deny as Universal Actions (`Action.Execute`, verbs
//! `approve` / `deny`, `data.requestId`) with an `Action.Submit` fallback carrying the verb
//! for clients without them, plus `refresh` so the approvers' clients fetch the current
//! card from the bot. A decided request's card has no inputs, no buttons, no refresh.

use serde_json::{Value, json};

use super::FileLink;
use super::budget::fit;
use super::render::{label, style};
use crate::core::{Reply, ReplyAction};

/// The id of the reason input (its value comes back in `data.reason`).
pub const REASON_INPUT: &str = "reason";
/// Users whose clients refresh the card automatically (Teams' limit).
pub const MAX_REFRESH_USER_IDS: usize = 60;
/// Characters of the reason (as the deny-reason form allows).
const MAX_REASON_CHARS: usize = 2000;
const APPROVE: &str = "approval.approve";
const DENY: &str = "approval.deny";

/// The approval card of request `request_id` from its reply (see the module doc).
/// `refresh_user_ids` are the approvers' Teams user ids (`29:…`); at most 60 are kept.
pub fn approval_card(reply: &Reply, request_id: i64, refresh_user_ids: &[String]) -> Value {
    let (votes, others): (Vec<ReplyAction>, Vec<ReplyAction>) = reply
        .actions
        .iter()
        .cloned()
        .partition(|a| a.id == APPROVE || a.id == DENY);
    let base = Reply {
        actions: others,
        ..reply.clone()
    };
    if votes.is_empty() {
        return fit(&base, &[] as &[FileLink], &|card| card);
    }
    let id = request_id.to_string();
    let users: Vec<&String> = refresh_user_ids
        .iter()
        .filter(|u| !u.trim().is_empty())
        .take(MAX_REFRESH_USER_IDS)
        .collect();
    let finish = |mut card: Value| {
        if let Some(body) = card["body"].as_array_mut() {
            body.push(json!({
                "type": "Input.Text",
                "id": REASON_INPUT,
                "label": "Reason (shown to the requester if you deny)",
                "isMultiline": true,
                "maxLength": MAX_REASON_CHARS,
                "placeholder": "Optional",
            }));
            let actions: Vec<Value> = votes.iter().map(|a| execute(a, &id)).collect();
            body.push(json!({ "type": "ActionSet", "id": "vote", "actions": actions }));
        }
        card["refresh"] = json!({
            "action": { "type": "Action.Execute", "verb": "refresh", "data": { "requestId": id } },
            "userIds": users,
        });
        card
    };
    fit(&base, &[], &finish)
}

/// Approve or Deny as `Action.Execute`, falling back to `Action.Submit` with the verb.
fn execute(action: &ReplyAction, request_id: &str) -> Value {
    let verb = if action.id == APPROVE {
        "approve"
    } else {
        "deny"
    };
    let title = label(action);
    let mut fallback = json!({
        "type": "Action.Submit",
        "title": title,
        "data": { "verb": verb, "requestId": request_id },
    });
    let mut out = json!({
        "type": "Action.Execute",
        "id": action.id,
        "title": title,
        "verb": verb,
        "data": { "requestId": request_id },
    });
    if let Some(style) = style(action.style) {
        out["style"] = json!(style);
        fallback["style"] = json!(style);
    }
    out["fallback"] = fallback;
    out
}
