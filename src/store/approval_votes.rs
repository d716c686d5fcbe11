//! Table `approval_vote`: one row per approver per request (primary key), never by the
//! requester (a CHECK on the requester copied from the request through a foreign key).

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};
use crate::access::Role;
use crate::approvals::Decision;

/// A vote as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Vote {
    pub request_id: i64,
    pub voter: String,
    /// The role the voter held when voting.
    pub voter_role: Role,
    pub decision: Decision,
    pub reason: Option<String>,
    pub voted_at: DateTime<Utc>,
}

/// Records a vote, guarded in the statement itself: the row is written only while the
/// request is pending, unexpired and not the voter's own. False when the guard refused;
/// a second vote by the same voter fails on the primary key
/// ([`StoreError::is_unique_violation`]).
pub async fn insert(tx: &mut Tx, vote: &Vote) -> Result<bool, StoreError> {
    const SQL: &str = "insert into approval_vote
            (request_id, requester, voter, voter_role, decision, reason, voted_at)
        select r.id, r.requester, $2, $3, $4, $5, $6 from approval_request r
        where r.id = $1 and r.state = 'pending' and r.requester <> $2 and r.expires_at > $6";
    let rows = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(vote.request_id)
        .bind(&vote.voter)
        .bind(vote.voter_role.as_str())
        .bind(vote.decision.as_str())
        .bind(vote.reason.as_deref())
        .bind(vote.voted_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(rows == 1)
}

/// The vote of `voter` on a request, if any.
pub async fn get(tx: &mut Tx, request_id: i64, voter: &str) -> Result<Option<Vote>, StoreError> {
    const SQL: &str = "select request_id, voter, voter_role, decision, reason, voted_at
        from approval_vote where request_id = $1 and voter = $2";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(request_id)
        .bind(voter)
        .fetch_optional(c)
        .await?))
}

/// Every vote on a request, in the order cast.
pub async fn list(tx: &mut Tx, request_id: i64) -> Result<Vec<Vote>, StoreError> {
    const SQL: &str = "select request_id, voter, voter_role, decision, reason, voted_at
        from approval_vote where request_id = $1 order by voted_at, voter";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(request_id)
        .fetch_all(c)
        .await?))
}

/// How many approving votes a request has.
pub async fn count_approvals(tx: &mut Tx, request_id: i64) -> Result<i64, StoreError> {
    const SQL: &str =
        "select count(*) from approval_vote where request_id = $1 and decision = 'approve'";
    Ok(on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(request_id)
        .fetch_one(c)
        .await?))
}
