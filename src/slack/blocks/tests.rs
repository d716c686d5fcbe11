//! Snapshot tests of the Block Kit JSON for each kind of reply, and explicit checks that
//! every Slack limit holds, including for a reply far larger than a message can carry.

use serde_json::Value;

use super::*;
use crate::core::{Attachment, ButtonStyle, Reply, ReplyAction, Table};

fn button(id: &str, label: &str, value: &str, style: ButtonStyle) -> ReplyAction {
    ReplyAction {
        id: id.into(),
        label: label.into(),
        value: value.into(),
        command: format!("approvals {label} {value}").to_lowercase(),
        style,
    }
}

fn csv(name: &str, rows: usize) -> Attachment {
    let mut bytes = b"user,minutes\n".to_vec();
    for i in 0..rows {
        bytes.extend(format!("user{i}@example.com,{i}\n").bytes());
    }
    Attachment {
        filename: name.into(),
        media_type: "text/csv".into(),
        bytes,
    }
}

/// Every string under a `"text"` key (what Slack shows and counts).
fn texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("text", Value::String(s)) => out.push(s.clone()),
                    _ => texts(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        _ => {}
    }
}

fn n(s: &str) -> usize {
    s.chars().count()
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Asserts every Block Kit limit on a rendered message; returns its JSON.
fn assert_limits(msg: &SlackReplyMessage) -> Value {
    let json = msg.to_response_json();
    assert!(!msg.text.trim().is_empty(), "fallback text is always set");
    assert!(n(&msg.text) <= MAX_FALLBACK_CHARS);
    let blocks = json["blocks"].as_array().expect("blocks array");
    assert_eq!(blocks.len(), msg.blocks.len());
    assert!(blocks.len() <= MAX_BLOCKS, "{} blocks", blocks.len());
    for block in blocks {
        match str_at(block, "/type") {
            "header" => assert!(n(str_at(block, "/text/text")) <= MAX_HEADER_CHARS),
            "section" => {
                if let Some(text) = block.get("text") {
                    assert!(n(str_at(text, "/text")) <= MAX_SECTION_CHARS);
                    assert_eq!(str_at(text, "/text").matches("```").count() % 2, 0);
                }
                if let Some(fields) = block.get("fields").and_then(Value::as_array) {
                    assert!(!fields.is_empty() && fields.len() <= MAX_FIELDS_PER_SECTION);
                    for f in fields {
                        assert!(n(str_at(f, "/text")) <= MAX_FIELD_CHARS);
                    }
                }
                assert!(block.get("text").is_some() || block.get("fields").is_some());
            }
            "actions" => {
                let elements = block["elements"].as_array().expect("elements");
                assert!(!elements.is_empty() && elements.len() <= MAX_BUTTONS);
                let mut ids: Vec<&str> = elements.iter().map(|e| str_at(e, "/action_id")).collect();
                for e in elements {
                    assert!(n(str_at(e, "/text/text")) <= MAX_BUTTON_LABEL_CHARS);
                    assert!(n(str_at(e, "/value")) <= MAX_BUTTON_VALUE_CHARS);
                    assert!(n(str_at(e, "/action_id")) <= MAX_ACTION_ID_CHARS);
                }
                let count = ids.len();
                ids.sort_unstable();
                ids.dedup();
                assert_eq!(ids.len(), count, "action ids unique within a block");
            }
            "context" => {
                let elements = block["elements"].as_array().expect("elements");
                assert!(!elements.is_empty() && elements.len() <= 10);
            }
            other => panic!("unexpected block type {other}"),
        }
    }
    let mut all = Vec::new();
    texts(&json["blocks"], &mut all);
    let total: usize = all.iter().map(|t| n(t)).sum();
    assert!(total <= MESSAGE_CHAR_BUDGET, "{total} characters of text");
    for t in &all {
        assert!(!t.trim().is_empty(), "no empty text objects");
        for (i, _) in t.match_indices('&') {
            let rest = &t[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;"]
                    .iter()
                    .any(|e| rest.starts_with(e)),
                "unescaped or split entity in {t:?}"
            );
        }
    }
    // The blocks survive a round trip through slack-morphism's models.
    let back: Vec<SlackBlock> = serde_json::from_value(json["blocks"].clone()).expect("blocks");
    assert_eq!(back, msg.blocks);
    json
}

fn help_overview() -> Reply {
    Reply::ok("Type `/virbela help <topic>` for details. Dates are read in your time zone.")
        .titled("Virbela bot — commands")
        .table(
            Table::new(["command", "what it does"])
                .row(["users [filter]", "list campus users"])
                .row([
                    "invite <email> [key=value…]",
                    "invite someone (may need approval)",
                ])
                .row([
                    "suspend <email|id> [reason…]",
                    "suspend a user (needs 1 approval)",
                ])
                .row([
                    "attendance <room> [range]",
                    "attendance report with CSV & chart",
                ])
                .row([
                    "approvals [pending|mine]",
                    "requests waiting for a decision",
                ]),
        )
}

#[test]
fn help_overview_renders_a_table() {
    let msg = message(&help_overview());
    let json = assert_limits(&msg);
    assert!(!msg.in_channel);
    assert_eq!(json["response_type"], "ephemeral");
    insta::assert_json_snapshot!("help_overview", json);
}

fn pending_approval() -> Reply {
    Reply::pending("Suspending alice@example.com needs 1 approval. Request #12 expires in 24 h.")
        .titled("Approval needed: suspend alice@example.com")
        .field("Requested by", "<@U012ABCDEF>")
        .field("Risk", "medium")
        .field("Reason", "Repeated no-shows & spam")
        .action(button(
            "approval.approve",
            "Approve",
            "12",
            ButtonStyle::Primary,
        ))
        .action(button("approval.deny", "Deny", "12", ButtonStyle::Danger))
        .in_channel()
}

#[test]
fn pending_approval_has_buttons() {
    let msg = message(&pending_approval());
    let json = assert_limits(&msg);
    assert!(msg.in_channel);
    let actions = msg
        .blocks
        .iter()
        .find_map(|b| match b {
            SlackBlock::Actions(a) => Some(a),
            _ => None,
        })
        .expect("an actions block");
    let SlackActionBlockElement::Button(approve) = &actions.elements[0] else {
        panic!("a button");
    };
    assert_eq!(
        approve.action_id,
        Some(SlackActionId("approval.approve".into()))
    );
    assert_eq!(approve.value.as_deref(), Some("12"));
    assert_eq!(approve.style, Some(SlackBlockButtonStyle::Primary));
    // `<` and `&` from the data are escaped, never turned into mentions or links.
    assert!(json.to_string().contains("&lt;@U012ABCDEF&gt;"));
    insta::assert_json_snapshot!("pending_approval", json);
}

fn attendance_report() -> Reply {
    let mut table = Table::new(["attendee", "sessions", "minutes"]);
    for (who, s, m) in [
        ("alice@example.com", "14", "612"),
        ("bob@example.com", "9", "344"),
        ("carol@example.com", "3", "75"),
    ] {
        table.push([who, s, m]);
    }
    Reply::ok("Attendance in Main Hall, 2025-03-01..2025-03-31 (Europe/Berlin).")
        .titled("Attendance — Main Hall")
        .field("Sessions", "212")
        .field("Unique attendees", "37")
        .field("Total minutes", "8,840")
        .field("Average minutes", "41.7")
        .field("Peak concurrent", "19 (2025-03-12 10:00)")
        .field("Busiest day", "Wednesday")
        .table(table)
        .attach(csv("attendance-Main-Hall-2025-03.csv", 3))
        .attach(Attachment {
            filename: "attendance-Main-Hall-2025-03.png".into(),
            media_type: "image/png".into(),
            bytes: vec![0x89, b'P', b'N', b'G'],
        })
        .in_channel()
}

#[test]
fn attendance_report_has_fields_table_and_attachment_line() {
    let msg = message(&attendance_report());
    let json = assert_limits(&msg);
    assert!(msg.in_channel);
    assert_eq!(json["response_type"], "in_channel");
    assert!(
        json.to_string()
            .contains("Attached: `attendance-Main-Hall-2025-03.csv`")
    );
    insta::assert_json_snapshot!("attendance_report", json);
}

#[test]
fn usage_error_is_ephemeral_even_when_asked_in_channel() {
    let reply = Reply::usage("I don't know `frobnicate`. Try `/virbela help` or `users <filter>`.")
        .in_channel();
    let msg = message(&reply);
    let json = assert_limits(&msg);
    assert!(!msg.in_channel);
    assert!(json.to_string().contains("Not understood"));
    insta::assert_json_snapshot!("usage_error", json);
}

#[test]
fn refused_error_shows_the_correlation_id() {
    let reply = Reply::refused(
        "You need the approver role to approve request #12 (correlation id abc123).",
    )
    .in_channel();
    let msg = message(&reply);
    let json = assert_limits(&msg);
    assert!(!msg.in_channel);
    assert!(json.to_string().contains("Correlation id: `abc123`"));
    insta::assert_json_snapshot!("refused_with_correlation_id", json);
}

#[test]
fn failed_is_ephemeral_and_ok_defaults_to_ephemeral() {
    assert!(!message(&Reply::failed("Virbela is down").in_channel()).in_channel);
    assert!(!message(&Reply::ok("done")).in_channel);
    assert!(message(&Reply::ok("done").in_channel()).in_channel);
}

#[test]
fn empty_reply_still_has_fallback_text_and_no_empty_blocks() {
    let msg = message(&Reply::default());
    assert_limits(&msg);
    assert_eq!(msg.text, "Done.");
    assert!(msg.blocks.is_empty());
}

fn huge(with_attachment: bool) -> Reply {
    let mut reply = Reply::failed(format!(
        "{}\nSomething went wrong (correlation id deadbeef-42).",
        "Line with <tags> & ampersands, repeated to exceed every limit.\n".repeat(900)
    ))
    .titled("T".repeat(400));
    for i in 0..300 {
        reply = reply.field(format!("Field {i} <x>"), "v&".repeat(1500));
    }
    let mut table = Table::new(["name", "email", "notes"]);
    for i in 0..2000 {
        table.push([
            format!("User {i}"),
            format!("user{i}@example.com"),
            "a `note` with\nnewlines & a very long tail ".repeat(4),
        ]);
    }
    reply = reply.table(table);
    for i in 0..40 {
        reply = reply.action(button(
            &format!("act.{i}"),
            &"L".repeat(100),
            &i.to_string(),
            ButtonStyle::Default,
        ));
    }
    if with_attachment {
        reply = reply.attach(csv("huge.csv", 10));
    }
    reply
}

#[test]
fn huge_reply_respects_every_limit() {
    let reply = huge(true);
    let msg = message(&reply);
    let json = assert_limits(&msg);

    // The buttons stay (the first 25), in one block with the limit on labels.
    let actions: Vec<&SlackActionsBlock> = msg
        .blocks
        .iter()
        .filter_map(|b| match b {
            SlackBlock::Actions(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].elements.len(), MAX_BUTTONS);
    // Header cut to 150 characters.
    let SlackBlock::Header(_) = &msg.blocks[0] else {
        panic!("header first");
    };
    assert_eq!(n(str_at(&json, "/blocks/0/text/text")), MAX_HEADER_CHARS);
    // With an attachment the text is one section pointing to the file.
    let first_text = str_at(&json, "/blocks/1/text/text");
    assert!(
        first_text.ends_with("… (see the attached file)"),
        "{first_text}"
    );
    assert!(n(first_text) <= MAX_SECTION_CHARS);
    // The table is cut with a pointer to the file.
    let dump = json.to_string();
    assert!(
        dump.contains("more rows (full table in `huge.csv`)"),
        "table pointer"
    );
    // Left-out fields and buttons are counted; status and correlation id are there.
    assert!(dump.contains("more fields not shown (see the attached file)"));
    assert!(dump.contains("15 more buttons not shown"));
    assert!(dump.contains(":warning: Failed"));
    assert!(dump.contains("Correlation id: `deadbeef-42`"));
    assert!(!msg.in_channel);
    insta::assert_json_snapshot!("huge_reply", json);
}

#[test]
fn huge_text_without_attachment_is_split_into_sections() {
    let reply = Reply::ok("word ".repeat(5000));
    let msg = message(&reply);
    assert_limits(&msg);
    let sections = msg
        .blocks
        .iter()
        .filter(|b| matches!(b, SlackBlock::Section(_)))
        .count();
    assert!(sections >= 3, "{sections} sections");
    let json = msg.to_response_json();
    let last = json["blocks"]
        .as_array()
        .and_then(|b| b.last())
        .expect("a block");
    assert!(str_at(last, "/text/text").ends_with("… (shortened)"));
}

#[test]
fn many_small_fields_hit_the_block_limit_but_keep_the_buttons() {
    let mut reply = Reply::ok("Fields galore").titled("Fields");
    for i in 0..1000 {
        reply = reply.field(format!("f{i}"), "x");
    }
    reply = reply.action(button("more.next", "Next page", "2", ButtonStyle::Primary));
    let msg = message(&reply);
    assert_limits(&msg);
    assert_eq!(msg.blocks.len(), MAX_BLOCKS);
    assert!(matches!(
        msg.blocks[msg.blocks.len() - 2],
        SlackBlock::Actions(_)
    ));
    assert!(
        msg.to_response_json()
            .to_string()
            .contains("more fields not shown")
    );
}

#[test]
fn repeated_action_ids_go_to_separate_blocks() {
    let reply = Reply::pending("Two requests")
        .action(button(
            "approval.approve",
            "Approve #1",
            "1",
            ButtonStyle::Primary,
        ))
        .action(button(
            "approval.approve",
            "Approve #2",
            "2",
            ButtonStyle::Primary,
        ));
    let msg = message(&reply);
    assert_limits(&msg);
    let actions = msg
        .blocks
        .iter()
        .filter(|b| matches!(b, SlackBlock::Actions(_)))
        .count();
    assert_eq!(actions, 2);
}

#[test]
fn response_json_and_content_carry_text_and_blocks() {
    let msg = message(&pending_approval());
    let json = msg.to_response_json();
    let keys: Vec<&String> = json.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["response_type", "text", "blocks"]);
    let content = msg.to_content();
    assert_eq!(content.text.as_deref(), Some(msg.text.as_str()));
    assert_eq!(
        content.blocks.as_ref().map(Vec::len),
        Some(msg.blocks.len())
    );
}
