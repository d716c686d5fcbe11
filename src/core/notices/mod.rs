//! What the core tells adapters about approval requests, so that every copy of a request
//! in chat stays true: an [`ApprovalEvent`] after each change (created, voted, decided,
//! executed, cancelled, expired, interrupted), the approval card to show for a request
//! ([`CardSource::card`], rebuilt from the store each time), the line to add to the card's
//! thread ([`ApprovalEvent::thread_note`]) and the message for the requester
//! ([`ApprovalEvent::requester_notice`]). Adapters register an [`ApprovalNotifier`] with
//! [`crate::core::Bot::add_notifier`]; the core knows nothing of how they deliver.

mod card;
mod turns;

use std::sync::{Arc, RwLock};

use chrono_tz::Tz;
use futures::future::BoxFuture;

pub use card::CardSource;
pub use turns::RequestTurns;

use super::reply::Reply;
use crate::approvals::{ApprovalRequest, ApprovalState, Decision};

/// Something that happened to an approval request.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Made and waiting for votes.
    Created,
    /// A vote was recorded; the request's state says whether it decided it.
    Voted {
        voter: String,
        decision: Decision,
        reason: Option<String>,
    },
    /// Withdrawn before a decision.
    Cancelled { by: String },
    /// Nobody decided in time.
    Expired,
    /// The process died while executing it; the outcome in Virbela is unknown.
    Interrupted,
    /// Executed (or refused at the re-check); the reply is what the executor was told.
    Finished { reply: Reply },
}

/// A change and the request just after it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalEvent {
    pub request: ApprovalRequest,
    pub change: Change,
}

/// Delivers approval events somewhere (a Slack channel, a Teams conversation). Called
/// in the background, after the change is committed; failures are the notifier's to log.
pub trait ApprovalNotifier: Send + Sync + std::fmt::Debug {
    /// One notifier per key: registering a second one with the same key replaces the first.
    fn key(&self) -> &'static str;

    fn notify<'a>(&'a self, event: &'a ApprovalEvent, cards: &'a CardSource) -> BoxFuture<'a, ()>;
}

/// The registered notifiers.
#[derive(Debug, Default)]
pub(crate) struct Notifiers {
    list: RwLock<Vec<Arc<dyn ApprovalNotifier>>>,
}

impl Notifiers {
    pub fn add(&self, notifier: Arc<dyn ApprovalNotifier>) {
        let mut list = self
            .list
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        list.retain(|n| n.key() != notifier.key());
        list.push(notifier);
    }

    /// Tells every notifier, one after the other (so one request's events keep their order).
    pub async fn emit(&self, cards: &CardSource, event: ApprovalEvent) {
        let list: Vec<Arc<dyn ApprovalNotifier>> = self
            .list
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        for notifier in list {
            notifier.notify(&event, cards).await;
        }
    }
}

impl ApprovalEvent {
    /// The line to add under the request's card (its thread in Slack), if any.
    pub fn thread_note(&self) -> Option<String> {
        let id = self.request.id;
        match &self.change {
            Change::Created => None,
            Change::Voted {
                voter,
                decision: Decision::Approve,
                ..
            } => Some(match self.request.state {
                ApprovalState::Pending => format!("✅ {voter} approved #{id}."),
                _ => format!("✅ {voter} approved #{id}: approved, executing it now."),
            }),
            Change::Voted {
                voter,
                decision: Decision::Deny,
                reason,
            } => Some(format!(
                "❌ {voter} denied #{id}{}. Nothing will be done.",
                reason
                    .as_deref()
                    .map(|r| format!(": “{r}”"))
                    .unwrap_or_default()
            )),
            Change::Cancelled { by } => Some(format!("🚫 {by} cancelled #{id}. Nothing was done.")),
            Change::Expired => Some(format!(
                "⌛ #{id} expired without enough approvals. Nothing was done."
            )),
            Change::Interrupted => Some(format!(
                "⚠️ The execution of #{id} was interrupted; check Virbela before asking again."
            )),
            Change::Finished { reply } => Some(match self.request.state {
                ApprovalState::Succeeded => format!("🏁 Executed #{id}: {}", reply.text),
                _ => format!("⚠️ #{id} was not executed: {}", reply.text),
            }),
        }
    }

    /// What to tell the requester (privately), if anything; times in `tz`.
    pub fn requester_notice(&self, tz: Tz) -> Option<Reply> {
        let r = &self.request;
        let id = r.id;
        let title = format!("Your request #{id}");
        let reply = match &self.change {
            Change::Created => return None,
            Change::Voted {
                voter,
                decision: Decision::Approve,
                ..
            } if r.state != ApprovalState::Pending => Reply::ok(format!(
                "{voter} approved your request #{id} ({}); it is being executed now.",
                r.target
            )),
            Change::Voted {
                voter,
                decision: Decision::Deny,
                reason,
            } => Reply::refused(format!(
                "{voter} denied your request #{id} ({}){}. Nothing was done.",
                r.target,
                reason
                    .as_deref()
                    .map(|why| format!(": “{why}”"))
                    .unwrap_or_default()
            )),
            Change::Voted { .. } => return None,
            Change::Cancelled { by } if *by == r.requester => return None,
            Change::Cancelled { by } => Reply::refused(format!(
                "{by} cancelled your request #{id} ({}). Nothing was done.",
                r.target
            )),
            Change::Expired => Reply::refused(format!(
                "Your request #{id} ({}) expired at {} without enough approvals. Nothing was done; ask again if it is still needed.",
                r.target,
                r.expires_at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z")
            )),
            Change::Interrupted => Reply::failed(format!(
                "The execution of your request #{id} ({}) was interrupted; its outcome in Virbela is unknown. Check before asking again. (correlation id {})",
                r.target, r.correlation_id
            )),
            Change::Finished { reply } => {
                let mut reply = reply.clone();
                reply.visibility = super::reply::Visibility::Caller;
                reply.text = format!("Request #{id}: {}", reply.text);
                reply.actions.clear();
                reply
            }
        };
        Some(reply.titled(title))
    }
}

#[cfg(test)]
mod tests;
