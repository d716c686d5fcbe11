//! [`Approvals`]: creating requests, cancelling, claiming execution, recording results,
//! expiring and recovering, and reading them back. Votes are in `vote.rs`.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{ApprovalError, ApprovalSettings, ApprovalState, Clock, describe};
use crate::access::{Access, Capability, Group, Principal};
use crate::audit::{self, Entry};
use crate::policy::{Action, Policy};
use crate::store::approval_messages::{self, ApprovalMessage};
use crate::store::approval_requests::{self, ApprovalRequest, NewApprovalRequest};
use crate::store::approval_votes::{self, Vote};
use crate::store::{Db, StoreError, Tx};

/// The engine: the store plus who may do what, the policy and the timing.
#[derive(Debug, Clone)]
pub struct Approvals {
    pub(super) db: Db,
    pub(super) access: Access,
    pub(super) policy: Policy,
    pub(super) settings: ApprovalSettings,
    pub(super) clock: Clock,
}

/// A request to make.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub action: Action,
    /// What the action is about, for people: an e-mail, a user id.
    pub target: &'a str,
    /// Everything needed to execute it later; frozen (with its SHA-256) at creation.
    pub payload: &'a Value,
    pub requester: &'a Principal,
    /// The requester's groups, for the role check.
    pub requester_groups: &'a [Group],
    pub reason: Option<&'a str>,
    /// Links the chat delivery, the request, the Virbela call and the audit entries; a
    /// fresh one is made when `None`.
    pub correlation_id: Option<&'a str>,
}

/// The result of a vote: the request after it, and the tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteOutcome {
    pub request: ApprovalRequest,
    pub approvals: i64,
    pub required: i32,
}

/// How an execution ended: Virbela's `requestId`, or the error.
pub type Outcome<'a> = Result<&'a str, &'a str>;

/// What a sweep changed, for the chat layer to update cards and report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sweep {
    pub expired: Vec<ApprovalRequest>,
    pub interrupted: Vec<ApprovalRequest>,
}

impl Approvals {
    pub fn new(db: Db, access: Access, policy: Policy, settings: ApprovalSettings) -> Approvals {
        Approvals {
            db,
            access,
            policy,
            settings,
            clock: Clock::system(),
        }
    }

    /// The same engine reading time from `clock`.
    pub fn with_clock(mut self, clock: Clock) -> Approvals {
        self.clock = clock;
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Makes a request. The requester must be an operator or above; the policy decides
    /// how many approvals it needs. With none needed it is `approved` at once (and still
    /// must be claimed before executing).
    pub async fn create(&self, new: &NewRequest<'_>) -> Result<ApprovalRequest, ApprovalError> {
        let reason = new.reason.map(str::trim).filter(|r| !r.is_empty());
        if new.action.requires_reason() && reason.is_none() {
            return Err(ApprovalError::ReasonRequired(new.action.to_string()));
        }
        let payload = serde_json::to_string(new.payload)?;
        let sha = hex::encode(Sha256::digest(payload.as_bytes()));
        let correlation_id = new
            .correlation_id
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string);
        let required = self.policy.required_approvals(new.action);
        let required = i32::try_from(required).unwrap_or(i32::MAX);
        let now = self.clock.now();
        let requester = new.requester.to_string();

        let mut tx = self.db.begin().await?;
        let role = self
            .access
            .role_in(&mut tx, new.requester, new.requester_groups)
            .await?;
        if !role.is_some_and(|r| r.can(Capability::Request)) {
            drop(tx);
            let err = ApprovalError::NotAllowed {
                principal: requester.clone(),
                what: "request this",
                needed: Capability::Request.min_role(),
                has: role.map_or_else(|| "no role".to_string(), |r| r.to_string()),
            };
            self.audit_refusal(&requester, "approval.create", Some(new.target), None, &err)
                .await?;
            return Err(err);
        }
        let request = approval_requests::insert(
            &mut tx,
            &NewApprovalRequest {
                action: new.action.as_str(),
                target: new.target,
                payload: &payload,
                payload_sha256: &sha,
                requester: &requester,
                reason,
                required_approvals: required,
                correlation_id: &correlation_id,
                created_at: now,
                expires_at: now + self.settings.ttl,
            },
        )
        .await?;
        let details = json!({
            "request_id": request.id,
            "request_action": request.action,
            "payload": audit::scrub(new.payload.clone()),
            "payload_sha256": sha,
            "required_approvals": required,
            "reason": reason,
            "expires_at": request.expires_at.to_rfc3339(),
        });
        record(
            &mut tx,
            now,
            &requester,
            "approval.create",
            &request,
            request.state.as_str(),
            details,
        )
        .await?;
        tx.commit().await?;
        Ok(request)
    }

    /// The requester withdraws a pending request.
    pub async fn cancel(&self, id: i64, by: &Principal) -> Result<ApprovalRequest, ApprovalError> {
        let by = by.to_string();
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if let Some(request) = approval_requests::cancel(&mut tx, id, &by, now).await? {
            record(
                &mut tx,
                now,
                &by,
                "approval.cancel",
                &request,
                "cancelled",
                json!({"request_id": id}),
            )
            .await?;
            tx.commit().await?;
            return Ok(request);
        }
        let err = match approval_requests::get(&mut tx, id).await? {
            None => ApprovalError::NotFound(id),
            Some(r) if r.requester != by => ApprovalError::NotRequester {
                id,
                requester: r.requester,
            },
            Some(r) => ApprovalError::NotPending(describe(&r)),
        };
        drop(tx);
        self.audit_refusal(&by, "approval.cancel", None, Some(id), &err)
            .await?;
        Err(err)
    }

    /// approved → executing. Exactly one caller gets the request back and must execute
    /// it, then call [`Approvals::record_result`]; every other caller gets
    /// [`ApprovalError::NotPending`] saying what happened.
    pub async fn claim(&self, id: i64, by: &str) -> Result<ApprovalRequest, ApprovalError> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if let Some(request) = approval_requests::claim(&mut tx, id, by, now).await? {
            record(
                &mut tx,
                now,
                by,
                "approval.claim",
                &request,
                "executing",
                json!({"request_id": id}),
            )
            .await?;
            tx.commit().await?;
            return Ok(request);
        }
        match approval_requests::get(&mut tx, id).await? {
            None => Err(ApprovalError::NotFound(id)),
            Some(r) => Err(ApprovalError::NotPending(describe(&r))),
        }
    }

    /// Records how the execution ended: `Ok(requestId)` or `Err(error text)`. Accepted
    /// from `executing`, and from `interrupted` when a late answer arrives after recovery.
    pub async fn record_result(
        &self,
        id: i64,
        by: &str,
        outcome: Outcome<'_>,
    ) -> Result<ApprovalRequest, ApprovalError> {
        let now = self.clock.now();
        let (to, request_id, error) = match outcome {
            Ok(rid) => (ApprovalState::Succeeded, Some(rid), None),
            Err(e) => (ApprovalState::Failed, None, Some(e)),
        };
        let mut tx = self.db.begin().await?;
        let Some(request) =
            approval_requests::finish(&mut tx, id, to, request_id, error, now).await?
        else {
            return match approval_requests::get(&mut tx, id).await? {
                None => Err(ApprovalError::NotFound(id)),
                Some(r) => Err(ApprovalError::NotPending(describe(&r))),
            };
        };
        let details = json!({"request_id": id, "virbela_request_id": request_id, "error": error});
        let action = if to == ApprovalState::Succeeded {
            "approval.succeed"
        } else {
            "approval.fail"
        };
        record(&mut tx, now, by, action, &request, to.as_str(), details).await?;
        tx.commit().await?;
        Ok(request)
    }

    /// Expires pending requests past their time; returns them so their cards can be
    /// updated. Safe to run on every replica: each request is expired by one of them.
    pub async fn expire_due(&self) -> Result<Vec<ApprovalRequest>, ApprovalError> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let expired = approval_requests::expire_due(&mut tx, now).await?;
        for r in &expired {
            record(
                &mut tx,
                now,
                "system",
                "approval.expire",
                r,
                "expired",
                json!({"request_id": r.id}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(expired)
    }

    /// Start-up recovery (and part of every sweep): requests left `executing` by a crash,
    /// i.e. claimed longer than `interrupt_after` ago, become `interrupted` and are
    /// returned to be reported. They are never executed again by the engine.
    pub async fn recover_interrupted(&self) -> Result<Vec<ApprovalRequest>, ApprovalError> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let stale =
            approval_requests::interrupt_stale(&mut tx, now - self.settings.interrupt_after, now)
                .await?;
        for r in &stale {
            let details =
                json!({"request_id": r.id, "claimed_by": r.claimed_by, "claimed_at": r.claimed_at});
            record(
                &mut tx,
                now,
                "system",
                "approval.interrupt",
                r,
                "interrupted",
                details,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(stale)
    }

    /// Expiry and recovery together: what a periodic sweeper runs.
    pub async fn sweep(&self) -> Result<Sweep, ApprovalError> {
        Ok(Sweep {
            expired: self.expire_due().await?,
            interrupted: self.recover_interrupted().await?,
        })
    }

    pub async fn get(&self, id: i64) -> Result<ApprovalRequest, ApprovalError> {
        let mut tx = self.db.begin_read().await?;
        let request = approval_requests::get(&mut tx, id).await?;
        tx.commit().await?;
        request.ok_or(ApprovalError::NotFound(id))
    }

    pub async fn votes(&self, id: i64) -> Result<Vec<Vote>, ApprovalError> {
        self.read(|tx| Box::pin(approval_votes::list(tx, id))).await
    }

    /// Pending requests, newest first.
    pub async fn pending(&self, limit: i64) -> Result<Vec<ApprovalRequest>, ApprovalError> {
        self.read(|tx| {
            Box::pin(approval_requests::list_by_state(
                tx,
                ApprovalState::Pending,
                limit,
            ))
        })
        .await
    }

    /// A requester's requests, newest first.
    pub async fn mine(
        &self,
        requester: &Principal,
        limit: i64,
    ) -> Result<Vec<ApprovalRequest>, ApprovalError> {
        let requester = requester.to_string();
        let mut tx = self.db.begin_read().await?;
        let list = approval_requests::list_by_requester(&mut tx, &requester, limit).await?;
        tx.commit().await?;
        Ok(list)
    }

    /// Remembers a posted card so it can be updated after a decision.
    pub async fn add_message(&self, message: &ApprovalMessage) -> Result<(), ApprovalError> {
        let mut tx = self.db.begin().await?;
        approval_messages::insert(&mut tx, message).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every posted card of a request.
    pub async fn messages(&self, id: i64) -> Result<Vec<ApprovalMessage>, ApprovalError> {
        self.read(|tx| Box::pin(approval_messages::list(tx, id)))
            .await
    }

    async fn read<T>(
        &self,
        f: impl for<'t> FnOnce(&'t mut Tx) -> futures::future::BoxFuture<'t, Result<T, StoreError>>,
    ) -> Result<T, ApprovalError> {
        let mut tx = self.db.begin_read().await?;
        let value = f(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// Audits a refused operation in its own transaction.
    pub(super) async fn audit_refusal(
        &self,
        actor: &str,
        action: &str,
        target: Option<&str>,
        id: Option<i64>,
        err: &ApprovalError,
    ) -> Result<(), ApprovalError> {
        let message = err.to_string();
        audit::append_now(
            &self.db,
            &Entry {
                actor,
                action,
                target,
                outcome: "refused",
                correlation_id: None,
                details: json!({"request_id": id, "message": message}),
            },
        )
        .await?;
        Ok(())
    }
}

impl ApprovalRequest {
    /// The frozen payload, after checking it still matches its SHA-256.
    pub fn verified_payload(&self) -> Result<Value, ApprovalError> {
        let sha = hex::encode(Sha256::digest(self.payload.as_bytes()));
        if sha != self.payload_sha256 {
            return Err(ApprovalError::PayloadTampered { id: self.id });
        }
        Ok(serde_json::from_str(&self.payload)?)
    }
}

/// Appends the audit event of a transition on `request`, inside `tx`.
pub(super) async fn record(
    tx: &mut Tx,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    request: &ApprovalRequest,
    outcome: &str,
    mut details: Value,
) -> Result<i64, StoreError> {
    if let Value::Object(map) = &mut details {
        map.insert(
            "request_action".into(),
            Value::String(request.action.clone()),
        );
    }
    audit::append(
        tx,
        at,
        &Entry {
            actor,
            action,
            target: Some(&request.target),
            outcome,
            correlation_id: Some(&request.correlation_id),
            details,
        },
    )
    .await
}
