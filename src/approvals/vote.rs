//! Voting: approve or deny a pending request. One transaction locks the request, resolves
//! the voter's role, writes the vote (a guarded insert on a unique row) and, when the
//! vote decides the request, makes the conditional transition, with audit events.

use serde_json::json;

use super::engine::record;
use super::{ApprovalError, ApprovalState, Approvals, Decision, VoteOutcome, describe};
use crate::access::{Capability, Group, Principal};
use crate::store::approval_requests::{self, ApprovalRequest};
use crate::store::approval_votes::{self, Vote};
use crate::store::{StoreError, Tx};

/// How the transaction of a vote ended.
enum Ended {
    /// Commit: the vote counted.
    Voted(VoteOutcome),
    /// Commit (the request was marked expired), then refuse.
    Expired(ApprovalRequest),
    /// Roll back and refuse.
    Refused(ApprovalError),
}

impl Approvals {
    /// Casts `voter`'s vote on request `id`. Refused (with a message saying why) when
    /// the voter is the requester, is not an approver or admin right now, already voted,
    /// or the request is no longer pending or has expired. A denial ends the request;
    /// approvals reaching the threshold make it `approved` (then [`Approvals::claim`]).
    pub async fn vote(
        &self,
        id: i64,
        voter: &Principal,
        voter_groups: &[Group],
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<VoteOutcome, ApprovalError> {
        let voter_name = voter.to_string();
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut tx = self.db.begin().await?;
        let ended = match self
            .vote_in(&mut tx, id, voter, voter_groups, decision, reason)
            .await
        {
            Ok(ended) => ended,
            // A concurrent duplicate that slipped past the check hits the primary key.
            Err(ApprovalError::Store(e)) if e.is_unique_violation() => {
                drop(tx);
                let mut tx = self.db.begin_read().await?;
                let existing = approval_votes::get(&mut tx, id, &voter_name).await?;
                drop(tx);
                let err = match existing {
                    Some(v) => already_voted(&v),
                    None => ApprovalError::Store(e),
                };
                return self.refuse(&voter_name, id, err).await;
            }
            Err(e) => return Err(e),
        };
        match ended {
            Ended::Voted(outcome) => {
                tx.commit().await?;
                Ok(outcome)
            }
            Ended::Expired(request) => {
                tx.commit().await?;
                let at = request.expires_at;
                self.refuse(&voter_name, id, ApprovalError::Expired { id, at })
                    .await
            }
            Ended::Refused(err) => {
                tx.rollback().await?;
                self.refuse(&voter_name, id, err).await
            }
        }
    }

    async fn vote_in(
        &self,
        tx: &mut Tx,
        id: i64,
        voter: &Principal,
        voter_groups: &[Group],
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<Ended, ApprovalError> {
        let voter_name = voter.to_string();
        let now = self.clock.now();
        let Some(request) = approval_requests::get_for_update(tx, id).await? else {
            return Ok(Ended::Refused(ApprovalError::NotFound(id)));
        };
        if request.requester == voter_name {
            return Ok(Ended::Refused(ApprovalError::OwnRequest(id)));
        }
        if request.state != ApprovalState::Pending {
            return Ok(Ended::Refused(ApprovalError::NotPending(describe(
                &request,
            ))));
        }
        if request.expires_at <= now {
            return Ok(
                match approval_requests::decide(tx, id, ApprovalState::Expired, None, now).await? {
                    Some(expired) => {
                        record(
                            tx,
                            now,
                            "system",
                            "approval.expire",
                            &expired,
                            "expired",
                            json!({"request_id": id}),
                        )
                        .await?;
                        Ended::Expired(expired)
                    }
                    None => Ended::Refused(ApprovalError::Expired {
                        id,
                        at: request.expires_at,
                    }),
                },
            );
        }
        let role = self.access.role_in(tx, voter, voter_groups).await?;
        let voter_role = match role {
            Some(r) if r.can(Capability::Decide) => r,
            _ => {
                return Ok(Ended::Refused(ApprovalError::NotAllowed {
                    principal: voter_name,
                    what: "approve or deny requests",
                    needed: Capability::Decide.min_role(),
                    has: role.map_or_else(|| "no role".to_string(), |r| r.to_string()),
                }));
            }
        };
        if let Some(existing) = approval_votes::get(tx, id, &voter_name).await? {
            return Ok(Ended::Refused(already_voted(&existing)));
        }
        let vote = Vote {
            request_id: id,
            voter: voter_name.clone(),
            voter_role,
            decision,
            reason: reason.map(str::to_string),
            voted_at: now,
        };
        if !approval_votes::insert(tx, &vote).await? {
            // The guard in the statement refused: re-read to say why.
            return Ok(Ended::Refused(
                match approval_requests::get(tx, id).await? {
                    Some(r) => ApprovalError::NotPending(describe(&r)),
                    None => ApprovalError::NotFound(id),
                },
            ));
        }
        let approvals = approval_votes::count_approvals(tx, id).await?;
        let details = json!({
            "request_id": id,
            "decision": decision.as_str(),
            "reason": reason,
            "voter_role": voter_role.as_str(),
            "approvals": approvals,
            "required_approvals": request.required_approvals,
        });
        record(
            tx,
            now,
            &voter_name,
            "approval.vote",
            &request,
            decision.as_str(),
            details,
        )
        .await?;
        let decided = match decision {
            Decision::Deny => {
                approval_requests::decide(tx, id, ApprovalState::Denied, Some(&voter_name), now)
                    .await?
            }
            Decision::Approve => {
                approval_requests::approve_if_enough_votes(tx, id, &voter_name, now).await?
            }
        };
        let request = match decided {
            Some(r) => {
                let action = if r.state == ApprovalState::Denied {
                    "approval.deny"
                } else {
                    "approval.approve"
                };
                let details = json!({"request_id": id, "approvals": approvals});
                record(tx, now, &voter_name, action, &r, r.state.as_str(), details).await?;
                r
            }
            None => approval_requests::get(tx, id)
                .await?
                .ok_or(ApprovalError::Store(StoreError::Corrupt(format!(
                    "request #{id} vanished"
                ))))?,
        };
        Ok(Ended::Voted(VoteOutcome {
            required: request.required_approvals,
            request,
            approvals,
        }))
    }

    async fn refuse(
        &self,
        voter: &str,
        id: i64,
        err: ApprovalError,
    ) -> Result<VoteOutcome, ApprovalError> {
        self.audit_refusal(voter, "approval.vote", None, Some(id), &err)
            .await?;
        Err(err)
    }
}

fn already_voted(vote: &Vote) -> ApprovalError {
    ApprovalError::AlreadyVoted {
        id: vote.request_id,
        decision: vote.decision.to_string(),
        at: vote.voted_at,
    }
}
