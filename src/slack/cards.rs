//! Approval cards in Slack: the [`ApprovalNotifier`] that posts a card for every new
//! request to `SLACK_APPROVALS_CHANNEL`, remembers it in the store (`approval_message`),
//! and on every later change re-renders it from the store with `chat.update` (the buttons
//! go once the request is decided, expired or cancelled), adds a line to the card's thread
//! (each vote, the outcome), and sends the requester a DM (approval, denial, expiry,
//! execution result). Changes to one request are applied one at a time in this process,
//! and the card is always rebuilt from the store's current state, so concurrent votes
//! cannot leave a stale card behind.

use futures::future::BoxFuture;

use super::blocks;
use super::error::SlackApiError;
use super::web::SlackWeb;
use crate::access::{Platform, Principal};
use crate::approvals::{ApprovalError, ApprovalMessage};
use crate::core::notices::RequestTurns;
use crate::core::{ApprovalEvent, ApprovalNotifier, CardSource, Change, Reply};

const PLATFORM: &str = "slack";

/// Posts and maintains approval cards in one Slack channel.
#[derive(Debug)]
pub struct SlackCards {
    web: SlackWeb,
    channel: String,
    /// One lock per request with an update in progress.
    turns: RequestTurns,
}

/// Why a card could not be posted or updated (logged, never fatal).
#[derive(Debug, thiserror::Error)]
enum CardError {
    #[error(transparent)]
    Slack(#[from] SlackApiError),
    #[error(transparent)]
    Store(#[from] ApprovalError),
}

impl SlackCards {
    pub fn new(web: SlackWeb, channel: String) -> SlackCards {
        SlackCards {
            web,
            channel,
            turns: RequestTurns::default(),
        }
    }

    async fn apply(&self, event: &ApprovalEvent, cards: &CardSource) -> Result<(), CardError> {
        let id = event.request.id;
        let _turn = self.turns.take(id).await;
        let card = blocks::message(&cards.card(id).await?);
        if event.change == Change::Created {
            let posted = self.web.post_message(&self.channel, None, &card).await?;
            cards
                .approvals()
                .add_message(&ApprovalMessage {
                    request_id: id,
                    platform: PLATFORM.to_owned(),
                    channel: posted.channel,
                    message_id: posted.ts,
                    posted_at: chrono::Utc::now(),
                })
                .await?;
            return Ok(());
        }
        let note = event
            .thread_note()
            .map(|text| blocks::message(&Reply::ok(text)));
        for message in cards.approvals().messages(id).await? {
            if message.platform != PLATFORM {
                continue;
            }
            if let Err(e) = self
                .web
                .update_message(&message.channel, &message.message_id, &card)
                .await
            {
                tracing::warn!(request = id, error = %e, "could not update an approval card");
            }
            if let Some(note) = &note {
                if let Err(e) = self
                    .web
                    .post_message(&message.channel, Some(&message.message_id), note)
                    .await
                {
                    tracing::warn!(request = id, error = %e, "could not add to an approval card's thread");
                }
            }
        }
        Ok(())
    }

    /// DMs the requester when the change concerns them and they are a Slack user.
    async fn tell_requester(&self, event: &ApprovalEvent, cards: &CardSource) {
        let Ok(requester) = event.request.requester.parse::<Principal>() else {
            return;
        };
        if requester.platform() != Platform::Slack {
            return;
        }
        let Some(notice) = event.requester_notice(cards.timezone()) else {
            return;
        };
        let message = blocks::message(&notice);
        if let Err(e) = self.web.post_message(requester.id(), None, &message).await {
            tracing::warn!(
                request = event.request.id,
                error = %e,
                "could not send the requester a DM about their request"
            );
        }
    }
}

impl ApprovalNotifier for SlackCards {
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
                    "could not post or update the approval card in Slack"
                );
            }
            self.tell_requester(event, cards).await;
        })
    }
}
