//! The elements of a reply card, laid out as Slack's blocks are: a status line (colored,
//! for anything but done), the title, the text, the fields as a `FactSet`, the table as a
//! `Table` (first row the header, numbers right-aligned), linked PNGs as images, download
//! buttons for other linked files, a line for files that could not be linked, a footer
//! (correlation id, what was left out), and the reply's buttons as `Action.Submit`.
//! How much of the text, fields and table goes in is the [`Plan`]'s say (`budget.rs`).

use serde_json::{Map, Value, json};

use super::markdown::to_teams;
use super::{CARD_VERSION, FileLink};
use crate::core::{ButtonStyle, Reply, ReplyAction, Status, Table};

/// The `id` of the title `TextBlock` (the message summary is read from it).
pub(super) const TITLE_ID: &str = "title";
/// Characters of the title.
const MAX_TITLE_CHARS: usize = 300;
/// Characters of a table cell, a fact title or a button label.
pub(super) const MAX_CELL_CHARS: usize = 200;
/// Buttons Teams shows on a card.
pub(super) const MAX_ACTIONS: usize = 6;
/// Characters of a button's command (a longer one is left out: cutting it would change it).
const MAX_COMMAND_CHARS: usize = 1000;
/// Characters of a button's label.
const MAX_LABEL_CHARS: usize = 75;
/// Images and download buttons shown.
const MAX_IMAGES: usize = 3;
const MAX_DOWNLOADS: usize = 5;
/// Characters of a signed link (a longer one is treated as not linked).
const MAX_URL_CHARS: usize = 2000;
/// Characters of the footer and of the line naming files that could not be linked.
const MAX_LINE_CHARS: usize = 400;

/// How much of a reply goes in the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plan {
    /// Whether the table is shown at all (its header row at least).
    pub table: bool,
    /// Table rows shown under the header.
    pub rows: usize,
    /// Characters of the text.
    pub text_chars: usize,
    /// Fields shown.
    pub facts: usize,
    /// Characters of each field's value.
    pub fact_chars: usize,
}

/// The card of `reply` under `plan`.
pub(super) fn render(reply: &Reply, files: &[FileLink], plan: Plan) -> Value {
    let mut body: Vec<Value> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let csv = files.iter().any(|f| f.is_csv() && linked(f).is_some());

    if let Some(status) = status_line(reply.status) {
        body.push(status);
    }
    if let Some(title) = reply
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        body.push(json!({
            "type": "TextBlock", "id": TITLE_ID, "text": clip(title, MAX_TITLE_CHARS),
            "size": "large", "weight": "bolder", "wrap": true,
        }));
    }
    let text = reply.text.trim();
    if !text.is_empty() && plan.text_chars > 0 {
        let marker = if csv {
            " … (shortened; the CSV has everything)"
        } else {
            " … (shortened)"
        };
        let text = truncate_with(text, plan.text_chars, marker);
        body.push(json!({ "type": "TextBlock", "text": to_teams(&text), "wrap": true }));
    }
    if !reply.fields.is_empty() {
        let shown = reply.fields.len().min(plan.facts);
        if shown > 0 {
            let facts: Vec<Value> = reply.fields[..shown]
                .iter()
                .map(|f| {
                    let value = match f.value.trim() {
                        "" => "—".to_owned(),
                        v => clip(v, plan.fact_chars.max(1)),
                    };
                    json!({ "title": clip(f.label.trim(), MAX_CELL_CHARS), "value": value })
                })
                .collect();
            body.push(json!({ "type": "FactSet", "facts": facts }));
        }
        let hidden = reply.fields.len() - shown;
        if hidden > 0 {
            notes.push(format!("{hidden} more field{} not shown", plural(hidden)));
        }
    }
    if let Some(table) = reply.table.as_ref().filter(|t| !t.columns.is_empty()) {
        if plan.table {
            body.push(table_element(table, plan.rows));
            let shown = plan.rows.min(table.rows.len());
            if shown < table.rows.len() {
                body.push(rows_note(shown, table.rows.len(), csv));
            }
        } else {
            notes.push(format!(
                "the table ({} row{}) is not shown{}",
                table.rows.len(),
                plural(table.rows.len()),
                if csv { "; the CSV has it" } else { "" }
            ));
        }
    }
    body.extend(file_elements(files));
    let actions = reply_actions(&reply.actions, &mut notes);
    if let Some(footer) = footer(&reply.text, &notes) {
        body.push(footer);
    }

    let mut card = Map::new();
    card.insert("type".into(), json!("AdaptiveCard"));
    card.insert(
        "$schema".into(),
        json!("http://adaptivecards.io/schemas/adaptive-card.json"),
    );
    card.insert("version".into(), json!(CARD_VERSION));
    if plan.table && reply.table.is_some() {
        // Tables need the width of the conversation.
        card.insert("msteams".into(), json!({ "width": "Full" }));
    }
    card.insert("body".into(), Value::Array(body));
    if !actions.is_empty() {
        card.insert("actions".into(), Value::Array(actions));
    }
    Value::Object(card)
}

/// The colored first line for anything but done, as Slack's status context line.
fn status_line(status: Status) -> Option<Value> {
    let (text, color) = match status {
        Status::Ok => return None,
        Status::Pending => ("⏳ Waiting for approval", "warning"),
        Status::Refused => ("⛔ Not allowed", "attention"),
        Status::Failed => ("⚠️ Failed", "attention"),
        Status::Usage => ("❓ Not understood", "default"),
    };
    Some(json!({
        "type": "TextBlock", "id": "status", "text": text, "color": color,
        "weight": "bolder", "wrap": true,
    }))
}

/// The table: a header row and the first `rows` rows, cells clipped, numeric columns
/// right-aligned, wider columns for longer cells.
fn table_element(table: &Table, rows: usize) -> Value {
    let columns = table.columns.len();
    let shown = &table.rows[..rows.min(table.rows.len())];
    let cell_text = |row: &[String], i: usize| -> String {
        row.get(i)
            .map(|c| clip(&c.replace(['\n', '\r', '\t'], " "), MAX_CELL_CHARS))
            .unwrap_or_default()
    };
    let column_specs: Vec<Value> = (0..columns)
        .map(|i| {
            let mut cells = table
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .filter(|c| !c.is_empty());
            let numeric = cells.clone().next().is_some() && cells.all(|c| is_number(c));
            let longest = std::iter::once(&table.columns[i])
                .chain(shown.iter().filter_map(|r| r.get(i)))
                .map(|c| c.chars().count().min(MAX_CELL_CHARS))
                .max()
                .unwrap_or(1);
            let width = (longest / 12).clamp(1, 4);
            if numeric {
                json!({ "width": width, "horizontalCellContentAlignment": "right" })
            } else {
                json!({ "width": width })
            }
        })
        .collect();
    let cell = |text: String, header: bool| {
        let mut block = json!({ "type": "TextBlock", "text": text, "wrap": true });
        if header {
            block["weight"] = json!("bolder");
        }
        json!({ "type": "TableCell", "items": [block] })
    };
    let mut table_rows = Vec::with_capacity(shown.len() + 1);
    table_rows.push(json!({
        "type": "TableRow",
        "cells": (0..columns).map(|i| cell(cell_text(&table.columns, i), true)).collect::<Vec<_>>(),
    }));
    for row in shown {
        table_rows.push(json!({
            "type": "TableRow",
            "cells": (0..columns).map(|i| cell(cell_text(row, i), false)).collect::<Vec<_>>(),
        }));
    }
    json!({
        "type": "Table",
        "columns": column_specs,
        "rows": table_rows,
        "firstRowAsHeader": true,
        "showGridLines": true,
        "gridStyle": "accent",
    })
}

/// "Showing N of M rows — the full table is in the CSV" (or just "Showing N of M rows").
fn rows_note(shown: usize, total: usize, csv: bool) -> Value {
    let text = if csv {
        format!("Showing {shown} of {total} rows — the full table is in the CSV.")
    } else {
        format!("Showing {shown} of {total} rows.")
    };
    json!({ "type": "TextBlock", "id": "rows", "text": text, "isSubtle": true, "size": "small", "wrap": true })
}

/// The file's link, when it has a usable one.
fn linked(file: &FileLink) -> Option<&str> {
    file.url
        .as_ref()
        .map(url::Url::as_str)
        .filter(|u| u.chars().count() <= MAX_URL_CHARS)
}

/// Linked PNGs as images, other linked files as download buttons, and one line naming
/// the files that could not be linked.
fn file_elements(files: &[FileLink]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut downloads = Vec::new();
    let mut unlinked = Vec::new();
    for file in files {
        let name = clip(&file.filename, MAX_CELL_CHARS);
        match linked(file) {
            Some(url) if file.is_png() && out.len() < MAX_IMAGES => out.push(json!({
                "type": "Image", "url": url, "altText": format!("Chart: {name}"),
                "selectAction": { "type": "Action.OpenUrl", "title": format!("Open {name}"), "url": url },
            })),
            Some(url) if downloads.len() < MAX_DOWNLOADS => downloads.push(json!({
                "type": "Action.OpenUrl",
                "title": clip(&format!("Download {name}"), MAX_LABEL_CHARS),
                "url": url,
            })),
            Some(_) => {}
            None => unlinked.push(format!("`{}`", name.replace('`', "'"))),
        }
    }
    if !downloads.is_empty() {
        out.push(json!({ "type": "ActionSet", "id": "files", "actions": downloads }));
    }
    if !unlinked.is_empty() {
        let text = format!(
            "Could not link {}: PUBLIC_URL is not set, so files cannot be shared in Teams.",
            unlinked.join(", ")
        );
        out.push(json!({
            "type": "TextBlock", "id": "unlinked", "text": clip(&text, MAX_LINE_CHARS),
            "isSubtle": true, "wrap": true,
        }));
    }
    out
}

/// The reply's buttons as `Action.Submit` carrying the command they stand for (run as typed
/// text for whoever clicks); at most [`MAX_ACTIONS`].
fn reply_actions(actions: &[ReplyAction], notes: &mut Vec<String>) -> Vec<Value> {
    let usable: Vec<&ReplyAction> = actions
        .iter()
        .filter(|a| !a.command.trim().is_empty() && a.command.chars().count() <= MAX_COMMAND_CHARS)
        .collect();
    let hidden = actions.len() - usable.len().min(MAX_ACTIONS);
    if hidden > 0 {
        notes.push(format!("{hidden} more button{} not shown", plural(hidden)));
    }
    usable
        .into_iter()
        .take(MAX_ACTIONS)
        .map(|a| submit_action(a, json!({ "command": a.command })))
        .collect()
}

/// An `Action.Submit` for `action` with `data`.
pub(super) fn submit_action(action: &ReplyAction, data: Value) -> Value {
    let mut out = json!({ "type": "Action.Submit", "title": label(action), "data": data });
    if let Some(style) = style(action.style) {
        out["style"] = json!(style);
    }
    out
}

/// The button's label (its id when it has none), clipped.
pub(super) fn label(action: &ReplyAction) -> String {
    match action.label.trim() {
        "" => clip(&action.id, MAX_LABEL_CHARS),
        l => clip(l, MAX_LABEL_CHARS),
    }
}

/// Adaptive Card action styles (Teams may draw them plainly).
pub(super) fn style(style: ButtonStyle) -> Option<&'static str> {
    match style {
        ButtonStyle::Default => None,
        ButtonStyle::Primary => Some("positive"),
        ButtonStyle::Danger => Some("destructive"),
    }
}

/// The correlation id (when the text names one) and notes about what was left out.
fn footer(text: &str, notes: &[String]) -> Option<Value> {
    let mut parts = Vec::new();
    if let Some(id) = correlation_id(text) {
        parts.push(format!("Correlation id: `{id}`"));
    }
    if !notes.is_empty() {
        let mut joined = notes.join(" · ");
        if let Some(first) = joined.get(..1) {
            joined = first.to_uppercase() + &joined[1..];
        }
        parts.push(joined);
    }
    (!parts.is_empty()).then(|| {
        json!({
            "type": "TextBlock", "id": "footer", "text": clip(&parts.join(" · "), MAX_LINE_CHARS),
            "isSubtle": true, "size": "small", "wrap": true,
        })
    })
}

/// The correlation id a text carries as "correlation id abc123" (any case, optional colon).
fn correlation_id(text: &str) -> Option<String> {
    const KEY: &str = "correlation id";
    let start = text.to_ascii_lowercase().find(KEY)? + KEY.len();
    let rest = text
        .get(start..)?
        .trim_start_matches([':', ' ', '\t', '`', '*']);
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(64)
        .collect();
    let id = id.trim_end_matches('.');
    (!id.is_empty()).then(|| id.to_owned())
}

/// "1,234", "-5", "41.7", "12%": digits with separators, a sign or a percent.
fn is_number(cell: &str) -> bool {
    let digits = cell.trim_start_matches(['-', '+']).trim_end_matches('%');
    digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// At most `max` characters, an ellipsis marking a cut.
pub(super) fn clip(text: &str, max: usize) -> String {
    truncate_with(text, max, "…")
}

/// `text` cut to at most `max` characters (at a space when that keeps most of it), ending
/// with `marker` when cut; the marker counts.
pub(super) fn truncate_with(text: &str, max: usize, marker: &str) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let room = max.saturating_sub(marker.chars().count());
    let Some((cut, _)) = text.char_indices().nth(room) else {
        return text.to_owned();
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(p) if p >= cut / 2 && p > 0 => &head[..p],
        _ => head,
    };
    let head = head.trim_end();
    if head.is_empty() {
        return marker.trim_start().chars().take(max).collect();
    }
    format!("{head}{marker}")
}
