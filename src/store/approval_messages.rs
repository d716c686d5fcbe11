//! Table `approval_message`: every chat message showing an approval card, so that all
//! copies (channel post, DMs, Teams cards) can be updated after a decision.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};

/// Where one copy of a card was posted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApprovalMessage {
    pub request_id: i64,
    /// `slack`, `teams` or `console`.
    pub platform: String,
    /// Slack channel id or Teams conversation id.
    pub channel: String,
    /// Slack message `ts` or Teams activity id.
    pub message_id: String,
    pub posted_at: DateTime<Utc>,
}

/// Remembers a posted card; posting the same message twice is harmless.
pub async fn insert(tx: &mut Tx, message: &ApprovalMessage) -> Result<(), StoreError> {
    const SQL: &str =
        "insert into approval_message (request_id, platform, channel, message_id, posted_at)
        values ($1, $2, $3, $4, $5) on conflict (platform, channel, message_id) do nothing";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(message.request_id)
        .bind(&message.platform)
        .bind(&message.channel)
        .bind(&message.message_id)
        .bind(message.posted_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// Every card of a request, oldest first.
pub async fn list(tx: &mut Tx, request_id: i64) -> Result<Vec<ApprovalMessage>, StoreError> {
    const SQL: &str = "select request_id, platform, channel, message_id, posted_at
        from approval_message where request_id = $1 order by posted_at, platform, channel, message_id";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(request_id)
        .fetch_all(c)
        .await?))
}
