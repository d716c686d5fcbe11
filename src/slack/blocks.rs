//! Block Kit renderer for [`Reply`]: a header, the text, field sections, a compact
//! table, buttons and context lines, always with a plain `text` fallback, within Slack's
//! limits (50 blocks, 3000-character sections, 10 fields of 2000 characters, 150-character
//! headers, 25 buttons) and a total text budget under Slack's undocumented aggregate cap
//! (`msg_blocks_too_long` at about 13,000 characters). What does not fit is shortened
//! with a note, pointing to the attached file when there is one; buttons always stay.
//!
//! Space is handed out by importance: header, buttons, context lines, the first section
//! of text, fields, the table, then the rest of the text. Blocks are laid out as header,
//! text, fields, table, buttons, status/correlation context, attachment list.

mod table;
#[cfg(test)]
mod tests;
mod text;

use slack_morphism::prelude::{
    SlackActionBlockElement, SlackActionId, SlackActionsBlock, SlackBlock, SlackBlockButtonElement,
    SlackBlockButtonStyle, SlackBlockId, SlackBlockMarkDownText, SlackBlockPlainText,
    SlackBlockText, SlackContextBlock, SlackContextBlockElement, SlackHeaderBlock,
    SlackMessageContent, SlackSectionBlock,
};

use crate::core::{ButtonStyle, Field, Reply, ReplyAction, Status, Visibility};
use text::{chars, clip, correlation_id, escape, split_at_most, truncate_with};

/// Blocks per message.
pub const MAX_BLOCKS: usize = 50;
/// Characters of a section's `text`.
pub const MAX_SECTION_CHARS: usize = 3000;
/// Fields per section.
pub const MAX_FIELDS_PER_SECTION: usize = 10;
/// Characters per section field.
pub const MAX_FIELD_CHARS: usize = 2000;
/// Characters of a header.
pub const MAX_HEADER_CHARS: usize = 150;
/// Elements of an actions block (and buttons per message here).
pub const MAX_BUTTONS: usize = 25;
/// Characters of a button label.
pub const MAX_BUTTON_LABEL_CHARS: usize = 75;
/// Characters of a button value.
pub const MAX_BUTTON_VALUE_CHARS: usize = 2000;
/// Characters of an `action_id`.
pub const MAX_ACTION_ID_CHARS: usize = 255;
/// Characters of text across all blocks (below the ~13,000 aggregate cap).
pub const MESSAGE_CHAR_BUDGET: usize = 12_000;
/// Characters of the plain `text` fallback (notifications, screen readers).
pub const MAX_FALLBACK_CHARS: usize = 3000;

/// Room kept for the status/correlation/notes context line.
const CONTEXT_RESERVE: usize = 400;
/// Longest attachment list line.
const MAX_ATTACHED_CHARS: usize = 300;
/// A text section shorter than this is not started; the text is cut instead.
const MIN_SECTION_CHARS: usize = 200;
const ATTACHED_MARKER: &str = " … (see the attached file)";
const SHORTENED_MARKER: &str = " … (shortened)";

/// A reply rendered for Slack: post `text` + `blocks` with `chat.postMessage`, or send
/// [`SlackReplyMessage::to_response_json`] to a `response_url` or as a slash-command ack.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackReplyMessage {
    /// Plain fallback (notifications, accessibility); always set.
    pub text: String,
    pub blocks: Vec<SlackBlock>,
    /// Visible to the channel (`in_channel`) rather than to the caller only (`ephemeral`).
    pub in_channel: bool,
}

impl SlackReplyMessage {
    /// `{"response_type": "in_channel"|"ephemeral", "text": …, "blocks": […]}`.
    pub fn to_response_json(&self) -> serde_json::Value {
        let blocks = serde_json::to_value(&self.blocks)
            .unwrap_or_else(|_| serde_json::Value::Array(Vec::new()));
        serde_json::json!({
            "response_type": if self.in_channel { "in_channel" } else { "ephemeral" },
            "text": self.text,
            "blocks": blocks,
        })
    }

    /// The message as slack-morphism content (`chat.postMessage`, `chat.update`).
    pub fn to_content(&self) -> SlackMessageContent {
        SlackMessageContent::new()
            .with_text(self.text.clone())
            .with_blocks(self.blocks.clone())
    }
}

/// Characters and blocks still available.
#[derive(Debug, Clone, Copy)]
struct Budget {
    chars: usize,
    blocks: usize,
}

impl Budget {
    /// Takes up to `chars` and `blocks`; returns what was actually taken.
    fn take(&mut self, chars: usize, blocks: usize) -> (usize, usize) {
        let taken = (chars.min(self.chars), blocks.min(self.blocks));
        self.chars -= taken.0;
        self.blocks -= taken.1;
        taken
    }

    fn give(&mut self, chars: usize, blocks: usize) {
        self.chars += chars;
        self.blocks += blocks;
    }
}

/// Renders `reply` as a Slack message.
pub fn message(reply: &Reply) -> SlackReplyMessage {
    let mut budget = Budget {
        chars: MESSAGE_CHAR_BUDGET,
        blocks: MAX_BLOCKS,
    };
    let mut notes = Vec::new();
    let pointer = attachment_pointer(reply);

    let header = reply
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| clip(t, MAX_HEADER_CHARS));
    if let Some(h) = &header {
        budget.take(chars(h), 1);
    }
    let (actions, action_chars) = action_blocks(&reply.actions, &mut notes);
    budget.take(action_chars, actions.len());
    budget.take(CONTEXT_RESERVE, 1);
    let attached = attached_line(reply);
    if let Some(a) = &attached {
        budget.take(chars(a), 1);
    }

    // Content: reserve the first text section and the table, give fields their share,
    // then the table, then the rest of the text.
    let body = escape(reply.text.trim());
    let text_reserve = budget.take(
        chars(&body).min(MAX_SECTION_CHARS),
        usize::from(!body.is_empty()),
    );
    let table_reserve = match &reply.table {
        Some(_) => budget.take(MAX_SECTION_CHARS, 1),
        None => (0, 0),
    };
    let (fields, field_chars) =
        field_sections(&reply.fields, budget, pointer.is_some(), &mut notes);
    budget.take(field_chars, fields.len());
    budget.give(table_reserve.0, table_reserve.1);
    let table = reply
        .table
        .as_ref()
        .filter(|_| budget.blocks > 0)
        .and_then(|t| {
            let rendered =
                table::render(t, budget.chars.min(MAX_SECTION_CHARS), pointer.as_deref());
            if rendered.is_none() {
                notes.push("table not shown".to_owned());
            }
            rendered
        });
    if let Some(t) = &table {
        budget.take(chars(t), 1);
    }
    budget.give(text_reserve.0, text_reserve.1);
    let texts = if pointer.is_some() {
        text_sections(
            &body,
            budget.chars.min(MAX_SECTION_CHARS),
            budget.blocks.min(1),
            ATTACHED_MARKER,
        )
    } else {
        text_sections(&body, budget.chars, budget.blocks, SHORTENED_MARKER)
    };

    let mut blocks = Vec::new();
    if let Some(h) = header {
        blocks.push(SlackHeaderBlock::new(SlackBlockPlainText::new(h).into()).into());
    }
    blocks.extend(texts.into_iter().map(mrkdwn_section));
    blocks.extend(fields);
    blocks.extend(table.map(mrkdwn_section));
    blocks.extend(actions);
    blocks.extend(status_context(reply, &notes));
    blocks.extend(attached.map(|a| context(vec![a])));

    SlackReplyMessage {
        text: fallback(reply),
        blocks,
        in_channel: in_channel(reply),
    }
}

/// Errors and usage help are only for the caller; otherwise the reply's visibility.
fn in_channel(reply: &Reply) -> bool {
    match reply.status {
        Status::Refused | Status::Failed | Status::Usage => false,
        Status::Ok | Status::Pending => reply.visibility == Visibility::Channel,
    }
}

fn mrkdwn_section(text: String) -> SlackBlock {
    SlackSectionBlock::new()
        .with_text(SlackBlockMarkDownText::new(text).into())
        .into()
}

fn context(elements: Vec<String>) -> SlackBlock {
    let elements = elements
        .into_iter()
        .map(|e| SlackContextBlockElement::MarkDown(SlackBlockMarkDownText::new(e)))
        .collect();
    SlackContextBlock::new(elements).into()
}

/// The attachment the full data lives in (a CSV if any), as escaped inline code.
fn attachment_pointer(reply: &Reply) -> Option<String> {
    let file = reply
        .attachments
        .iter()
        .find(|a| a.media_type == "text/csv" || a.filename.ends_with(".csv"))
        .or_else(|| reply.attachments.first())?;
    Some(code(&file.filename))
}

fn code(s: &str) -> String {
    format!("`{}`", escape(&clip(&s.replace('`', "'"), 100)))
}

/// ":paperclip: Attached: `a.csv`, `b.png`" (the files go up separately).
fn attached_line(reply: &Reply) -> Option<String> {
    if reply.attachments.is_empty() {
        return None;
    }
    let names: Vec<String> = reply
        .attachments
        .iter()
        .map(|a| code(&a.filename))
        .collect();
    Some(truncate_with(
        &format!(":paperclip: Attached: {}", names.join(", ")),
        MAX_ATTACHED_CHARS,
        " …",
    ))
}

/// The text as sections of at most 3000 characters, `max_chars` in all, ending with
/// `marker` when cut.
fn text_sections(body: &str, max_chars: usize, max_blocks: usize, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    let mut left = max_chars;
    while !rest.is_empty() && out.len() < max_blocks && left > 0 {
        let room = left.min(MAX_SECTION_CHARS);
        let last = out.len() + 1 >= max_blocks || left < MAX_SECTION_CHARS + MIN_SECTION_CHARS;
        if chars(rest) <= room {
            out.push(rest.to_owned());
            break;
        }
        let (head, tail) = split_at_most(rest, room);
        if last || head.trim().is_empty() {
            out.push(truncate_with(rest, room, marker));
            break;
        }
        let head = head.trim_end();
        left = left.saturating_sub(chars(head));
        out.push(head.to_owned());
        rest = tail.trim_start_matches('\n');
    }
    out.retain(|s| !s.trim().is_empty());
    out
}

/// "*Label*\nvalue", escaped and within the field limit.
fn field_text(field: &Field) -> String {
    let label = escape(field.label.trim());
    let value = match field.value.trim() {
        "" => "—".to_owned(),
        v => escape(v),
    };
    let text = if label.is_empty() {
        value
    } else {
        format!("*{label}*\n{value}")
    };
    truncate_with(&text, MAX_FIELD_CHARS, "…")
}

/// Fields, ten per section, within the budget; what does not fit is counted in `notes`.
fn field_sections(
    fields: &[Field],
    budget: Budget,
    attached: bool,
    notes: &mut Vec<String>,
) -> (Vec<SlackBlock>, usize) {
    let mut sections: Vec<Vec<SlackBlockText>> = Vec::new();
    let mut used = 0;
    for (i, field) in fields.iter().enumerate() {
        let text = field_text(field);
        let cost = chars(&text);
        let new_section = sections
            .last()
            .is_none_or(|s| s.len() == MAX_FIELDS_PER_SECTION);
        if used + cost > budget.chars || (new_section && sections.len() >= budget.blocks) {
            let more = fields.len() - i;
            let see = if attached {
                " (see the attached file)"
            } else {
                ""
            };
            notes.push(format!("{more} more field{} not shown{see}", plural(more)));
            break;
        }
        if new_section {
            sections.push(Vec::new());
        }
        if let Some(section) = sections.last_mut() {
            section.push(SlackBlockMarkDownText::new(text).into());
        }
        used += cost;
    }
    let blocks = sections
        .into_iter()
        .map(|f| SlackSectionBlock::new().with_fields(f).into())
        .collect();
    (blocks, used)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Buttons, at most 25. `action_id` must be unique within an actions block, so a
/// repeated id goes to a second block rather than being renamed; buttons whose id or
/// value Slack would refuse are left out and counted in `notes`.
fn action_blocks(actions: &[ReplyAction], notes: &mut Vec<String>) -> (Vec<SlackBlock>, usize) {
    let valid: Vec<&ReplyAction> = actions
        .iter()
        .filter(|a| {
            !a.id.is_empty()
                && chars(&a.id) <= MAX_ACTION_ID_CHARS
                && chars(&a.value) <= MAX_BUTTON_VALUE_CHARS
        })
        .collect();
    let shown = valid.len().min(MAX_BUTTONS);
    let hidden = actions.len() - shown;
    if hidden > 0 {
        notes.push(format!("{hidden} more button{} not shown", plural(hidden)));
    }
    let mut groups: Vec<Vec<SlackActionBlockElement>> = Vec::new();
    let mut ids: Vec<Vec<&str>> = Vec::new();
    let mut label_chars = 0;
    for action in valid.into_iter().take(MAX_BUTTONS) {
        let slot = match ids.iter().position(|g| !g.contains(&action.id.as_str())) {
            Some(slot) => slot,
            None => {
                groups.push(Vec::new());
                ids.push(Vec::new());
                groups.len() - 1
            }
        };
        let (element, label) = button(action);
        label_chars += label;
        groups[slot].push(element);
        ids[slot].push(&action.id);
    }
    let blocks = groups
        .into_iter()
        .enumerate()
        .map(|(i, elements)| {
            let id = if i == 0 {
                "reply_actions".to_owned()
            } else {
                format!("reply_actions_{}", i + 1)
            };
            SlackActionsBlock::new(elements)
                .with_block_id(SlackBlockId(id))
                .into()
        })
        .collect();
    (blocks, label_chars)
}

/// The button for `action` and the length of its label (for the character budget).
fn button(action: &ReplyAction) -> (SlackActionBlockElement, usize) {
    let label = match action.label.trim() {
        "" => clip(&action.id, MAX_BUTTON_LABEL_CHARS),
        l => clip(l, MAX_BUTTON_LABEL_CHARS),
    };
    let mut element = SlackBlockButtonElement::new(SlackBlockPlainText::new(label.clone()).into())
        .with_action_id(SlackActionId(action.id.clone()));
    if !action.value.is_empty() {
        element = element.with_value(action.value.clone());
    }
    match action.style {
        ButtonStyle::Default => {}
        ButtonStyle::Primary => element = element.with_style(SlackBlockButtonStyle::Primary),
        ButtonStyle::Danger => element = element.with_style(SlackBlockButtonStyle::Danger),
    }
    (element.into(), chars(&label))
}

fn status_label(status: Status) -> Option<&'static str> {
    match status {
        Status::Ok => None,
        Status::Pending => Some(":hourglass_flowing_sand: Waiting for approval"),
        Status::Refused => Some(":no_entry: Not allowed"),
        Status::Failed => Some(":warning: Failed"),
        Status::Usage => Some(":grey_question: Not understood"),
    }
}

/// Status (non-Ok), correlation id and notes about what was left out, if any.
fn status_context(reply: &Reply, notes: &[String]) -> Option<SlackBlock> {
    let mut elements = Vec::new();
    if let Some(label) = status_label(reply.status) {
        elements.push(label.to_owned());
    }
    if let Some(id) = correlation_id(&reply.text) {
        elements.push(format!("Correlation id: `{id}`"));
    }
    if !notes.is_empty() {
        elements.push(truncate_with(&escape(&notes.join(" · ")), 250, " …"));
    }
    (!elements.is_empty()).then(|| context(elements))
}

/// The plain fallback: title and text (or a short description), escaped and capped.
fn fallback(reply: &Reply) -> String {
    let mut parts: Vec<&str> = Vec::new();
    if let Some(title) = reply
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        parts.push(title);
    }
    if !reply.text.trim().is_empty() {
        parts.push(reply.text.trim());
    }
    let joined = if parts.is_empty() {
        match (&reply.table, status_label(reply.status)) {
            (Some(t), _) => format!("A table of {} row{}", t.rows.len(), plural(t.rows.len())),
            (None, Some(label)) => label.to_owned(),
            (None, None) => "Done.".to_owned(),
        }
    } else {
        parts.join("\n")
    };
    truncate_with(&escape(&joined), MAX_FALLBACK_CHARS, "…")
}
