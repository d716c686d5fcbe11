//! Table `invitation`: the ledger of every invitation the bot sent. Virbela's user list
//! shows only accepted users, so an invitation stays `pending` here until it is seen
//! there, then becomes `accepted` with the time it was seen.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};

/// One invitation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub virbela_user_id: Option<String>,
    pub display_name: Option<String>,
    /// The Virbela permission word granted (`member` … `owner`).
    pub permission: String,
    pub invited_by: String,
    /// The approval request it executed, if it needed one.
    pub request_id: Option<i64>,
    pub correlation_id: Option<String>,
    pub sent_at: DateTime<Utc>,
    /// `pending` or `accepted`.
    pub state: String,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// An invitation just sent.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub virbela_user_id: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub permission: &'a str,
    pub invited_by: &'a str,
    pub request_id: Option<i64>,
    pub correlation_id: Option<&'a str>,
    pub sent_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, new: &NewInvitation<'_>) -> Result<Invitation, StoreError> {
    const SQL: &str = "insert into invitation (email, virbela_user_id, display_name, permission,
            invited_by, request_id, correlation_id, sent_at, state)
        values ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(new.email)
        .bind(new.virbela_user_id)
        .bind(new.display_name)
        .bind(new.permission)
        .bind(new.invited_by)
        .bind(new.request_id)
        .bind(new.correlation_id)
        .bind(new.sent_at)
        .fetch_one(c)
        .await?))
}

/// Pending invitations, oldest first.
pub async fn list_pending(tx: &mut Tx) -> Result<Vec<Invitation>, StoreError> {
    const SQL: &str = "select * from invitation where state = 'pending' order by sent_at, id";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL).fetch_all(c).await?))
}

/// Every invitation sent to an address (case-insensitive), newest first.
pub async fn find_by_email(tx: &mut Tx, email: &str) -> Result<Vec<Invitation>, StoreError> {
    const SQL: &str =
        "select * from invitation where lower(email) = lower($1) order by sent_at desc, id desc";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(email)
        .fetch_all(c)
        .await?))
}

/// Marks the pending invitations of an address accepted (seen in Virbela's user list),
/// filling in the Virbela user id; returns the ones changed.
pub async fn mark_accepted(
    tx: &mut Tx,
    email: &str,
    virbela_user_id: Option<&str>,
    accepted_at: DateTime<Utc>,
) -> Result<Vec<Invitation>, StoreError> {
    const SQL: &str = "update invitation
        set state = 'accepted', accepted_at = $3, virbela_user_id = coalesce($2, virbela_user_id)
        where lower(email) = lower($1) and state = 'pending' returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(email)
        .bind(virbela_user_id)
        .bind(accepted_at)
        .fetch_all(c)
        .await?))
}
