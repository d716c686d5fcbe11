//! Table `audit_event`: the append-only trail (triggers refuse UPDATE and DELETE).

use chrono::{DateTime, Utc};
use futures::TryStreamExt;

use super::{StoreError, Tx, on_tx};

/// One event as stored; `details` is a JSON object without secrets.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub outcome: String,
    pub correlation_id: Option<String>,
    pub details: String,
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewAuditEvent<'a> {
    pub occurred_at: DateTime<Utc>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub outcome: &'a str,
    pub correlation_id: Option<&'a str>,
    pub details: &'a str,
}

pub async fn insert(tx: &mut Tx, event: &NewAuditEvent<'_>) -> Result<i64, StoreError> {
    const SQL: &str = "insert into audit_event
            (occurred_at, actor, action, target, outcome, correlation_id, details)
        values ($1, $2, $3, $4, $5, $6, $7) returning id";
    Ok(on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(event.occurred_at)
        .bind(event.actor)
        .bind(event.action)
        .bind(event.target)
        .bind(event.outcome)
        .bind(event.correlation_id)
        .bind(event.details)
        .fetch_one(c)
        .await?))
}

/// Events at or after `since` (all when `None`), oldest first, handed to `each` one at a
/// time as they stream from the store; returns how many.
pub async fn for_each_since<E: From<StoreError>>(
    tx: &mut Tx,
    since: Option<DateTime<Utc>>,
    mut each: impl FnMut(AuditEvent) -> Result<(), E>,
) -> Result<u64, E> {
    const SQL: &str =
        "select id, occurred_at, actor, action, target, outcome, correlation_id, details
        from audit_event where $1 is null or occurred_at >= $1 order by id";
    let mut count = 0;
    on_tx!(tx, |c| {
        let mut rows = sqlx::query_as::<_, AuditEvent>(SQL).bind(since).fetch(c);
        while let Some(event) = rows.try_next().await.map_err(StoreError::from)? {
            each(event)?;
            count += 1;
        }
    });
    Ok(count)
}

/// The latest `limit` events, newest first.
pub async fn recent(tx: &mut Tx, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
    const SQL: &str =
        "select id, occurred_at, actor, action, target, outcome, correlation_id, details
        from audit_event order by id desc limit $1";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(limit)
        .fetch_all(c)
        .await?))
}
