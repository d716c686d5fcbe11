//! Table `inbound_delivery`: keys of inbound deliveries already handled (Slack
//! `event_id`, Teams activity id, …), so platform retries are not processed twice.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};

/// Records a delivery key unless it is already known and unexpired. True when the
/// delivery is new (process it), false when it is a duplicate (skip it). An expired
/// key counts as new and is renewed.
pub async fn insert_if_absent(
    tx: &mut Tx,
    platform: &str,
    key: &str,
    received_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    const SQL: &str =
        "insert into inbound_delivery (platform, delivery_key, received_at, expires_at)
        values ($1, $2, $3, $4)
        on conflict (platform, delivery_key) do update
            set received_at = excluded.received_at, expires_at = excluded.expires_at
            where inbound_delivery.expires_at <= excluded.received_at";
    let rows = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(platform)
        .bind(key)
        .bind(received_at)
        .bind(expires_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(rows == 1)
}

/// Deletes keys expired at `now`; returns how many.
pub async fn purge_expired(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StoreError> {
    const SQL: &str = "delete from inbound_delivery where expires_at <= $1";
    Ok(on_tx!(tx, |c| sqlx::query(SQL)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()))
}
