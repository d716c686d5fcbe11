//! Fitting a reply card under Teams' message limit: the activity [`message`] makes of
//! it, serialized and counted as UTF-16, stays within `MAX_MESSAGE_BYTES −
//! ENVELOPE_RESERVE`. What gives way, in order: table rows (the header stays, and a line
//! says how many rows are shown and that the CSV has them all), then the text and the
//! fields, level by level (at each level as many rows as fit); then a minimal card (status,
//! title, the start of the text, buttons); and last a fixed card that always fits.

use serde_json::{Value, json};

use super::render::{MAX_CELL_CHARS, Plan, render};
use super::{CARD_VERSION, ENVELOPE_RESERVE, FileLink, MAX_MESSAGE_BYTES, message, teams_size};
use crate::core::Reply;

/// Fields shown at most.
const MAX_FACTS: usize = 50;
/// Characters of a field value at most.
const MAX_FACT_CHARS: usize = 2000;
/// Below this many rows (or all of them), the text is shortened before rows are dropped.
const MIN_ROWS: usize = 10;
/// Text characters, fields and field characters, tried in turn once the full text does
/// not leave room for the table.
const LEVELS: [(usize, usize, usize); 4] = [
    (8000, 50, 1000),
    (4000, 30, 500),
    (2000, 20, 200),
    (1000, 10, 100),
];

/// The Adaptive Card (version 1.5) for a reply, within [`MAX_MESSAGE_BYTES`] (see the
/// module doc of [`super`] for what it shows).
pub fn card(reply: &Reply, files: &[FileLink]) -> Value {
    fit(reply, files, &|card| card)
}

/// The largest card of `reply` that, once `finish`ed (the approval card adds its inputs
/// and actions there), still fits.
pub(super) fn fit(reply: &Reply, files: &[FileLink], finish: &dyn Fn(Value) -> Value) -> Value {
    let limit = MAX_MESSAGE_BYTES - ENVELOPE_RESERVE;
    let attempt = |plan: Plan| -> Option<Value> {
        let card = finish(render(reply, files, plan));
        (size(&card) <= limit).then_some(card)
    };
    let total_rows = reply.table.as_ref().map_or(0, |t| t.rows.len());
    let full = Plan {
        table: true,
        rows: total_rows,
        text_chars: usize::MAX,
        facts: MAX_FACTS,
        fact_chars: MAX_FACT_CHARS,
    };
    // Every character of the table and text is in the JSON, 2 bytes each at least: when
    // that alone is over the limit, the full card is not even rendered.
    if lower_bound(reply) <= limit
        && let Some(card) = attempt(full)
    {
        return card;
    }
    let levels =
        std::iter::once(full).chain(LEVELS.iter().map(|&(text_chars, facts, fact_chars)| Plan {
            text_chars,
            facts,
            fact_chars,
            ..full
        }));
    let last = LEVELS.len();
    for (i, plan) in levels.enumerate() {
        if let Some((rows, card)) = most_rows(plan, total_rows, &attempt)
            && (rows >= total_rows.min(MIN_ROWS) || i == last)
        {
            return card;
        }
    }
    let minimal = Plan {
        table: false,
        rows: 0,
        text_chars: 500,
        facts: 0,
        fact_chars: 0,
    };
    if let Some(card) = attempt(minimal) {
        return card;
    }
    let fixed = fixed(reply);
    let finished = finish(fixed.clone());
    if size(&finished) <= limit {
        finished
    } else {
        fixed
    }
}

/// The most rows (with `plan`'s other settings) whose card fits, and that card; `None`
/// when not even the header alone fits.
fn most_rows(
    plan: Plan,
    total: usize,
    attempt: &dyn Fn(Plan) -> Option<Value>,
) -> Option<(usize, Value)> {
    let mut best = (0, attempt(Plan { rows: 0, ..plan })?);
    // Gallop up (1, 2, 4…) so that no card much larger than the limit is ever rendered,
    // then halve the gap.
    let mut step = 1;
    let (mut lo, mut hi) = loop {
        let rows = (best.0 + step).min(total);
        if rows == best.0 {
            return Some(best);
        }
        match attempt(Plan { rows, ..plan }) {
            Some(card) => best = (rows, card),
            None => break (best.0 + 1, rows - 1),
        }
        step *= 2;
    };
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        match attempt(Plan { rows: mid, ..plan }) {
            Some(card) => {
                best = (mid, card);
                lo = mid + 1;
            }
            None => hi = mid - 1,
        }
    }
    Some(best)
}

/// Bytes the full card takes at least: its table cells (as clipped) and text, 2 bytes per
/// character.
fn lower_bound(reply: &Reply) -> usize {
    let cells: usize = reply.table.as_ref().map_or(0, |t| {
        t.rows
            .iter()
            .flatten()
            .map(|c| c.chars().count().min(MAX_CELL_CHARS))
            .sum()
    });
    2 * (cells + reply.text.chars().count())
}

/// The size of the activity carrying `card`.
fn size(card: &Value) -> usize {
    teams_size(&message(card.clone()))
}

/// The card that always fits: a fixed sentence (with the reply's title when short).
fn fixed(reply: &Reply) -> Value {
    let title = reply
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.chars().count() <= 100)
        .unwrap_or("Reply");
    json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [
            { "type": "TextBlock", "id": super::render::TITLE_ID, "text": title, "size": "large", "weight": "bolder", "wrap": true },
            { "type": "TextBlock", "text": "This reply is too large to show in Teams. Run the command again with a narrower filter or range.", "wrap": true },
        ],
    })
}
