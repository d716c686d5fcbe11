//! Table `approval_request`: requests and their state machine. Every transition is one
//! conditional `UPDATE … WHERE id = $1 AND state = <expected> RETURNING *`, so when
//! callers race exactly one gets the row back and the others get `None`.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};
use crate::approvals::ApprovalState;

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApprovalRequest {
    pub id: i64,
    /// The policy action id (`delete`, `invite_owner`, …).
    pub action: String,
    /// What the action is about, for people (an e-mail, a user id).
    pub target: String,
    /// The frozen JSON payload, byte for byte as hashed.
    pub payload: String,
    pub payload_sha256: String,
    pub requester: String,
    pub reason: Option<String>,
    pub required_approvals: i32,
    pub state: ApprovalState,
    pub correlation_id: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub claimed_by: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Virbela's `requestId` of a successful execution.
    pub virbela_request_id: Option<String>,
    /// The error of a failed execution.
    pub error: Option<String>,
}

/// What a new request holds; the state is `pending`, or `approved` when no approval is
/// required.
#[derive(Debug, Clone)]
pub struct NewApprovalRequest<'a> {
    pub action: &'a str,
    pub target: &'a str,
    pub payload: &'a str,
    pub payload_sha256: &'a str,
    pub requester: &'a str,
    pub reason: Option<&'a str>,
    pub required_approvals: i32,
    pub correlation_id: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    tx: &mut Tx,
    new: &NewApprovalRequest<'_>,
) -> Result<ApprovalRequest, StoreError> {
    const SQL: &str = "insert into approval_request (action, target, payload, payload_sha256,
            requester, reason, required_approvals, state, correlation_id, created_at, expires_at,
            decided_at, decided_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        returning *";
    // Nothing to wait for: approved at once, by the policy, on the requester's word.
    let approved_at_once = new.required_approvals == 0;
    let state = if approved_at_once {
        ApprovalState::Approved
    } else {
        ApprovalState::Pending
    };
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(new.action)
        .bind(new.target)
        .bind(new.payload)
        .bind(new.payload_sha256)
        .bind(new.requester)
        .bind(new.reason)
        .bind(new.required_approvals)
        .bind(state.as_str())
        .bind(new.correlation_id)
        .bind(new.created_at)
        .bind(new.expires_at)
        .bind(approved_at_once.then_some(new.created_at))
        .bind(approved_at_once.then_some(new.requester))
        .fetch_one(c)
        .await?))
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<ApprovalRequest>, StoreError> {
    const SQL: &str = "select * from approval_request where id = $1";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(c)
        .await?))
}

/// Reads the request and locks it until the transaction ends, so votes on one request
/// are applied one after the other. Dialect fork: Postgres locks the row with
/// `FOR UPDATE`; SQLite has no row locks, and its write transactions (`BEGIN IMMEDIATE`)
/// already hold the database's single write lock.
pub async fn get_for_update(tx: &mut Tx, id: i64) -> Result<Option<ApprovalRequest>, StoreError> {
    const PG: &str = "select * from approval_request where id = $1 for update";
    const SQLITE: &str = "select * from approval_request where id = $1";
    let sql = if tx.is_pg() { PG } else { SQLITE };
    Ok(on_tx!(tx, |c| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(c)
        .await?))
}

/// Requests in `state`, newest first.
pub async fn list_by_state(
    tx: &mut Tx,
    state: ApprovalState,
    limit: i64,
) -> Result<Vec<ApprovalRequest>, StoreError> {
    const SQL: &str = "select * from approval_request where state = $1 order by id desc limit $2";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(state.as_str())
        .bind(limit)
        .fetch_all(c)
        .await?))
}

/// A requester's requests, newest first.
pub async fn list_by_requester(
    tx: &mut Tx,
    requester: &str,
    limit: i64,
) -> Result<Vec<ApprovalRequest>, StoreError> {
    const SQL: &str =
        "select * from approval_request where requester = $1 order by id desc limit $2";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(requester)
        .bind(limit)
        .fetch_all(c)
        .await?))
}

/// pending → `to` (denied or expired), recording who decided (none for expiry).
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    to: ApprovalState,
    by: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<ApprovalRequest>, StoreError> {
    const SQL: &str = "update approval_request set state = $2, decided_by = $3, decided_at = $4
        where id = $1 and state = 'pending' returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(to.as_str())
        .bind(by)
        .bind(at)
        .fetch_optional(c)
        .await?))
}

/// pending → approved, only when the approving votes reach the required number.
pub async fn approve_if_enough_votes(
    tx: &mut Tx,
    id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<ApprovalRequest>, StoreError> {
    const SQL: &str =
        "update approval_request set state = 'approved', decided_by = $2, decided_at = $3
        where id = $1 and state = 'pending'
          and (select count(*) from approval_vote v
               where v.request_id = $1 and v.decision = 'approve') >= required_approvals
        returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(by)
        .bind(at)
        .fetch_optional(c)
        .await?))
}

/// pending → cancelled, only by the requester.
pub async fn cancel(
    tx: &mut Tx,
    id: i64,
    requester: &str,
    at: DateTime<Utc>,
) -> Result<Option<ApprovalRequest>, StoreError> {
    const SQL: &str =
        "update approval_request set state = 'cancelled', decided_by = $2, decided_at = $3
        where id = $1 and state = 'pending' and requester = $2 returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(requester)
        .bind(at)
        .fetch_optional(c)
        .await?))
}

/// approved → executing: the one caller that gets the row back executes the action.
pub async fn claim(
    tx: &mut Tx,
    id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<ApprovalRequest>, StoreError> {
    const SQL: &str =
        "update approval_request set state = 'executing', claimed_by = $2, claimed_at = $3
        where id = $1 and state = 'approved' returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(by)
        .bind(at)
        .fetch_optional(c)
        .await?))
}

/// executing (or interrupted, for a late answer) → succeeded or failed, with the result.
pub async fn finish(
    tx: &mut Tx,
    id: i64,
    to: ApprovalState,
    virbela_request_id: Option<&str>,
    error: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<ApprovalRequest>, StoreError> {
    const SQL: &str = "update approval_request
        set state = $2, virbela_request_id = $3, error = $4, finished_at = $5
        where id = $1 and state in ('executing', 'interrupted') returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(to.as_str())
        .bind(virbela_request_id)
        .bind(error)
        .bind(at)
        .fetch_optional(c)
        .await?))
}

/// pending requests whose expiry has passed → expired; returns them.
pub async fn expire_due(
    tx: &mut Tx,
    now: DateTime<Utc>,
) -> Result<Vec<ApprovalRequest>, StoreError> {
    const SQL: &str = "update approval_request set state = 'expired', decided_at = $1
        where state = 'pending' and expires_at <= $1 returning *";
    let mut rows: Vec<ApprovalRequest> =
        on_tx!(tx, |c| sqlx::query_as(SQL).bind(now).fetch_all(c).await?);
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// executing requests claimed at or before `claimed_before` → interrupted; returns them.
pub async fn interrupt_stale(
    tx: &mut Tx,
    claimed_before: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<Vec<ApprovalRequest>, StoreError> {
    const SQL: &str = "update approval_request set state = 'interrupted', finished_at = $2
        where state = 'executing' and claimed_at <= $1 returning *";
    let mut rows: Vec<ApprovalRequest> = on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(claimed_before)
        .bind(at)
        .fetch_all(c)
        .await?);
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// How many requests are in each state (states with none are absent), for `/metrics`.
pub async fn count_by_state(tx: &mut Tx) -> Result<Vec<(ApprovalState, i64)>, StoreError> {
    const SQL: &str = "select state, count(*) from approval_request group by state";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL).fetch_all(c).await?))
}
