//! Snapshot tests of the card JSON for each kind of reply, the approval card pending and
//! decided, a form with errors; the size budget (a huge reply and random sizes); and the
//! round trip of a form's submission back to the core.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::*;
use crate::core::forms::{self, Choice, FieldError, FormId, describe};
use crate::core::{ButtonStyle, ParseContext, Reply, ReplyAction, Status, Table};

fn link(name: &str, media_type: &str) -> FileLink {
    FileLink {
        filename: name.into(),
        media_type: media_type.into(),
        url: url::Url::parse(&format!(
            "https://bot.example.com/files/{name}?exp=1767225600&sig=3f9a1c"
        ))
        .ok(),
    }
}

fn unlinked(name: &str, media_type: &str) -> FileLink {
    FileLink {
        url: None,
        ..link(name, media_type)
    }
}

fn attendance_reply() -> Reply {
    let mut table = Table::new(["Attendee", "Sessions", "Minutes"]);
    table.push(["Ana Lopez", "12", "1,204"]);
    table.push(["Kim Park", "9", "877"]);
    table.push(["Sam O'Neil", "4", "96"]);
    Reply::ok(
        "Attendance in *Theater* from 2026-01-08 to 2026-01-14 (Europe/Paris). Top attendees \
         below; every session is in the CSV, attendees per day in the chart.",
    )
    .titled("Attendance: Theater, last 7 days")
    .field("Sessions", "214")
    .field("Attendees", "57")
    .field("Total minutes", "8,912")
    .field("Peak", "31 at 2026-01-12 10:00")
    .table(table)
    .in_channel()
}

fn attendance_files() -> Vec<FileLink> {
    vec![
        link("attendance_Theater.csv", "text/csv"),
        link("attendance_Theater.png", "image/png"),
    ]
}

fn vote(id: &str, label: &str, style: ButtonStyle) -> ReplyAction {
    ReplyAction {
        id: id.into(),
        label: label.into(),
        value: "12".into(),
        command: format!("approvals {} 12", label.to_lowercase()),
        style,
    }
}

/// What `CardSource::card` gives for request 12 (see `core::notices::card`).
fn approval_reply(pending: bool) -> Reply {
    let state = if pending {
        "Waiting for approval: needs 1 approval from an approver other than the requester, before 2026-01-16 12:00 UTC."
    } else {
        "Denied by teams:7faf8ab2: “wrong person”. Nothing was done."
    };
    let mut table = Table::new(["Will run", "Value"]);
    table.push(["user_id", "u-1842"]);
    table.push(["reason", "course ended"]);
    let mut reply = Reply::ok(format!("*Suspend kim@example.org (Kim Park)*\n{state}"))
        .titled("Approval request #12")
        .field("State", if pending { "pending" } else { "denied" })
        .field("Risk", "medium")
        .field("Requested by", "teams:3c2a9f10")
        .field("Reason", "course ended")
        .field("Approvals", "0 of 1")
        .field("Correlation id", "7f3e-42")
        .table(table)
        .in_channel();
    if pending {
        reply = reply
            .action(vote("approval.approve", "Approve", ButtonStyle::Primary))
            .action(vote("approval.deny", "Deny", ButtonStyle::Danger));
        reply.status = Status::Pending;
    } else {
        reply.status = Status::Refused;
    }
    reply
}

fn ctx() -> ParseContext {
    ParseContext {
        now: Utc
            .with_ymd_and_hms(2026, 1, 15, 12, 0, 0)
            .single()
            .expect("a time"),
        tz: chrono_tz::UTC,
    }
}

/// Every element of the card body, nested ones included.
fn elements(card: &Value) -> Vec<&Value> {
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        match v {
            Value::Object(map) => {
                if map.contains_key("type") {
                    out.push(v);
                }
                map.values().for_each(|c| walk(c, out));
            }
            Value::Array(items) => items.iter().for_each(|c| walk(c, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&card["body"], &mut out);
    out
}

fn texts(card: &Value) -> String {
    elements(card)
        .iter()
        .filter_map(|e| e["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_fits(card: &Value) {
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.5");
    let size = teams_size(&message(card.clone()));
    assert!(
        size <= MAX_MESSAGE_BYTES - ENVELOPE_RESERVE,
        "{size} bytes as Teams counts them"
    );
}

#[test]
fn attendance_card() {
    let card = card(&attendance_reply(), &attendance_files());
    assert_fits(&card);
    insta::assert_json_snapshot!("attendance_card", card);
}

#[test]
fn refusal_card() {
    let reply = Reply::refused(
        "You cannot run `delete`: it needs the admin role (yours is operator). Correlation id 9b1d-77.",
    );
    let card = card(&reply, &[]);
    assert_fits(&card);
    assert_eq!(card["body"][0]["color"], "attention");
    insta::assert_json_snapshot!("refusal_card", card);
}

#[test]
fn pending_approval_card() {
    let users = vec!["29:1Xj-approver".to_string(), "29:2Ab-admin".to_string()];
    let card = approval_card(&approval_reply(true), 12, &users);
    assert_fits(&card);
    let vote = elements(&card)
        .into_iter()
        .find(|e| e["id"] == "vote")
        .expect("the vote buttons");
    assert_eq!(vote["actions"][0]["verb"], "approve");
    assert_eq!(vote["actions"][0]["data"], json!({ "requestId": "12" }));
    assert_eq!(
        vote["actions"][1]["fallback"]["data"],
        json!({ "verb": "deny", "requestId": "12" })
    );
    assert_eq!(card["refresh"]["userIds"], json!(users));
    assert!(card.get("actions").is_none(), "votes only as Execute");
    insta::assert_json_snapshot!("pending_approval_card", card);
}

#[test]
fn decided_approval_card() {
    let card = approval_card(&approval_reply(false), 12, &["29:1Xj".to_string()]);
    assert_fits(&card);
    assert!(card.get("refresh").is_none());
    assert!(card.get("actions").is_none());
    assert!(
        elements(&card)
            .iter()
            .all(|e| e["type"] != "Input.Text" && e["type"] != "ActionSet")
    );
    insta::assert_json_snapshot!("decided_approval_card", card);
}

#[test]
fn refresh_keeps_at_most_sixty_users() {
    let users: Vec<String> = (0..100).map(|i| format!("29:user-{i}")).collect();
    let card = approval_card(&approval_reply(true), 12, &users);
    assert_eq!(
        card["refresh"]["userIds"].as_array().map(Vec::len),
        Some(MAX_REFRESH_USER_IDS)
    );
    assert_fits(&card);
}

#[test]
fn invite_form_with_errors() {
    let form = describe(FormId::Invite, &ctx());
    let errors = vec![
        FieldError::new("email", "`kim@` is not an e-mail address."),
        FieldError::new("team", "No team BZZ: teams are A–Z, AA–AZ or BA–BZ."),
    ];
    let card = form_card(&form, &HashMap::new(), &errors);
    assert_eq!(card["body"][0]["color"], "attention");
    let by_id = |id: &str| {
        elements(&card)
            .into_iter()
            .position(|e| e["id"] == id)
            .expect(id)
    };
    assert!(by_id("email.error") > by_id("email"));
    assert!(by_id("team.error") > by_id("team"));
    insta::assert_json_snapshot!("invite_form_with_errors", card);
}

#[test]
fn search_fields_carry_loaded_choices_and_a_dataset() {
    let form = describe(FormId::Suspend, &ctx());
    let loaded: Vec<Choice> = (0..150)
        .map(|i| Choice::new(format!("u-{i}"), format!("Person {i}")))
        .collect();
    let choices = HashMap::from([("user", loaded)]);
    let card = form_card(&form, &choices, &[]);
    let user = elements(&card)
        .into_iter()
        .find(|e| e["id"] == "user")
        .expect("the member field");
    assert_eq!(user["type"], "Input.ChoiceSet");
    assert_eq!(user["choices"].as_array().map(Vec::len), Some(100));
    assert_eq!(
        user["choices.data"],
        json!({ "type": "Data.Query", "dataset": "suspend.user" })
    );
    assert_eq!(user["isRequired"], true);
}

#[test]
fn huge_reply_fits_and_says_how_many_rows_it_shows() {
    let long = "Wolfeschlegelsteinhausenbergerdorff ".repeat(8);
    let mut table = Table::new(["Attendee", "E-mail", "Minutes"]);
    for i in 0..5000 {
        table.push([
            format!("{long}{i}"),
            format!("person{i}@example.com"),
            i.to_string(),
        ]);
    }
    let reply = Reply::ok("x".repeat(30_000))
        .titled("Attendance")
        .field("Sessions", "5,000")
        .table(table);
    let card = card(&reply, &attendance_files());
    assert_fits(&card);
    assert!(teams_size(&message(card.clone())) <= MAX_MESSAGE_BYTES);
    let note = elements(&card)
        .into_iter()
        .find(|e| e["id"] == "rows")
        .expect("a rows note");
    let text = note["text"].as_str().unwrap_or_default();
    assert!(text.starts_with("Showing "), "{text}");
    assert!(
        text.ends_with("of 5000 rows — the full table is in the CSV."),
        "{text}"
    );
    let shown = elements(&card)
        .into_iter()
        .find(|e| e["type"] == "Table")
        .and_then(|t| t["rows"].as_array().map(Vec::len))
        .expect("a table");
    assert!(shown > 1, "some rows are shown");
    assert!(
        text.contains(&format!("Showing {} of", shown - 1)),
        "{text}"
    );
}

#[test]
fn without_a_csv_the_note_only_counts() {
    let mut table = Table::new(["A", "B"]);
    for i in 0..3000 {
        table.push([format!("row {i}"), "y".repeat(100)]);
    }
    let card = card(&Reply::ok("many").table(table), &[]);
    assert_fits(&card);
    let all = texts(&card);
    assert!(all.contains("of 3000 rows."), "{all}");
    assert!(!all.contains("CSV"));
}

#[test]
fn random_sizes_always_fit() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for round in 0..25 {
        let columns = rng.random_range(1..8);
        let mut table = Table::new((0..columns).map(|c| format!("Column {c}")));
        for _ in 0..rng.random_range(0..1500) {
            table.push((0..columns).map(|_| "é".repeat(rng.random_range(0..300))));
        }
        let mut reply = Reply::ok("word ".repeat(rng.random_range(0..12_000)))
            .titled("t".repeat(rng.random_range(0..2000)));
        for f in 0..rng.random_range(0..120) {
            reply = reply.field(format!("Field {f}"), "v".repeat(rng.random_range(0..3000)));
        }
        for a in 0..rng.random_range(0..10) {
            reply = reply.action(ReplyAction {
                id: format!("a{a}"),
                label: "Do it".into(),
                value: String::new(),
                command: "c".repeat(rng.random_range(1..1500)),
                style: ButtonStyle::Default,
            });
        }
        if rng.random_bool(0.5) {
            reply = reply.table(table);
        }
        reply.status = [Status::Ok, Status::Failed, Status::Pending][round % 3];
        let files = if rng.random_bool(0.5) {
            attendance_files()
        } else {
            vec![unlinked("a.csv", "text/csv")]
        };
        let plain = card(&reply, &files);
        assert_fits(&plain);
        let users: Vec<String> = (0..rng.random_range(0..80))
            .map(|i| format!("29:{}", "u".repeat(i)))
            .collect();
        let mut pending = reply.clone();
        pending
            .actions
            .push(vote("approval.approve", "Approve", ButtonStyle::Primary));
        pending
            .actions
            .push(vote("approval.deny", "Deny", ButtonStyle::Danger));
        assert_fits(&approval_card(&pending, 12, &users));
    }
}

#[test]
fn files_without_links_are_named() {
    let reply = Reply::ok("Report").titled("Waitlist");
    let files = vec![
        unlinked("waitlist.csv", "text/csv"),
        unlinked("waitlist.png", "image/png"),
    ];
    let card = card(&reply, &files);
    let all = texts(&card);
    assert!(
        all.contains("Could not link `waitlist.csv`, `waitlist.png`: PUBLIC_URL is not set"),
        "{all}"
    );
    assert!(elements(&card).iter().all(|e| e["type"] != "Image"));
}

#[test]
fn other_buttons_submit_their_command() {
    let reply = Reply::ok("Request #3 is yours.").action(ReplyAction {
        id: "approval.cancel".into(),
        label: "Cancel request".into(),
        value: "3".into(),
        command: "approvals cancel 3".into(),
        style: ButtonStyle::Danger,
    });
    let card = card(&reply, &[]);
    assert_eq!(
        card["actions"],
        json!([{
            "type": "Action.Submit", "title": "Cancel request",
            "data": { "command": "approvals cancel 3" }, "style": "destructive",
        }])
    );
}

#[test]
fn message_and_invoke_envelopes() {
    let card = card(&attendance_reply(), &[]);
    let activity = message(card.clone());
    assert_eq!(activity["type"], "message");
    assert_eq!(activity["summary"], "Attendance: Theater, last 7 days");
    assert_eq!(activity["attachments"][0]["contentType"], CARD_CONTENT_TYPE);
    assert_eq!(activity["attachments"][0]["content"], card);
    assert_eq!(
        invoke_message("Already approved"),
        json!({ "statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "Already approved" })
    );
    assert_eq!(invoke_card(json!({}))["type"], CARD_CONTENT_TYPE);
    assert_eq!(
        invoke_error(400, "bad"),
        json!({ "statusCode": 400, "type": "application/vnd.microsoft.error", "value": { "code": "BadRequest", "message": "bad" } })
    );
    assert_eq!(
        invoke_error(412, "stale")["type"],
        "application/vnd.microsoft.error.preconditionFailed"
    );
    assert_eq!(
        task_message("Done"),
        json!({ "task": { "type": "message", "value": "Done" } })
    );
    let task = task_continue("Invite", json!({ "type": "AdaptiveCard" }));
    assert_eq!(
        task["task"]["value"]["card"]["contentType"],
        CARD_CONTENT_TYPE
    );
    assert_eq!(task["task"]["value"]["width"], "medium");
}

#[test]
fn teams_size_counts_utf16_bytes() {
    assert_eq!(teams_size(&json!("ab")), 8); // "ab" with quotes
    assert_eq!(teams_size(&json!("é")), 6);
    assert_eq!(teams_size(&json!("😀")), 8); // a surrogate pair
}

/// What Teams sends back on submit: each input's value by its id, merged with the submit
/// button's data.
fn submitted(card: &Value, typed: &HashMap<&str, &str>) -> Value {
    let mut data = card["actions"][0]["data"].clone();
    for e in elements(card) {
        let kind = e["type"].as_str().unwrap_or_default();
        if let (true, Some(id)) = (kind.starts_with("Input."), e["id"].as_str()) {
            let value = typed
                .get(id)
                .map(|v| (*v).to_string())
                .or_else(|| e["value"].as_str().map(str::to_string))
                .unwrap_or_default();
            data[id] = json!(value);
        }
    }
    data
}

#[test]
fn form_values_round_trip_to_the_core() {
    let form = describe(FormId::Invite, &ctx());
    let card = form_card(&form, &HashMap::new(), &[]);
    let typed = HashMap::from([
        ("email", "kim@example.org"),
        ("first", "Kim"),
        ("team", "C"),
        ("role", "member"),
        ("overwrite", "true"),
    ]);
    let mut data = submitted(&card, &typed);
    data["msteams"] = json!({ "type": "task/submit" });
    let (id, values) = form_values(&data).expect("a form submission");
    assert_eq!(id, FormId::Invite);
    assert!(!values.contains_key("msteams") && !values.contains_key("form"));
    for field in &form.fields {
        assert!(values.contains_key(field.id), "{}", field.id);
    }
    let valid = forms::submit(id, &values, &ctx()).expect("valid");
    assert_eq!(
        forms::canonical_text(&valid.command).as_deref(),
        Some("invite kim@example.org first=Kim team=C role=member overwrite=yes")
    );
}

#[test]
fn form_values_keep_hidden_values_and_stringify_scalars() {
    let mut form = describe(FormId::DenyReason, &ctx());
    form.hidden.push(("request".into(), "12".into()));
    let card = form_card(&form, &HashMap::new(), &[]);
    assert_eq!(
        card["actions"][0]["data"],
        json!({ "form": "deny_reason", "request": "12" })
    );
    let data = json!({
        "form": "deny_reason", "request": "12", "reason": "wrong person",
        "verb": "deny", "requestId": "12", "flag": true, "n": 3, "none": null,
    });
    let (id, values) = form_values(&data).expect("values");
    assert_eq!(id, FormId::DenyReason);
    let mut keys: Vec<&str> = values.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["flag", "n", "reason", "request"]);
    assert_eq!(values["flag"], "true");
    assert_eq!(values["n"], "3");
    assert!(form_values(&json!({ "form": "nope" })).is_none());
    assert!(form_values(&json!({ "command": "help" })).is_none());
    assert!(form_values(&json!("text")).is_none());
}
