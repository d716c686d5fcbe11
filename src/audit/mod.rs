//! The audit trail: appending events (always inside the transaction of the change they
//! describe, with secrets scrubbed from the details) and exporting them as CSV or JSON
//! lines to any writer (`virbela-bot audit export`).

pub mod cli;
mod export;

pub use export::{ExportFormat, export, parse_since};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::store::audit_events::{self, NewAuditEvent};
use crate::store::{Db, StoreError, Tx};

pub use crate::store::audit_events::AuditEvent;

/// Why an audit operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("`{0}` is not a time: use 2024-05-01 or 2024-05-01T09:00:00Z")]
    BadSince(String),
    #[error("`{0}` is not an export format: use csv or jsonl")]
    BadFormat(String),
}

/// What happened, by whom, to what, with which result.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub outcome: &'a str,
    pub correlation_id: Option<&'a str>,
    /// A JSON object; values under secret-looking keys are replaced before storing.
    pub details: Value,
}

/// Appends an event inside `tx`, so it commits or rolls back with the change itself.
pub async fn append(tx: &mut Tx, at: DateTime<Utc>, entry: &Entry<'_>) -> Result<i64, StoreError> {
    let details = scrub(entry.details.clone()).to_string();
    audit_events::insert(
        tx,
        &NewAuditEvent {
            occurred_at: at,
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            outcome: entry.outcome,
            correlation_id: entry.correlation_id,
            details: &details,
        },
    )
    .await
}

/// Appends an event in its own transaction (for events with no other change).
pub async fn append_now(db: &Db, entry: &Entry<'_>) -> Result<i64, StoreError> {
    let mut tx = db.begin().await?;
    let id = append(&mut tx, crate::store::now(), entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// The latest `limit` events, newest first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
    let mut tx = db.begin_read().await?;
    let events = audit_events::recent(&mut tx, limit).await?;
    tx.commit().await?;
    Ok(events)
}

/// Key fragments whose values never reach the audit trail.
const SECRET_KEYS: [&str; 7] = [
    "secret",
    "token",
    "password",
    "authorization",
    "api_key",
    "apikey",
    "cookie",
];

/// Replaces the values under secret-looking keys (at any depth) with `"[redacted]"`.
pub fn scrub(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let lower = k.to_ascii_lowercase();
                    if SECRET_KEYS.iter().any(|s| lower.contains(s)) {
                        (k, Value::String("[redacted]".into()))
                    } else {
                        (k, scrub(v))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(scrub).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secrets_are_scrubbed_at_any_depth() {
        let v = json!({"email": "a@b.c", "client_secret": "s", "nested": [{"accessToken": "t", "n": 1}]});
        assert_eq!(
            scrub(v),
            json!({"email": "a@b.c", "client_secret": "[redacted]", "nested": [{"accessToken": "[redacted]", "n": 1}]})
        );
    }
}
