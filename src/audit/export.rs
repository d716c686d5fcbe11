//! `audit export`: the trail as CSV (one header row) or JSON lines, streamed from the
//! store to any `std::io::Write`.

use std::io::Write;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use super::{AuditError, AuditEvent};
use crate::store::{Db, audit_events};

/// The export's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    #[default]
    Csv,
    Jsonl,
}

impl FromStr for ExportFormat {
    type Err = AuditError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "jsonl" | "ndjson" => Ok(ExportFormat::Jsonl),
            _ => Err(AuditError::BadFormat(s.to_string())),
        }
    }
}

/// Parses `--since`: an RFC 3339 time, or a date (midnight UTC).
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, AuditError> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| AuditError::BadSince(text.to_string()))
}

const CSV_HEADER: &str = "id,occurred_at,actor,action,target,outcome,correlation_id,details";

/// Writes the events at or after `since` (all when `None`), oldest first; returns how
/// many were written.
pub async fn export(
    db: &Db,
    since: Option<DateTime<Utc>>,
    format: ExportFormat,
    out: &mut dyn Write,
) -> Result<u64, AuditError> {
    if format == ExportFormat::Csv {
        writeln!(out, "{CSV_HEADER}")?;
    }
    let mut tx = db.begin_read().await?;
    let count = audit_events::for_each_since(&mut tx, since, |event| -> Result<(), AuditError> {
        match format {
            ExportFormat::Csv => writeln!(out, "{}", csv_row(&event))?,
            ExportFormat::Jsonl => writeln!(out, "{}", json_line(&event))?,
        }
        Ok(())
    })
    .await?;
    tx.commit().await?;
    out.flush()?;
    Ok(count)
}

fn csv_row(e: &AuditEvent) -> String {
    let time = e.occurred_at.to_rfc3339();
    let fields = [
        e.id.to_string(),
        time,
        e.actor.clone(),
        e.action.clone(),
        e.target.clone().unwrap_or_default(),
        e.outcome.clone(),
        e.correlation_id.clone().unwrap_or_default(),
        e.details.clone(),
    ];
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// Quotes a field when needed (RFC 4180), and defuses spreadsheet formulas: a field
/// starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

fn json_line(e: &AuditEvent) -> serde_json::Value {
    let details: serde_json::Value = serde_json::from_str(&e.details)
        .unwrap_or_else(|_| serde_json::Value::String(e.details.clone()));
    serde_json::json!({
        "id": e.id,
        "occurred_at": e.occurred_at.to_rfc3339(),
        "actor": e.actor,
        "action": e.action,
        "target": e.target,
        "outcome": e.outcome,
        "correlation_id": e.correlation_id,
        "details": details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn since_takes_dates_and_times() {
        assert_eq!(
            parse_since("2024-05-01").map(|t| t.to_rfc3339()).ok(),
            Some("2024-05-01T00:00:00+00:00".to_string())
        );
        assert!(parse_since("2024-05-01T09:00:00+02:00").is_ok());
        assert!(parse_since("yesterday").is_err());
        assert_eq!(
            "JSONL".parse::<ExportFormat>().ok(),
            Some(ExportFormat::Jsonl)
        );
        assert!("xml".parse::<ExportFormat>().is_err());
    }
}
