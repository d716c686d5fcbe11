//! A core [`Form`] as a Slack modal view: one `input` block per field (`block_id` and
//! `action_id` = the field id, so what people typed survives a `views.update` and errors
//! land on the right block), the intro as a section above, the status line as a context
//! block below, `callback_id` = the form id, and the [`Metadata`] as `private_metadata`.
//! Slack's limits are kept (title and buttons 24 characters, labels and hints 2000,
//! options 75/150, 100 options).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use slack_morphism::prelude::{
    EmailAddress, SlackActionId, SlackBlock, SlackBlockCheckboxesElement, SlackBlockChoiceItem,
    SlackBlockDatePickerElement, SlackBlockEmailInputElement, SlackBlockExternalSelectElement,
    SlackBlockId, SlackBlockMarkDownText, SlackBlockPlainText, SlackBlockPlainTextInputElement,
    SlackBlockPlainTextOnly, SlackBlockStaticSelectElement, SlackBlockText, SlackCallbackId,
    SlackContextBlock, SlackContextBlockElement, SlackInputBlock, SlackInputBlockElement,
    SlackModalView, SlackSectionBlock, SlackView,
};

use crate::core::forms::{Choice, FieldKind, Form, FormField, FormId};

/// Characters of a modal's title, submit and close labels.
pub const MAX_TITLE_CHARS: usize = 24;
/// Characters of an input's label or hint.
pub const MAX_LABEL_CHARS: usize = 2000;
/// Characters of a placeholder.
pub const MAX_PLACEHOLDER_CHARS: usize = 150;
/// Characters of an option's text.
pub const MAX_OPTION_TEXT_CHARS: usize = 75;
/// Characters of an option's value.
pub const MAX_OPTION_VALUE_CHARS: usize = 150;
/// Options of a static select.
pub const MAX_OPTIONS: usize = 100;
/// Characters of `private_metadata`.
pub const MAX_METADATA_CHARS: usize = 3000;
/// Characters of a section's text.
const MAX_SECTION_CHARS: usize = 3000;
/// The value of a ticked checkbox (the core reads `true`).
const TICKED: &str = "true";
/// The `block_id` of the status line.
const STATUS_BLOCK: &str = "status";

/// What a modal carries for its submission (`private_metadata`, JSON): which form it is
/// (a view without it was not opened by this app and is ignored), the channel it was
/// opened from (results go there, or to a DM), and the form's hidden values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Metadata {
    pub form: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hidden: BTreeMap<String, String>,
}

impl Metadata {
    pub fn of(form: &Form, channel: Option<String>) -> Metadata {
        Metadata {
            form: form.id.as_str().to_string(),
            channel,
            hidden: form.hidden.iter().cloned().collect(),
        }
    }

    /// Reads `private_metadata`; `None` unless it names `form`.
    pub fn read(raw: &str, form: FormId) -> Option<Metadata> {
        serde_json::from_str::<Metadata>(raw)
            .ok()
            .filter(|m| m.form == form.as_str())
    }
}

/// The modal of `form`.
pub fn modal(form: &Form, metadata: &Metadata) -> SlackView {
    let mut blocks: Vec<SlackBlock> = Vec::new();
    if let Some(intro) = form.intro.as_deref().filter(|t| !t.trim().is_empty()) {
        blocks.push(
            SlackSectionBlock::new()
                .with_block_id(SlackBlockId("intro".into()))
                .with_text(
                    SlackBlockMarkDownText::new(clip(&escape(intro), MAX_SECTION_CHARS)).into(),
                )
                .into(),
        );
    }
    blocks.extend(form.fields.iter().map(input));
    if let Some(status) = form.status.as_deref().filter(|t| !t.trim().is_empty()) {
        blocks.push(
            SlackContextBlock::new(vec![SlackContextBlockElement::Plain(
                SlackBlockPlainText::new(clip(status, MAX_SECTION_CHARS)),
            )])
            .with_block_id(SlackBlockId(STATUS_BLOCK.into()))
            .into(),
        );
    }
    let metadata = serde_json::to_string(metadata).unwrap_or_default();
    let mut view = SlackModalView::new(plain(&form.title, MAX_TITLE_CHARS), blocks)
        .with_submit(plain(&form.submit_label, MAX_TITLE_CHARS))
        .with_close(plain("Cancel", MAX_TITLE_CHARS))
        .with_callback_id(SlackCallbackId(form.id.as_str().into()));
    if metadata.chars().count() <= MAX_METADATA_CHARS {
        view = view.with_private_metadata(metadata);
    } else {
        tracing::warn!(form = %form.id, "modal metadata too long; the result will go to a DM");
        let short = Metadata {
            form: form.id.as_str().to_string(),
            ..Metadata::default()
        };
        view = view.with_private_metadata(serde_json::to_string(&short).unwrap_or_default());
    }
    SlackView::Modal(view)
}

/// One field as an `input` block.
fn input(field: &FormField) -> SlackBlock {
    let action_id = SlackActionId(field.id.into());
    let placeholder = field
        .placeholder
        .as_deref()
        .map(|p| plain(p, MAX_PLACEHOLDER_CHARS));
    let initial = field.initial.clone();
    let element: SlackInputBlockElement = match &field.kind {
        FieldKind::Text {
            multiline,
            max_chars,
        } => {
            let mut e = SlackBlockPlainTextInputElement::new()
                .with_action_id(action_id)
                .with_multiline(*multiline)
                .with_max_length(u64::try_from(*max_chars).unwrap_or(u64::MAX).min(3000));
            e.placeholder = placeholder;
            e.initial_value = initial;
            e.into()
        }
        FieldKind::Email => {
            let mut e = SlackBlockEmailInputElement::new().with_action_id(action_id);
            e.placeholder = placeholder;
            e.initial_value = initial.map(EmailAddress);
            e.into()
        }
        FieldKind::Date => {
            let mut e = SlackBlockDatePickerElement::new().with_action_id(action_id);
            e.placeholder = placeholder;
            e.initial_date = initial;
            e.into()
        }
        FieldKind::Select { options } => {
            let items: Vec<SlackBlockChoiceItem<SlackBlockPlainTextOnly>> = options
                .iter()
                .filter_map(option)
                .take(MAX_OPTIONS)
                .collect();
            let selected = initial
                .as_deref()
                .and_then(|v| options.iter().find(|o| o.value == v))
                .and_then(option);
            let mut e = SlackBlockStaticSelectElement::new()
                .with_action_id(action_id)
                .with_options(items);
            e.placeholder = placeholder;
            e.initial_option = selected;
            e.into()
        }
        FieldKind::Search { .. } => {
            let mut e = SlackBlockExternalSelectElement::new()
                .with_action_id(action_id)
                .with_min_query_length(0);
            e.placeholder = placeholder;
            e.into()
        }
        FieldKind::Checkbox { text } => {
            let choice: SlackBlockChoiceItem<SlackBlockText> = SlackBlockChoiceItem::new(
                SlackBlockText::Plain(SlackBlockPlainText::new(clip(text, MAX_OPTION_TEXT_CHARS))),
                TICKED.to_string(),
            );
            let mut e =
                SlackBlockCheckboxesElement::new(vec![choice.clone()]).with_action_id(action_id);
            if initial.as_deref() == Some(TICKED) {
                e.initial_options = Some(vec![choice]);
            }
            e.into()
        }
    };
    let mut block = SlackInputBlock::new(plain(&field.label, MAX_LABEL_CHARS), element)
        .with_block_id(SlackBlockId(field.id.into()))
        .with_optional(!field.required);
    if let Some(hint) = field.hint.as_deref() {
        block = block.with_hint(plain(hint, MAX_LABEL_CHARS));
    }
    block.into()
}

/// An option of a static select or of a search answer; `None` when its value is too
/// long for Slack (a value cannot be cut).
pub fn option(choice: &Choice) -> Option<SlackBlockChoiceItem<SlackBlockPlainTextOnly>> {
    if choice.value.is_empty() || choice.value.chars().count() > MAX_OPTION_VALUE_CHARS {
        return None;
    }
    Some(SlackBlockChoiceItem::new(
        plain(&choice.label, MAX_OPTION_TEXT_CHARS),
        choice.value.clone(),
    ))
}

fn plain(text: &str, max: usize) -> SlackBlockPlainTextOnly {
    SlackBlockPlainText::new(clip(text, max)).into()
}

/// At most `max` characters, an ellipsis marking a cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Slack's mrkdwn escapes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
