//! The console's text renderer: a [`Reply`] as plain text (no colours, no ANSI), with
//! aligned fields and tables. Attachments are listed by name only; the adapter writes
//! them and prints where they went.

use std::fmt::Write as _;

use crate::core::{Attachment, Field, Reply, ReplyAction, Table};

/// Widest a table cell is shown; longer cells end with an ellipsis.
pub const MAX_CELL_CHARS: usize = 60;

/// The reply as plain text, sections separated by a blank line, no trailing newline.
pub fn render_text(reply: &Reply) -> String {
    let mut sections: Vec<String> = Vec::new();
    if let Some(title) = reply
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let underline = "=".repeat(title.chars().count());
        sections.push(format!("{title}\n{underline}"));
    }
    let text = reply.text.trim_end();
    if !text.trim().is_empty() {
        sections.push(text.to_string());
    }
    if !reply.fields.is_empty() {
        sections.push(render_fields(&reply.fields));
    }
    if let Some(table) = &reply.table {
        sections.push(render_table(table));
    }
    if !reply.actions.is_empty() {
        sections.push(render_actions(&reply.actions));
    }
    if !reply.attachments.is_empty() {
        sections.push(render_attachments(&reply.attachments));
    }
    sections.join("\n\n")
}

/// `Label: value` lines, values aligned; a value's later lines are indented under it.
fn render_fields(fields: &[Field]) -> String {
    let width = fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(0);
    let indent = " ".repeat(width + 2);
    let mut out = String::new();
    for field in fields {
        let label = format!("{}:", field.label);
        let mut lines = field.value.lines();
        let first = lines.next().unwrap_or("");
        let _ = writeln!(out, "{label:<w$} {first}", w = width + 1);
        for line in lines {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
    trim_lines(&out)
}

/// Columns as wide as their widest cell (capped), a dashed rule under the header, and
/// numbers right-aligned.
fn render_table(table: &Table) -> String {
    let columns = table
        .columns
        .len()
        .max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
    let cell = |row: &[String], i: usize| clip(row.get(i).map(String::as_str).unwrap_or(""));
    let header: Vec<String> = (0..columns).map(|i| cell(&table.columns, i)).collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| (0..columns).map(|i| cell(row, i)).collect())
        .collect();
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric: Vec<bool> = (0..columns)
        .map(|i| {
            let mut cells = rows.iter().map(|r| r[i].as_str()).filter(|c| !c.is_empty());
            let first = cells.next();
            first.is_some_and(is_number) && cells.all(is_number)
        })
        .collect();
    let line = |cells: &[String], right: &dyn Fn(usize) -> bool| -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, widths[i], right(i)))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = vec![line(&header, &|_| false)];
    out.push(
        widths
            .iter()
            .map(|w| "-".repeat((*w).max(1)))
            .collect::<Vec<_>>()
            .join("  "),
    );
    for row in &rows {
        out.push(line(row, &|i| numeric[i]));
    }
    if rows.is_empty() {
        out.push("(no rows)".to_string());
    }
    out.join("\n")
}

/// `[Label] command` lines: the command the button stands for, typeable as is.
fn render_actions(actions: &[ReplyAction]) -> String {
    let labels: Vec<String> = actions.iter().map(|a| format!("[{}]", a.label)).collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (action, label) in actions.iter().zip(&labels) {
        let command = if action.command.trim().is_empty() {
            format!("({} {})", action.id, action.value)
        } else {
            action.command.clone()
        };
        let _ = writeln!(out, "{label:<width$} {command}");
    }
    trim_lines(&out)
}

fn render_attachments(attachments: &[Attachment]) -> String {
    let mut out = String::from("Attachments:");
    for a in attachments {
        let _ = write!(
            out,
            "\n  {} ({}, {})",
            a.filename,
            a.media_type,
            human_size(a.bytes.len())
        );
    }
    out
}

/// One line, at most [`MAX_CELL_CHARS`] characters.
fn clip(cell: &str) -> String {
    let flat: String = cell
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    if flat.chars().count() <= MAX_CELL_CHARS {
        flat.to_string()
    } else {
        let kept: String = flat.chars().take(MAX_CELL_CHARS - 1).collect();
        format!("{}…", kept.trim_end())
    }
}

fn pad(cell: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(cell.chars().count()));
    if right {
        format!("{fill}{cell}")
    } else {
        format!("{cell}{fill}")
    }
}

fn is_number(cell: &str) -> bool {
    let digits = cell.trim_end_matches('%').replace([',', '_'], "");
    digits.chars().any(|c| c.is_ascii_digit()) && digits.parse::<f64>().is_ok()
}

fn human_size(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

fn trim_lines(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
