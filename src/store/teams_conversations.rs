//! Table `teams_conversation`: the conversation reference of every Microsoft Teams
//! conversation the bot is in (service URL, tenant, type, the bot's own id, team and
//! name), and whether it is still reachable. Channel thread ids are kept without their
//! `;messageid=…` suffix: every function here strips it, see [`thread_root`].

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};

/// `conversationType` of a 1:1 chat with the bot.
pub const PERSONAL: &str = "personal";
/// `conversationType` of a group chat.
pub const GROUP_CHAT: &str = "groupChat";
/// `conversationType` of a channel (or a thread in it).
pub const CHANNEL: &str = "channel";

/// Where and as whom the bot posts into one conversation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConversationRef {
    /// As the activity gives it; for a channel thread, without `;messageid=…`.
    pub conversation_id: String,
    pub service_url: String,
    pub tenant_id: String,
    /// `personal`, `groupChat` or `channel` (the schema refuses anything else).
    pub conversation_type: String,
    /// The bot's id in the conversation (`28:…`).
    pub bot_id: String,
    pub team_id: Option<String>,
    pub name: Option<String>,
    /// False once the connector said the conversation is gone or the bot was removed.
    pub alive: bool,
    pub dead_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The conversation id without a channel thread's `;messageid=…` suffix.
pub fn thread_root(conversation_id: &str) -> &str {
    match conversation_id.find(";messageid=") {
        Some(at) => &conversation_id[..at],
        None => conversation_id,
    }
}

/// Inserts the reference or updates every column of the stored one. An upsert means the
/// conversation just spoke to the bot, so it is stored alive with no `dead_reason`,
/// whatever `alive`/`dead_reason` say; a `None` `name` or `team_id` keeps the stored one.
pub async fn upsert(tx: &mut Tx, conversation: &ConversationRef) -> Result<(), StoreError> {
    const SQL: &str = "insert into teams_conversation (conversation_id, service_url, tenant_id,
            conversation_type, bot_id, team_id, name, alive, dead_reason, updated_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, null, $9)
        on conflict (conversation_id) do update set
            service_url = excluded.service_url,
            tenant_id = excluded.tenant_id,
            conversation_type = excluded.conversation_type,
            bot_id = excluded.bot_id,
            team_id = coalesce(excluded.team_id, teams_conversation.team_id),
            name = coalesce(excluded.name, teams_conversation.name),
            alive = excluded.alive,
            dead_reason = null,
            updated_at = excluded.updated_at";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(thread_root(&conversation.conversation_id))
        .bind(&conversation.service_url)
        .bind(&conversation.tenant_id)
        .bind(&conversation.conversation_type)
        .bind(&conversation.bot_id)
        .bind(&conversation.team_id)
        .bind(&conversation.name)
        .bind(true)
        .bind(conversation.updated_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// The stored reference, dead or alive.
pub async fn get(
    tx: &mut Tx,
    conversation_id: &str,
) -> Result<Option<ConversationRef>, StoreError> {
    const SQL: &str = "select conversation_id, service_url, tenant_id, conversation_type, bot_id,
            team_id, name, alive, dead_reason, updated_at
        from teams_conversation where conversation_id = $1";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(thread_root(conversation_id))
        .fetch_optional(c)
        .await?))
}

/// Alive → dead with a reason. True when it was alive; false when unknown or already
/// dead (the first reason is kept).
pub async fn mark_dead(
    tx: &mut Tx,
    conversation_id: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    const SQL: &str = "update teams_conversation set alive = $2, dead_reason = $3, updated_at = $4
        where conversation_id = $1 and alive = $5";
    let rows = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(thread_root(conversation_id))
        .bind(false)
        .bind(reason)
        .bind(at)
        .bind(true)
        .execute(c)
        .await?
        .rows_affected());
    Ok(rows == 1)
}
