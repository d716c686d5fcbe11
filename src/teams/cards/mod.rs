//! Adaptive Cards (version 1.5) for Teams: a [`Reply`] as a card ([`card`]), the approval
//! card with Universal Actions ([`approval_card`]), a core [`Form`] as a dialog card
//! ([`form_card`]) and what comes back from it ([`form_values`]), and the envelopes Teams
//! expects around them (a message activity, invoke responses, task-module responses).
//!
//! Every card made from a reply fits Teams' message limit: the whole activity, measured
//! as Teams measures it (UTF-16), stays under [`MAX_MESSAGE_BYTES`] (see `budget.rs`).
//! Files are never uploaded: a PNG with a signed link is shown as an image, other files
//! get a download button, and without `PUBLIC_URL` the card says they could not be linked.
//!
//! - `markdown.rs`: Slack-style markdown → Teams markdown (pure).
//! - `render.rs`: the elements of a reply card.
//! - `budget.rs`: fitting a reply card under the size limit.
//! - `approval.rs`: approve/deny with `Action.Execute`, its `Action.Submit` fallback and
//!   `refresh`.
//! - `forms.rs`: dialog cards for forms and reading their submissions.
//!
//! [`Reply`]: crate::core::Reply
//! [`Form`]: crate::core::forms::Form

mod approval;
mod budget;
mod forms;
mod markdown;
mod render;

#[cfg(test)]
mod tests;

use serde_json::{Value, json};

pub use approval::{MAX_REFRESH_USER_IDS, REASON_INPUT, approval_card};
pub use budget::card;
pub use forms::{form_card, form_values};
pub use markdown::to_teams as teams_markdown;

/// The content type of an Adaptive Card attachment (and of a card invoke response).
pub const CARD_CONTENT_TYPE: &str = "application/vnd.microsoft.card.adaptive";
/// The content type of an invoke response that is a plain message.
pub const MESSAGE_CONTENT_TYPE: &str = "application/vnd.microsoft.activity.message";
/// The content type of an invoke response that is an error.
pub const ERROR_CONTENT_TYPE: &str = "application/vnd.microsoft.error";
/// The content type of a 412 invoke response (the card the client has is out of date).
pub const PRECONDITION_FAILED_CONTENT_TYPE: &str =
    "application/vnd.microsoft.error.preconditionFailed";
/// The Adaptive Card version Teams renders for bots (and the one `Action.Execute` needs).
pub const CARD_VERSION: &str = "1.5";
/// Max size of a message as Teams measures it (the whole activity JSON as UTF-16).
pub const MAX_MESSAGE_BYTES: usize = 40 * 1024;
/// Room left under [`MAX_MESSAGE_BYTES`] for what the sender adds to [`message`]'s
/// activity (`from`, `conversation`, `replyToId`…): cards are fitted so that
/// `teams_size(&message(card)) <= MAX_MESSAGE_BYTES - ENVELOPE_RESERVE`.
pub const ENVELOPE_RESERVE: usize = 2 * 1024;
/// Characters of a message's `summary` (the notification text).
const MAX_SUMMARY_CHARS: usize = 120;

/// A file that goes with a reply, with the signed link it can be fetched at (None when
/// PUBLIC_URL is unset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLink {
    pub filename: String,
    pub media_type: String,
    pub url: Option<url::Url>,
}

impl FileLink {
    /// A PNG (shown as an image when linked).
    pub fn is_png(&self) -> bool {
        self.media_type == "image/png" || self.filename.to_ascii_lowercase().ends_with(".png")
    }

    /// A CSV (the file a shortened table points to).
    pub fn is_csv(&self) -> bool {
        self.media_type == "text/csv" || self.filename.to_ascii_lowercase().ends_with(".csv")
    }
}

/// `{"type":"message","summary":…,"attachments":[{"contentType":CARD_CONTENT_TYPE,"content":card}]}`;
/// the summary (what notifications show) is the card's title, or its first line of text.
pub fn message(card: Value) -> Value {
    let mut activity = json!({ "type": "message" });
    if let Some(summary) = summary(&card) {
        activity["summary"] = Value::String(summary);
    }
    activity["attachments"] = json!([{ "contentType": CARD_CONTENT_TYPE, "content": card }]);
    activity
}

/// The title block's text, else the first non-empty `TextBlock`, one line, clipped.
fn summary(card: &Value) -> Option<String> {
    fn text_of(e: &Value) -> Option<&str> {
        if e["type"] != "TextBlock" {
            return None;
        }
        e["text"].as_str().map(str::trim).filter(|t| !t.is_empty())
    }
    let body = card.get("body")?.as_array()?;
    let text = body
        .iter()
        .find(|e| e["id"] == render::TITLE_ID)
        .and_then(text_of)
        .or_else(|| body.iter().find_map(text_of))?;
    let line = text.lines().next().unwrap_or(text).replace("**", "");
    Some(render::clip(&line, MAX_SUMMARY_CHARS))
}

/// UTF-16 length in bytes (2 per code unit) of the JSON serialization.
pub fn teams_size(value: &Value) -> usize {
    // serde_json writes non-ASCII characters as they are, so this is the wire text.
    value.to_string().encode_utf16().count() * 2
}

/// The answer to an `adaptiveCard/action` invoke that replaces the card for the clicker.
pub fn invoke_card(card: Value) -> Value {
    json!({ "statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card })
}

/// The answer to an `adaptiveCard/action` invoke that is a message shown to the clicker.
pub fn invoke_message(text: &str) -> Value {
    json!({ "statusCode": 200, "type": MESSAGE_CONTENT_TYPE, "value": text })
}

/// An error answer to an `adaptiveCard/action` invoke (sent with HTTP 200: the status goes
/// in the body). A 412 uses the `preconditionFailed` type Teams reads as "refresh the card".
pub fn invoke_error(status: u16, message: &str) -> Value {
    let code = match status {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        409 => "Conflict",
        412 => "PreconditionFailed",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        503 => "ServiceUnavailable",
        _ => "Error",
    };
    let kind = if status == 412 {
        PRECONDITION_FAILED_CONTENT_TYPE
    } else {
        ERROR_CONTENT_TYPE
    };
    json!({
        "statusCode": status,
        "type": kind,
        "value": { "code": code, "message": message },
    })
}

/// The answer to `task/fetch` (or to a `task/submit` with errors): a dialog showing `card`.
pub fn task_continue(title: &str, card: Value) -> Value {
    json!({
        "task": {
            "type": "continue",
            "value": {
                "title": title,
                "width": "medium",
                "height": "medium",
                "card": { "contentType": CARD_CONTENT_TYPE, "content": card },
            }
        }
    })
}

/// The answer to `task/submit` that closes the dialog with a message.
pub fn task_message(text: &str) -> Value {
    json!({ "task": { "type": "message", "value": text } })
}
