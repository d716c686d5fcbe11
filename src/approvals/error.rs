//! [`ApprovalError`]: every refusal of the engine, worded for the person who clicked, and
//! [`describe`], which says what already happened to a request and by whom.

use chrono::{DateTime, Utc};

use super::ApprovalState;
use crate::access::Role;
use crate::store::StoreError;
use crate::store::approval_requests::ApprovalRequest;

#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    #[error("there is no request #{0}")]
    NotFound(i64),
    #[error("a reason is required to request `{0}`: it cannot be undone")]
    ReasonRequired(String),
    #[error("{principal} may not {what}: that needs the {needed} role or higher (has {has})")]
    NotAllowed {
        principal: String,
        what: &'static str,
        needed: Role,
        has: String,
    },
    #[error("you cannot vote on your own request #{0}: someone else must decide it")]
    OwnRequest(i64),
    #[error("you already voted to {decision} request #{id} at {}; one vote per approver", when(*at))]
    AlreadyVoted {
        id: i64,
        decision: String,
        at: DateTime<Utc>,
    },
    /// The request left `pending` (or `approved`, for claims) before this call.
    #[error("{0}")]
    NotPending(String),
    #[error("request #{id} expired at {}; it no longer accepts votes", when(*at))]
    Expired { id: i64, at: DateTime<Utc> },
    #[error("only the requester ({requester}) can cancel request #{id}")]
    NotRequester { id: i64, requester: String },
    #[error(
        "request #{id} was changed since it was made: its payload no longer matches its SHA-256"
    )]
    PayloadTampered { id: i64 },
    #[error("the request payload is not JSON: {0}")]
    Payload(#[from] serde_json::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApprovalError {
    /// True for refusals (worth an audit entry), false for failures of the store.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, ApprovalError::Store(_) | ApprovalError::Payload(_))
    }
}

/// A time as shown to people.
pub(crate) fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// What has happened to a request, e.g. "request #12 was already denied by slack:U2 at
/// 2024-05-01 09:00:00 UTC".
pub fn describe(r: &ApprovalRequest) -> String {
    let id = r.id;
    let by = r.decided_by.as_deref().unwrap_or("nobody");
    let at = r
        .decided_at
        .map_or_else(|| "an unknown time".to_string(), when);
    let claimed_by = r.claimed_by.as_deref().unwrap_or("nobody");
    let claimed_at = r
        .claimed_at
        .map_or_else(|| "an unknown time".to_string(), when);
    let finished = r
        .finished_at
        .map_or_else(|| "an unknown time".to_string(), when);
    match r.state {
        ApprovalState::Pending => format!(
            "request #{id} is pending, expiring at {}",
            when(r.expires_at)
        ),
        ApprovalState::Approved => format!("request #{id} was already approved (by {by} at {at})"),
        ApprovalState::Executing => {
            format!(
                "request #{id} was already approved and is being executed (claimed by {claimed_by} at {claimed_at})"
            )
        }
        ApprovalState::Succeeded => format!(
            "request #{id} was already approved and executed at {finished} (Virbela requestId {})",
            r.virbela_request_id.as_deref().unwrap_or("unknown")
        ),
        ApprovalState::Failed => format!(
            "request #{id} was already approved, but its execution failed at {finished}: {}",
            r.error.as_deref().unwrap_or("unknown error")
        ),
        ApprovalState::Denied => format!("request #{id} was already denied by {by} at {at}"),
        ApprovalState::Cancelled => format!("request #{id} was already cancelled by {by} at {at}"),
        ApprovalState::Expired => format!(
            "request #{id} expired at {} without enough approvals",
            when(r.expires_at)
        ),
        ApprovalState::Interrupted => format!(
            "request #{id} was interrupted while executing (claimed by {claimed_by} at {claimed_at}); check Virbela before making it again"
        ),
    }
}
