//! Snapshot tests of each form's modal JSON, Slack's limits on every one, and the reading
//! of what Slack sends back (submission values, suggestions, metadata).

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::view::{self, Metadata};
use super::{errors_answer, options_answer, payload};
use crate::core::ParseContext;
use crate::core::forms::{Choice, FieldError, FormId, describe};
use crate::slack::app::Answer;

fn ctx() -> ParseContext {
    ParseContext {
        now: Utc
            .with_ymd_and_hms(2026, 1, 15, 12, 0, 0)
            .single()
            .expect("a time"),
        tz: chrono_tz::UTC,
    }
}

fn modal_json(id: FormId) -> Value {
    let mut form = describe(id, &ctx());
    if id == FormId::DenyReason {
        form.title = "Deny request #12".into();
        form.hidden.push(("request".into(), "12".into()));
    }
    let metadata = Metadata::of(&form, Some("C0OPS".into()));
    serde_json::to_value(view::modal(&form, &metadata)).expect("json")
}

fn chars(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

/// Slack's modal limits, and block ids equal to action ids equal to field ids.
fn assert_limits(id: FormId, modal: &Value) {
    assert_eq!(modal["type"], "modal");
    assert_eq!(modal["callback_id"], id.as_str());
    for key in ["title", "submit", "close"] {
        assert!(
            chars(&modal[key]["text"]) <= view::MAX_TITLE_CHARS,
            "{id} {key}"
        );
        assert_eq!(modal[key]["type"], "plain_text");
    }
    assert!(chars(&modal["private_metadata"]) <= view::MAX_METADATA_CHARS);
    let blocks = modal["blocks"].as_array().expect("blocks");
    assert!(blocks.len() <= 100);
    let form = describe(id, &ctx());
    let inputs: Vec<&Value> = blocks.iter().filter(|b| b["type"] == "input").collect();
    assert_eq!(inputs.len(), form.fields.len());
    for (block, field) in inputs.iter().zip(&form.fields) {
        assert_eq!(block["block_id"], field.id);
        assert_eq!(block["element"]["action_id"], field.id);
        assert_eq!(block["optional"], !field.required, "{id}.{}", field.id);
        assert!(chars(&block["label"]["text"]) <= view::MAX_LABEL_CHARS);
        if let Some(options) = block["element"]["options"].as_array() {
            assert!(options.len() <= view::MAX_OPTIONS);
            for o in options {
                assert!(chars(&o["text"]["text"]) <= view::MAX_OPTION_TEXT_CHARS);
                assert!(chars(&o["value"]) <= view::MAX_OPTION_VALUE_CHARS);
            }
        }
    }
}

#[test]
fn every_form_renders_as_a_modal_within_slacks_limits() {
    for id in FormId::ALL {
        let modal = modal_json(id);
        assert_limits(id, &modal);
        let meta: Metadata =
            serde_json::from_str(modal["private_metadata"].as_str().expect("metadata"))
                .expect("metadata JSON");
        assert_eq!(meta.form, id.as_str());
        assert_eq!(meta.channel.as_deref(), Some("C0OPS"));
    }
}

#[test]
fn invite_modal() {
    insta::assert_json_snapshot!(modal_json(FormId::Invite));
}

#[test]
fn suspend_modal() {
    insta::assert_json_snapshot!(modal_json(FormId::Suspend));
}

#[test]
fn delete_modal() {
    insta::assert_json_snapshot!(modal_json(FormId::Delete));
}

#[test]
fn attendance_modal() {
    insta::assert_json_snapshot!(modal_json(FormId::Attendance));
}

#[test]
fn waitlist_modal() {
    insta::assert_json_snapshot!(modal_json(FormId::Waitlist));
}

#[test]
fn deny_reason_modal() {
    insta::assert_json_snapshot!(modal_json(FormId::DenyReason));
}

#[test]
fn metadata_must_name_the_form() {
    let form = describe(FormId::Invite, &ctx());
    let raw = serde_json::to_string(&Metadata::of(&form, None)).expect("json");
    assert!(Metadata::read(&raw, FormId::Invite).is_some());
    assert!(Metadata::read(&raw, FormId::Delete).is_none());
    assert!(Metadata::read("", FormId::Invite).is_none());
    assert!(Metadata::read("{\"channel\":\"C1\"}", FormId::Invite).is_none());
}

#[test]
fn submitted_values_are_read_from_every_kind_of_input() {
    let submission = json!({
        "type": "view_submission",
        "user": {"id": "UCAROL"},
        "view": {
            "id": "V1",
            "callback_id": "invite",
            "private_metadata": "{\"form\":\"invite\"}",
            "state": {"values": {
                "email": {"email": {"type": "email_text_input", "value": "a@example.com"}},
                "first": {"first": {"type": "plain_text_input", "value": null}},
                "team": {"team": {"type": "static_select", "selected_option": {
                    "text": {"type": "plain_text", "text": "Team B"}, "value": "B"}}},
                "role": {"role": {"type": "static_select", "selected_option": null}},
                "overwrite": {"overwrite": {"type": "checkboxes", "selected_options": [
                    {"text": {"type": "plain_text", "text": "Replace"}, "value": "true"}]}},
                "from": {"from": {"type": "datepicker", "selected_date": "2026-01-01"}},
                "room": {"room": {"type": "external_select", "selected_option": {
                    "text": {"type": "plain_text", "text": "Theater"}, "value": "KJDfj5wOjA"}}},
                "none": {"none": {"type": "checkboxes", "selected_options": []}}
            }}
        }
    });
    let read = payload::submitted(&submission).expect("a submission");
    assert_eq!(read.user, "UCAROL");
    assert_eq!(read.callback_id, "invite");
    let get = |k: &str| read.values.get(k).map(String::as_str);
    assert_eq!(get("email"), Some("a@example.com"));
    assert_eq!(get("first"), None);
    assert_eq!(get("team"), Some("B"));
    assert_eq!(get("role"), None);
    assert_eq!(get("overwrite"), Some("true"));
    assert_eq!(get("from"), Some("2026-01-01"));
    assert_eq!(get("room"), Some("KJDfj5wOjA"));
    assert_eq!(get("none"), None);
    assert!(payload::submitted(&json!({"type": "view_submission"})).is_none());
}

#[test]
fn suggestions_and_answers_have_slacks_shapes() {
    let asked = payload::suggestion(&json!({
        "type": "block_suggestion",
        "user": {"id": "UDAVE"},
        "block_id": "room",
        "action_id": "room",
        "value": "thea",
        "view": {"callback_id": "attendance"}
    }))
    .expect("a suggestion");
    assert_eq!(
        (
            asked.block_id.as_str(),
            asked.query.as_str(),
            asked.callback_id.as_str()
        ),
        ("room", "thea", "attendance")
    );

    let long = "x".repeat(200);
    let Answer::Json(options) = options_answer(&[
        Choice::new("KJDfj5wOjA", "Theater"),
        Choice::new(long.clone(), "too long a value: left out"),
        Choice::new("r2", long),
    ]) else {
        panic!("JSON");
    };
    insta::assert_json_snapshot!(options, @r#"
    {
      "options": [
        {
          "text": {
            "type": "plain_text",
            "text": "Theater"
          },
          "value": "KJDfj5wOjA"
        },
        {
          "text": {
            "type": "plain_text",
            "text": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
          },
          "value": "r2"
        }
      ]
    }
    "#);

    let errors = errors_answer(&[FieldError::new("email", "Not an e-mail address.")]);
    assert_eq!(
        errors,
        json!({"response_action": "errors", "errors": {"email": "Not an e-mail address."}})
    );
}
