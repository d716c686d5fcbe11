//! Gated actions: what a request freezes (its payload), the re-check of the target just
//! before executing (refused if it changed since the request), and the execution itself.
//! Every change goes through the approval engine — with 0 approvals required it is
//! approved at once — so each one is claimed exactly once and audited.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Turn;
use crate::approvals::{ApprovalRequest, ApprovalState, NewRequest};
use crate::core::notices::Change;
use crate::core::reply::{ButtonStyle, Reply, ReplyAction};
use crate::policy::Action;
use crate::store::invitations::{self, NewInvitation};
use crate::virbela::VirbelaError;
use crate::virbela::domain::{Email, UserId};
use crate::virbela::models::{DeleteTarget, Invitation, ProfileUpdate, SpaceOrder, SuspendTarget};

/// A change to make in Virbela, frozen in an approval request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum GatedAction {
    Invite {
        invitation: Invitation,
    },
    Suspend {
        user_id: UserId,
        email: Option<String>,
        name: String,
    },
    Delete {
        user_id: UserId,
        email: Email,
        name: String,
    },
    ProfileEdit {
        user_id: UserId,
        name: String,
        update: ProfileUpdate,
        updated_at_before: Option<DateTime<Utc>>,
    },
    SpaceCreate {
        order: SpaceOrder,
    },
}

/// How an execution went: what to tell people, and Virbela's request id.
struct Done {
    text: String,
    virbela_request_id: Option<String>,
}

impl GatedAction {
    fn action(&self) -> Action {
        match self {
            GatedAction::Invite { invitation } => Action::invite(invitation.effective_permission()),
            GatedAction::Suspend { .. } => Action::Suspend,
            GatedAction::Delete { .. } => Action::Delete,
            GatedAction::ProfileEdit { .. } => Action::ProfileEdit,
            GatedAction::SpaceCreate { .. } => Action::SpaceCreate,
        }
    }

    fn target(&self) -> String {
        match self {
            GatedAction::Invite { invitation } => invitation.email.to_string(),
            GatedAction::Suspend { user_id, .. }
            | GatedAction::Delete { user_id, .. }
            | GatedAction::ProfileEdit { user_id, .. } => user_id.to_string(),
            GatedAction::SpaceCreate { order } => order.email.to_string(),
        }
    }

    /// In words, for cards and replies.
    pub fn describe(&self) -> String {
        match self {
            GatedAction::Invite { invitation } => format!(
                "invite {} as {}",
                invitation.email,
                invitation.effective_permission()
            ),
            GatedAction::Suspend { name, user_id, .. } => format!("suspend {name} ({user_id})"),
            GatedAction::Delete { name, email, .. } => {
                format!("delete {name} ({email}) from the campus, irreversibly")
            }
            GatedAction::ProfileEdit { name, update, .. } => {
                let mut parts: Vec<String> = update
                    .update
                    .iter()
                    .map(|(k, v)| format!("{k}={}", text_of(v)))
                    .collect();
                parts.extend(update.unset.iter().map(|k| format!("unset {k}")));
                format!("edit the profile of {name}: {}", parts.join(", "))
            }
            GatedAction::SpaceCreate { order } => format!(
                "create a private space (pricing id {}) for {} {} <{}>",
                order.pricing_id, order.first_name, order.last_name, order.email
            ),
        }
    }
}

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The buttons of a pending request.
pub(crate) fn vote_buttons(id: i64) -> [ReplyAction; 2] {
    [
        ReplyAction {
            id: "approval.approve".into(),
            label: "Approve".into(),
            value: id.to_string(),
            command: format!("approvals approve {id}"),
            style: ButtonStyle::Primary,
        },
        ReplyAction {
            id: "approval.deny".into(),
            label: "Deny".into(),
            value: id.to_string(),
            command: format!("approvals deny {id}"),
            style: ButtonStyle::Danger,
        },
    ]
}

impl Turn<'_> {
    /// Makes the approval request of `action`; runs it at once when the policy needs no
    /// approval, else answers "pending approval #ID".
    pub(super) async fn request(&self, action: GatedAction, reason: Option<&str>) -> Reply {
        let payload = json!(action);
        let target = action.target();
        let new = NewRequest {
            action: action.action(),
            target: &target,
            payload: &payload,
            requester: &self.caller.principal,
            requester_groups: &self.caller.groups,
            reason,
            correlation_id: Some(self.correlation_id),
        };
        let request = match self.bot.approvals.create(&new).await {
            Ok(request) => request,
            Err(e) => return self.approval_failed(&e),
        };
        if request.state == ApprovalState::Approved {
            return self.execute(request).await;
        }
        self.bot.announce(request.clone(), Change::Created).await;
        let [approve, deny] = vote_buttons(request.id);
        Reply::pending(format!(
            "Pending approval #{id}: {what}. Needs {n} approval{s} from an approver other than you; expires {expires}.",
            id = request.id,
            what = action.describe(),
            n = request.required_approvals,
            s = if request.required_approvals == 1 { "" } else { "s" },
            expires = request.expires_at.with_timezone(&self.tz).format("%Y-%m-%d %H:%M %Z"),
        ))
        .titled(format!("Approval request #{}", request.id))
        .field("Requested by", request.requester.clone())
        .field("Reason", request.reason.clone().unwrap_or_else(|| "—".into()))
        .action(approve)
        .action(deny)
    }

    /// Claims an approved request and executes it, exactly once; refused when the target
    /// changed since the request.
    pub(super) async fn execute(&self, request: ApprovalRequest) -> Reply {
        let me = self.principal();
        let claimed = match self.bot.approvals.claim(request.id, &me).await {
            Ok(r) => r,
            Err(e) => return self.approval_failed(&e),
        };
        let id = claimed.id;
        let action = match claimed
            .verified_payload()
            .and_then(|v| Ok(serde_json::from_value::<GatedAction>(v)?))
        {
            Ok(a) => a,
            Err(e) => {
                return self
                    .finish(
                        id,
                        Err(format!("the request cannot be executed: {e}")),
                        None,
                    )
                    .await;
            }
        };
        if let Err(why) = self.recheck(&action).await {
            return self
                .finish(id, Err(format!("not executed: {why}")), Some(Reply::refused(format!(
                    "Request #{id} was not executed: {why}. Make a new request if it is still wanted. (correlation id {})",
                    self.correlation_id
                ))))
                .await;
        }
        match self.perform(&action, &claimed).await {
            Ok(done) => {
                self.bot.directory.invalidate().await;
                let text = done.text.clone();
                self.finish(
                    id,
                    Ok(done.virbela_request_id.unwrap_or_default()),
                    Some(Reply::ok(text)),
                )
                .await
            }
            Err(e) => {
                let reply = self.virbela_failed(&action.describe(), &e);
                self.finish(id, Err(e.to_string()), Some(reply)).await
            }
        }
    }

    /// Records the outcome of request `id` and answers.
    async fn finish(
        &self,
        id: i64,
        outcome: Result<String, String>,
        reply: Option<Reply>,
    ) -> Reply {
        let recorded: Result<ApprovalRequest, _> = match &outcome {
            Ok(rid) => {
                self.bot
                    .approvals
                    .record_result(id, &self.principal(), Ok(rid))
                    .await
            }
            Err(e) => {
                self.bot
                    .approvals
                    .record_result(id, &self.principal(), Err(e))
                    .await
            }
        };
        let reply = reply.unwrap_or_else(|| match outcome {
            Ok(_) => Reply::ok(format!("Request #{id} done.")),
            Err(e) => Reply::failed(format!(
                "Request #{id} failed: {e} (correlation id {})",
                self.correlation_id
            )),
        });
        match recorded {
            // Requests that went through voting have a card and a requester waiting.
            Ok(request) if request.required_approvals > 0 => {
                self.bot
                    .announce(
                        request,
                        Change::Finished {
                            reply: reply.clone(),
                        },
                    )
                    .await;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, request = id, "could not record the result"),
        }
        reply
    }

    /// Fetches the target again: `Err(why)` when it changed since the request.
    async fn recheck(&self, action: &GatedAction) -> Result<(), String> {
        let client = &self.bot.virbela;
        match action {
            GatedAction::Suspend { user_id, name, .. } => match client.user(user_id).await {
                Ok(user) if user.is_suspended() => Err(format!("{name} is already suspended")),
                Ok(_) => Ok(()),
                Err(VirbelaError::NotFound { .. }) => {
                    Err(format!("{name} is no longer a campus member"))
                }
                Err(e) => Err(format!("could not check {name}: {e}")),
            },
            GatedAction::Delete {
                user_id,
                email,
                name,
            } => match client.user(user_id).await {
                Ok(user) if !user.email.as_deref().is_some_and(|e| email.same_address(e)) => {
                    Err(format!("{name}'s e-mail changed since the request"))
                }
                Ok(_) => Ok(()),
                Err(VirbelaError::NotFound { .. }) => Err(format!(
                    "{name} is no longer a campus member (already deleted?)"
                )),
                Err(e) => Err(format!("could not check {name}: {e}")),
            },
            GatedAction::ProfileEdit {
                user_id,
                name,
                updated_at_before,
                ..
            } => match client.member_profile(user_id).await {
                Ok(profile) if profile.updated_at != *updated_at_before => {
                    Err(format!("{name}'s profile was edited since the request"))
                }
                Ok(_) => Ok(()),
                Err(e) => Err(format!("could not check {name}'s profile: {e}")),
            },
            GatedAction::Invite { .. } | GatedAction::SpaceCreate { .. } => Ok(()),
        }
    }

    async fn perform(
        &self,
        action: &GatedAction,
        request: &ApprovalRequest,
    ) -> Result<Done, VirbelaError> {
        let client = &self.bot.virbela;
        match action {
            GatedAction::Invite { invitation } => {
                let invited = client.invite(invitation).await?;
                let given = invited.result.display_name.clone();
                if invited.result.status != Some(crate::virbela::models::InvitationStatus::Member) {
                    self.record_invitation(invitation, &invited.result, request)
                        .await;
                }
                let status = match invited.result.status {
                    Some(crate::virbela::models::InvitationStatus::Member) => {
                        "already a member: updated"
                    }
                    _ => "pending until they accept",
                };
                let mut text = format!(
                    "Invited {} as {} ({status}).",
                    invitation.email,
                    invitation.effective_permission()
                );
                if let Some(given) = given {
                    text.push_str(&format!(" Virbela gave the display name {given}"));
                    if invitation
                        .display_name
                        .as_deref()
                        .is_some_and(|asked| asked != given)
                    {
                        text.push_str(" (the one asked for was taken)");
                    }
                    text.push('.');
                }
                Ok(Done {
                    text,
                    virbela_request_id: invited.request_id,
                })
            }
            GatedAction::Suspend { user_id, name, .. } => {
                let outcome = client
                    .suspend(&SuspendTarget::by_id(user_id.clone()))
                    .await?;
                Ok(Done {
                    text: format!(
                        "Suspended {name}. A later invitation with a role restores their access."
                    ),
                    virbela_request_id: outcome.request_id,
                })
            }
            GatedAction::Delete {
                user_id,
                email,
                name,
            } => {
                let outcome = client
                    .delete_member(&DeleteTarget {
                        user_id: user_id.clone(),
                        email: email.clone(),
                    })
                    .await?;
                Ok(Done {
                    text: format!("Deleted {name} ({email}) from the campus."),
                    virbela_request_id: outcome.request_id,
                })
            }
            GatedAction::ProfileEdit {
                user_id,
                name,
                update,
                ..
            } => {
                client.update_member_profile(user_id, update).await?;
                Ok(Done {
                    text: format!("Updated the profile of {name}."),
                    virbela_request_id: None,
                })
            }
            GatedAction::SpaceCreate { order } => {
                let purchase = client.create_space(order).await?;
                let product = purchase
                    .price
                    .as_ref()
                    .and_then(|p| p.product.as_ref())
                    .and_then(|p| p.name.clone())
                    .unwrap_or_else(|| format!("pricing id {}", order.pricing_id));
                Ok(Done {
                    text: format!(
                        "Created a private space ({product}) for {} — purchase #{}.",
                        order.email, purchase.id
                    ),
                    virbela_request_id: None,
                })
            }
        }
    }

    /// The invitation ledger: every invitation the bot sent, pending until accepted.
    async fn record_invitation(
        &self,
        invitation: &Invitation,
        result: &crate::virbela::models::InvitationResult,
        request: &ApprovalRequest,
    ) {
        let recorded = async {
            let mut tx = self.bot.db.begin().await?;
            invitations::insert(
                &mut tx,
                &NewInvitation {
                    email: invitation.email.as_str(),
                    virbela_user_id: result.user_id.as_ref().map(UserId::as_str),
                    display_name: result.display_name.as_deref(),
                    permission: invitation.effective_permission().as_str(),
                    invited_by: &request.requester,
                    request_id: Some(request.id),
                    correlation_id: Some(self.correlation_id),
                    sent_at: Utc::now(),
                },
            )
            .await?;
            tx.commit().await
        };
        if let Err(e) = recorded.await {
            tracing::error!(error = %e, "could not record the invitation in the ledger");
        }
    }
}
