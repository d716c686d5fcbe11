//! `approvals …`: list, show, approve (then execute once the threshold is reached),
//! deny, cancel.

use super::Turn;
use super::actions::{GatedAction, vote_buttons};
use crate::approvals::{ApprovalRequest, ApprovalState, Decision};
use crate::core::command::ApprovalsCommand;
use crate::core::notices::Change;
use crate::core::reply::{Reply, Table};

impl Turn<'_> {
    pub(super) async fn approvals(&self, command: ApprovalsCommand) -> Reply {
        let engine = &self.bot.approvals;
        match command {
            ApprovalsCommand::Pending => match engine.pending(50).await {
                Ok(list) if list.is_empty() => Reply::ok("No request is waiting for approval."),
                Ok(list) => Reply::ok(format!(
                    "{} request(s) waiting. `approvals show ID` for details.",
                    list.len()
                ))
                .titled("Pending approvals")
                .table(self.request_table(&list)),
                Err(e) => self.approval_failed(&e),
            },
            ApprovalsCommand::Mine => match engine.mine(&self.caller.principal, 50).await {
                Ok(list) if list.is_empty() => Reply::ok("You have made no request."),
                Ok(list) => Reply::ok("")
                    .titled("Your requests")
                    .table(self.request_table(&list)),
                Err(e) => self.approval_failed(&e),
            },
            ApprovalsCommand::Show(id) => self.show(id).await,
            ApprovalsCommand::Approve(id) => self.vote(id, Decision::Approve, None).await,
            ApprovalsCommand::Deny { id, reason } => {
                self.vote(id, Decision::Deny, reason.as_deref()).await
            }
            ApprovalsCommand::Cancel(id) => match engine.cancel(id, &self.caller.principal).await {
                Ok(r) => {
                    let reply =
                        Reply::ok(format!("Cancelled request #{}: {}.", r.id, describe(&r)));
                    let by = self.caller.principal.to_string();
                    self.bot.announce(r, Change::Cancelled { by }).await;
                    reply
                }
                Err(e) => self.approval_failed(&e),
            },
        }
    }

    async fn vote(&self, id: i64, decision: Decision, reason: Option<&str>) -> Reply {
        let outcome = match self
            .bot
            .approvals
            .vote(
                id,
                &self.caller.principal,
                &self.caller.groups,
                decision,
                reason,
            )
            .await
        {
            Ok(o) => o,
            Err(e) => return self.approval_failed(&e),
        };
        let request = outcome.request;
        self.bot
            .announce(
                request.clone(),
                Change::Voted {
                    voter: self.caller.principal.to_string(),
                    decision,
                    reason: reason.map(str::to_owned),
                },
            )
            .await;
        match request.state {
            ApprovalState::Approved => self.execute(request).await,
            ApprovalState::Denied => Reply::ok(format!(
                "Denied request #{id}: {}. Nothing was done.",
                describe(&request)
            )),
            _ => {
                let still = i64::from(outcome.required) - outcome.approvals;
                Reply::pending(format!(
                    "Your approval of #{id} is recorded ({} of {}); it needs {still} more.",
                    outcome.approvals, outcome.required
                ))
            }
        }
    }

    async fn show(&self, id: i64) -> Reply {
        let engine = &self.bot.approvals;
        let (request, votes) = match futures::try_join!(engine.get(id), engine.votes(id)) {
            Ok(both) => both,
            Err(e) => return self.approval_failed(&e),
        };
        let mut reply = Reply::ok(describe(&request))
            .titled(format!("Request #{id}"))
            .field("State", request.state.as_str())
            .field("Requested by", request.requester.clone())
            .field(
                "Reason",
                request.reason.clone().unwrap_or_else(|| "—".into()),
            )
            .field(
                "Approvals",
                format!(
                    "{} of {}",
                    votes
                        .iter()
                        .filter(|v| v.decision == Decision::Approve)
                        .count(),
                    request.required_approvals
                ),
            )
            .field(
                "Created",
                request
                    .created_at
                    .with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string(),
            )
            .field(
                "Expires",
                request
                    .expires_at
                    .with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string(),
            )
            .field("Correlation id", request.correlation_id.clone());
        if let Some(rid) = request
            .virbela_request_id
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            reply = reply.field("Virbela request id", rid);
        }
        if let Some(error) = &request.error {
            reply = reply.field("Error", error.clone());
        }
        if !votes.is_empty() {
            let mut table = Table::new(["Voter", "Role", "Decision", "Reason", "When"]);
            for v in &votes {
                table.push([
                    v.voter.clone(),
                    v.voter_role.to_string(),
                    v.decision.to_string(),
                    v.reason.clone().unwrap_or_default(),
                    v.voted_at
                        .with_timezone(&self.tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                ]);
            }
            reply = reply.table(table);
        }
        if request.state == ApprovalState::Pending {
            let [approve, deny] = vote_buttons(id);
            reply = reply.action(approve).action(deny);
        }
        reply
    }

    fn request_table(&self, list: &[ApprovalRequest]) -> Table {
        let mut table = Table::new(["#", "Action", "State", "Requested by", "Needs", "Expires"]);
        for r in list {
            table.push([
                r.id.to_string(),
                describe(r),
                r.state.as_str().to_string(),
                r.requester.clone(),
                r.required_approvals.to_string(),
                r.expires_at
                    .with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            ]);
        }
        table
    }
}

/// A request in words, from its payload when it still matches its hash.
fn describe(request: &ApprovalRequest) -> String {
    request
        .verified_payload()
        .ok()
        .and_then(|v| serde_json::from_value::<GatedAction>(v).ok())
        .map(|a| a.describe())
        .unwrap_or_else(|| format!("{} {}", request.action, request.target))
}
