//! A core [`Form`] as the card of a Teams dialog (task module), and the reading of what
//! the dialog sends back. Every input's `id` is the field id, so a submission's `data` is
//! the form's values by field id; the submit button's `data` carries the form id and the
//! hidden values, which Teams merges with the inputs. Searchable fields are
//! `Input.ChoiceSet`s with the choices loaded so far and a `Data.Query` dataset
//! (`<form id>.<field id>`) for typeahead: Teams asks the bot with an `application/search`
//! invoke as the person types. Errors from the core are shown in the attention color
//! under their fields, with a summary line at the top.

use std::collections::HashMap;
use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::CARD_VERSION;
use super::markdown::to_teams;
use super::render::{MAX_CELL_CHARS, clip, plural};
use crate::core::forms::{Choice, FieldError, FieldKind, Form, FormField, FormId, MAX_CHOICES};

/// Keys of a submission's `data` that are not form values.
const RESERVED: [&str; 4] = ["form", "msteams", "verb", "requestId"];
/// The value of a ticked toggle (the core reads `true`).
const TICKED: &str = "true";
const UNTICKED: &str = "false";

/// The dialog card for `form`: `choices` are the loaded options of its searchable fields
/// (by field id; at most 100 shown), `errors` the problems of the last submission.
pub fn form_card(
    form: &Form,
    choices: &HashMap<&'static str, Vec<Choice>>,
    errors: &[FieldError],
) -> Value {
    let mut body: Vec<Value> = Vec::new();
    if !errors.is_empty() {
        let unknown: Vec<&str> = errors
            .iter()
            .filter(|e| form.field(&e.field).is_none())
            .map(|e| e.message.as_str())
            .collect();
        let mut text = format!(
            "Please correct {} problem{} below.",
            errors.len(),
            plural(errors.len())
        );
        if !unknown.is_empty() {
            text = format!("{text} {}", unknown.join(" "));
        }
        body.push(json!({
            "type": "TextBlock", "id": "form.errors", "text": text,
            "color": "attention", "weight": "bolder", "wrap": true,
        }));
    }
    if let Some(intro) = form.intro.as_deref().filter(|t| !t.trim().is_empty()) {
        body.push(json!({ "type": "TextBlock", "id": "form.intro", "text": to_teams(intro), "wrap": true }));
    }
    for field in &form.fields {
        body.push(input(form, field, choices.get(field.id).map(Vec::as_slice)));
        if let Some(hint) = field.hint.as_deref().filter(|h| !h.trim().is_empty()) {
            body.push(json!({
                "type": "TextBlock", "text": hint, "isSubtle": true, "size": "small",
                "spacing": "none", "wrap": true,
            }));
        }
        for error in errors.iter().filter(|e| e.field == field.id) {
            body.push(json!({
                "type": "TextBlock", "id": format!("{}.error", field.id), "text": error.message,
                "color": "attention", "size": "small", "spacing": "none", "wrap": true,
            }));
        }
    }
    if let Some(status) = form.status.as_deref().filter(|t| !t.trim().is_empty()) {
        body.push(json!({
            "type": "TextBlock", "id": "form.status", "text": status, "isSubtle": true, "wrap": true,
        }));
    }
    let mut data = Map::new();
    data.insert("form".into(), json!(form.id.as_str()));
    for (key, value) in &form.hidden {
        if !RESERVED.contains(&key.as_str()) {
            data.insert(key.clone(), json!(value));
        }
    }
    json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "actions": [{
            "type": "Action.Submit",
            "title": clip(&form.submit_label, 75),
            "style": "positive",
            "data": Value::Object(data),
        }],
    })
}

/// One field as an input element: `id` = the field id, its label, whether it is required.
fn input(form: &Form, field: &FormField, loaded: Option<&[Choice]>) -> Value {
    let mut e = Map::new();
    let mut set = |k: &str, v: Value| {
        e.insert(k.to_owned(), v);
    };
    match &field.kind {
        FieldKind::Text {
            multiline,
            max_chars,
        } => {
            set("type", json!("Input.Text"));
            set("isMultiline", json!(multiline));
            set("maxLength", json!(max_chars));
        }
        FieldKind::Email => {
            set("type", json!("Input.Text"));
            set("style", json!("email"));
        }
        FieldKind::Date => set("type", json!("Input.Date")),
        FieldKind::Select { options } => {
            set("type", json!("Input.ChoiceSet"));
            set("style", json!("compact"));
            set("choices", choice_list(options));
        }
        FieldKind::Search { .. } => {
            set("type", json!("Input.ChoiceSet"));
            set("style", json!("filtered"));
            set("choices", choice_list(loaded.unwrap_or_default()));
            set(
                "choices.data",
                json!({ "type": "Data.Query", "dataset": format!("{}.{}", form.id, field.id) }),
            );
        }
        FieldKind::Checkbox { text } => {
            set("type", json!("Input.Toggle"));
            set("title", json!(text));
            set("valueOn", json!(TICKED));
            set("valueOff", json!(UNTICKED));
            let ticked = field.initial.as_deref() == Some(TICKED);
            set("value", json!(if ticked { TICKED } else { UNTICKED }));
        }
    }
    set("id", json!(field.id));
    set("label", json!(field.label));
    if let Some(placeholder) = field.placeholder.as_deref() {
        set("placeholder", json!(placeholder));
    }
    if let Some(initial) = field.initial.as_deref()
        && !matches!(field.kind, FieldKind::Checkbox { .. })
    {
        set("value", json!(initial));
    }
    if field.required {
        set("isRequired", json!(true));
        set(
            "errorMessage",
            json!(format!("{} is required.", field.label)),
        );
    }
    Value::Object(e)
}

/// `[{"title":…,"value":…}]`, at most [`MAX_CHOICES`], empty values left out.
fn choice_list(choices: &[Choice]) -> Value {
    Value::Array(
        choices
            .iter()
            .filter(|c| !c.value.is_empty())
            .take(MAX_CHOICES)
            .map(|c| json!({ "title": clip(&c.label, MAX_CELL_CHARS), "value": c.value }))
            .collect(),
    )
}

/// Reads a `task/submit` or `Action.Submit` `data` object back into form values: every
/// string value except the `form`, `msteams`, `verb` and `requestId` keys, booleans and
/// numbers as text (`true`); `None` unless `data.form` names a form.
pub fn form_values(data: &Value) -> Option<(FormId, HashMap<String, String>)> {
    let object = data.as_object()?;
    let form = FormId::from_str(object.get("form")?.as_str()?).ok()?;
    let values = object
        .iter()
        .filter(|(key, _)| !RESERVED.contains(&key.as_str()))
        .filter_map(|(key, value)| {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((key.clone(), text))
        })
        .collect();
    Some((form, values))
}
