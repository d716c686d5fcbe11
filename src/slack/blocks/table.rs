//! A `Table` as a compact, aligned monospace block (```…```) that fits one section's
//! character budget; rows that do not fit are counted in a "… N more rows" line that
//! points to the attached file when there is one.

use super::text::{chars, clip, escape};
use crate::core::Table;

/// Widest a column gets, in characters; longer cells end with "…".
const MAX_COLUMN: usize = 40;
/// Longest rendered line, in characters (Slack wraps code blocks anyway).
const MAX_LINE: usize = 160;
const GAP: &str = "  ";
const FENCE: &str = "```";

/// The table as mrkdwn of at most `max` characters, or `None` when there is nothing to
/// show or not even the column headers fit. `pointer` names the attachment holding the
/// full table (already escaped), e.g. "`attendance.csv`".
pub(super) fn render(table: &Table, max: usize, pointer: Option<&str>) -> Option<String> {
    let columns = table.columns.len();
    if columns == 0 {
        return None;
    }
    let clean = |cell: &str| {
        clip(
            &cell.replace(['\n', '\r', '\t'], " ").replace('`', "'"),
            MAX_COLUMN,
        )
    };
    let head: Vec<String> = table.columns.iter().map(|c| clean(c)).collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            (0..columns)
                .map(|i| row.get(i).map(|c| clean(c)).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = head.iter().map(|c| chars(c)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(chars(cell));
        }
    }
    // Numbers line up on the right, everything else on the left.
    let numeric: Vec<bool> = (0..columns)
        .map(|i| {
            let mut cells = rows.iter().map(|r| r[i].as_str()).filter(|c| !c.is_empty());
            cells.clone().next().is_some() && cells.all(is_number)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths.iter().zip(&numeric))
            .map(|(c, (&w, &right))| {
                let pad = " ".repeat(w.saturating_sub(chars(c)));
                if right {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        escape(&clip(padded.join(GAP).trim_end(), MAX_LINE))
    };
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w.max(1))).collect();
    let lines: Vec<String> = rows.iter().map(|r| line(r)).collect();

    let mut body = format!("{FENCE}\n{}\n{}", line(&head), line(&rule));
    let more = |n: usize| match pointer {
        Some(p) => format!("\n… {n} more rows (full table in {p})"),
        None => format!("\n… {n} more rows"),
    };
    let closing = chars(FENCE) + 1; // "\n```"
    let full: usize = chars(&body) + lines.iter().map(|l| chars(l) + 1).sum::<usize>();
    if full + closing <= max {
        for l in &lines {
            body.push('\n');
            body.push_str(l);
        }
        body.push('\n');
        body.push_str(FENCE);
        return Some(body);
    }
    // Not everything fits: keep room for the longest possible "more rows" line.
    let reserve = chars(&more(lines.len()));
    let mut used = chars(&body) + closing + reserve;
    if used > max {
        return None;
    }
    let mut kept = 0;
    for l in &lines {
        let cost = chars(l) + 1;
        if used + cost > max {
            break;
        }
        used += cost;
        body.push('\n');
        body.push_str(l);
        kept += 1;
    }
    body.push('\n');
    body.push_str(FENCE);
    body.push_str(&more(lines.len() - kept));
    Some(body)
}

/// "1,234", "-5", "41.7", "12%": digits with separators, a sign or a percent.
fn is_number(cell: &str) -> bool {
    let digits = cell.trim_start_matches(['-', '+']).trim_end_matches('%');
    digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
}
