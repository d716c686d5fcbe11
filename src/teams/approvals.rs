//! Approval cards in Teams: the [`ApprovalNotifier`] that posts a card for every new
//! request to `TEAMS_APPROVALS_CONVERSATION` (a new thread in a channel), remembers it in
//! the store (`approval_message`, platform `teams`), and after every later change replaces
//! it (`PUT`) with the card rebuilt from the store — the buttons go once the request is
//! decided — and adds a line under it (each vote, the outcome). Requesters who are Teams
//! users hear of approvals, denials, expiry and results in their 1:1 chat with the bot.
//!
//! A vote that approves is followed at once by the execution in the same turn, so its
//! `PUT` is left to the outcome: one replacement per decision, and the card never sits
//! at "executing". Changes to one request are applied one at a time in this process.

use futures::future::BoxFuture;

use super::app::{self, OutboxError, Posted, TeamsState};
use crate::access::{Platform, Principal};
use crate::approvals::{ApprovalError, ApprovalMessage, ApprovalState};
use crate::core::notices::RequestTurns;
use crate::core::{ApprovalEvent, ApprovalNotifier, CardSource, Change, Reply};
use crate::teams::cards;

const PLATFORM: &str = "teams";

/// Posts and maintains approval cards in one Teams conversation.
#[derive(Debug)]
pub struct TeamsCards {
    state: TeamsState,
    conversation: String,
    turns: RequestTurns,
}

#[derive(Debug, thiserror::Error)]
enum CardError {
    #[error(transparent)]
    Teams(#[from] OutboxError),
    #[error(transparent)]
    Store(#[from] ApprovalError),
}

impl TeamsCards {
    pub fn new(state: TeamsState, conversation: String) -> TeamsCards {
        TeamsCards {
            state,
            conversation,
            turns: RequestTurns::default(),
        }
    }

    async fn apply(
        &self,
        event: &ApprovalEvent,
        cards_source: &CardSource,
    ) -> Result<(), CardError> {
        let id = event.request.id;
        let _turn = self.turns.take(id).await;
        let card = cards::message(app::approvals::card(&self.state, id).await?);
        if event.change == Change::Created {
            let posted = self.state.post(&self.conversation, &card).await?;
            cards_source
                .approvals()
                .add_message(&ApprovalMessage {
                    request_id: id,
                    platform: PLATFORM.to_owned(),
                    channel: posted.conversation_id,
                    message_id: posted.activity_id,
                    posted_at: chrono::Utc::now(),
                })
                .await?;
            return Ok(());
        }
        let outcome_follows = matches!(event.change, Change::Voted { .. })
            && event.request.state == ApprovalState::Approved;
        let note = event
            .thread_note()
            .map(|text| cards::message(cards::card(&Reply::ok(text), &[])));
        for message in cards_source.approvals().messages(id).await? {
            if message.platform != PLATFORM {
                continue;
            }
            let posted = Posted {
                conversation_id: message.channel.clone(),
                activity_id: message.message_id.clone(),
            };
            if !outcome_follows {
                if let Err(e) = self.state.replace(&posted, &card).await {
                    tracing::warn!(request = id, error = %e, "could not update an approval card in Teams");
                }
            }
            if let Some(note) = &note {
                if let Err(e) = self.state.reply_to_posted(&posted, note).await {
                    tracing::warn!(request = id, error = %e, "could not add a line under an approval card in Teams");
                }
            }
        }
        Ok(())
    }

    /// Tells the requester in their 1:1 chat, when they are a Teams user.
    async fn tell_requester(&self, event: &ApprovalEvent, cards_source: &CardSource) {
        let Ok(requester) = event.request.requester.parse::<Principal>() else {
            return;
        };
        if requester.platform() != Platform::Teams {
            return;
        }
        let Some(notice) = event.requester_notice(cards_source.timezone()) else {
            return;
        };
        let message = self.state.message_for(&notice).await;
        if let Err(e) = self.state.tell_user(requester.id(), &message).await {
            tracing::warn!(
                request = event.request.id,
                error = %e,
                "could not tell the requester about their request in Teams"
            );
        }
    }
}

impl ApprovalNotifier for TeamsCards {
    fn key(&self) -> &'static str {
        PLATFORM
    }

    fn notify<'a>(&'a self, event: &'a ApprovalEvent, cards: &'a CardSource) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(e) = self.apply(event, cards).await {
                tracing::warn!(
                    request = event.request.id,
                    correlation_id = %event.request.correlation_id,
                    error = %e,
                    "could not post or update the approval card in Teams"
                );
            }
            self.tell_requester(event, cards).await;
        })
    }
}
