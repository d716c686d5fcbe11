//! The parts of `view_submission` and `block_suggestion` payloads read here, taken from
//! the JSON leniently (Slack adds fields freely): who, which view, what was entered.

use std::collections::HashMap;

use serde_json::Value;

/// A `view_submission`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub user: String,
    pub callback_id: String,
    pub private_metadata: String,
    /// `block_id → value` of every input that has one.
    pub values: HashMap<String, String>,
}

/// A `block_suggestion` (someone typing in an external select).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub user: String,
    pub callback_id: String,
    pub block_id: String,
    pub query: String,
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// Reads a `view_submission`; `None` without a user or a view.
pub fn submitted(payload: &Value) -> Option<Submitted> {
    let user = str_at(payload, "/user/id")?.to_string();
    let view = payload.get("view")?;
    let mut values = HashMap::new();
    if let Some(blocks) = view.pointer("/state/values").and_then(Value::as_object) {
        for (block_id, actions) in blocks {
            let Some(actions) = actions.as_object() else {
                continue;
            };
            // The action named like the block (as this app renders them), else the first.
            let state = actions.get(block_id).or_else(|| actions.values().next());
            if let Some(value) = state.and_then(value_of) {
                values.insert(block_id.clone(), value);
            }
        }
    }
    Some(Submitted {
        user,
        callback_id: str_at(view, "/callback_id").unwrap_or_default().to_string(),
        private_metadata: str_at(view, "/private_metadata")
            .unwrap_or_default()
            .to_string(),
        values,
    })
}

/// The value of one input's state: typed text, a date, the chosen option's value, or the
/// first ticked option's value. `None` when nothing was entered.
fn value_of(state: &Value) -> Option<String> {
    let text = str_at(state, "/value")
        .or_else(|| str_at(state, "/selected_date"))
        .or_else(|| str_at(state, "/selected_option/value"))
        .or_else(|| str_at(state, "/selected_options/0/value"));
    text.map(str::to_string)
}

/// Reads a `block_suggestion`; `None` without a user or a block.
pub fn suggestion(payload: &Value) -> Option<Suggestion> {
    Some(Suggestion {
        user: str_at(payload, "/user/id")?.to_string(),
        callback_id: str_at(payload, "/view/callback_id")
            .unwrap_or_default()
            .to_string(),
        block_id: str_at(payload, "/block_id")
            .or_else(|| str_at(payload, "/action_id"))?
            .to_string(),
        query: str_at(payload, "/value").unwrap_or_default().to_string(),
    })
}
