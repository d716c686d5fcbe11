//! Everything the Teams adapter sends: a [`Reply`] rendered as an Adaptive Card (its CSV
//! and PNG published at signed links first), posted in answer to an activity (in its
//! thread), to a stored conversation (a channel gets a new thread), or 1:1 to a user by
//! Azure AD object id (their chat with the bot is created when unknown). Answers meant
//! only for the caller ([`Visibility::Caller`]) asked for in a channel or group chat go
//! to the caller's 1:1 chat, with a line in the thread saying so. A connector answer
//! saying the bot left the conversation marks its reference dead.

use serde_json::{Value, json};
use url::Url;

use super::TeamsState;
use crate::core::{Reply, Visibility};
use crate::teams::activity::Activity;
use crate::teams::cards::{self, FileLink};
use crate::teams::connector::ConnectorError;

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(
        "the bot has not seen Teams conversation {0} yet (install the app there, or mention it once)"
    )]
    UnknownConversation(String),
    #[error("the bot is no longer in Teams conversation {0}")]
    DeadConversation(String),
    #[error(
        "the bot cannot reach Teams user {0}: they have not talked to it yet (the app must be installed for them)"
    )]
    UnknownUser(String),
    #[error("bad serviceUrl `{0}`")]
    ServiceUrl(String),
    #[error("the bot's store is not answering: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Connector(#[from] ConnectorError),
}

/// Where a message went: what a later update (`PUT`) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub conversation_id: String,
    pub activity_id: String,
}

impl TeamsState {
    /// The Teams message for `reply`: its attachments published at signed links first.
    pub async fn message_for(&self, reply: &Reply) -> Value {
        let files = self.publish(reply).await;
        cards::message(cards::card(reply, &files))
    }

    /// Publishes the attachments of `reply` (links are `None` without `PUBLIC_URL` or
    /// when storing failed; the card then says the file could not be linked).
    pub async fn publish(&self, reply: &Reply) -> Vec<FileLink> {
        let mut files = Vec::with_capacity(reply.attachments.len());
        for attachment in &reply.attachments {
            let url = match &self.inner.links {
                Some(links) => match links
                    .publish(
                        &attachment.filename,
                        &attachment.media_type,
                        &attachment.bytes,
                    )
                    .await
                {
                    Ok(url) => Some(url),
                    Err(e) => {
                        tracing::warn!(file = %attachment.filename, error = %e, "could not publish a file link");
                        None
                    }
                },
                None => None,
            };
            files.push(FileLink {
                filename: attachment.filename.clone(),
                media_type: attachment.media_type.clone(),
                url,
            });
        }
        files
    }

    /// Answers an inbound activity with `reply` (in its thread); caller-only replies from
    /// a shared conversation go 1:1. Failures are logged.
    pub async fn answer(&self, activity: &Activity, reply: &Reply) {
        let shared = activity.conversation_type() != "personal";
        if shared && reply.visibility == Visibility::Caller {
            if let Some(aad) = activity.aad_object_id() {
                let message = self.message_for(reply).await;
                match self.tell_user(aad, &message).await {
                    Ok(()) => {
                        let note = cards::message(cards::card(
                            &Reply::ok("📬 I sent you the answer in our 1:1 chat."),
                            &[],
                        ));
                        self.reply_in_thread(activity, &note).await;
                        return;
                    }
                    Err(e) => tracing::info!(
                        error = %e,
                        "could not answer privately; answering in the conversation"
                    ),
                }
            }
        }
        let message = self.message_for(reply).await;
        self.reply_in_thread(activity, &message).await;
    }

    /// Sends `message` as a reply to `activity` (its thread in a channel).
    pub async fn reply_in_thread(&self, activity: &Activity, message: &Value) {
        let Some(conversation) = activity.conversation_id() else {
            return;
        };
        let Ok(service_url) = Url::parse(&activity.service_url) else {
            tracing::warn!(service_url = %activity.service_url, "bad serviceUrl; cannot answer");
            return;
        };
        let connector = &self.inner.connector;
        let sent = match activity.id.as_deref() {
            Some(id) if !id.is_empty() => {
                connector
                    .reply(&service_url, conversation, id, message)
                    .await
            }
            _ => connector.send(&service_url, conversation, message).await,
        };
        if let Err(e) = sent {
            self.after_failure(conversation, &e).await;
            tracing::warn!(conversation, error = %e, "could not answer in Teams");
        }
    }

    /// Posts `message` to a stored conversation: a new thread in a channel, a message in
    /// a chat.
    pub async fn post(
        &self,
        conversation_id: &str,
        message: &Value,
    ) -> Result<Posted, OutboxError> {
        let reference = self
            .conversation(conversation_id)
            .await?
            .ok_or_else(|| OutboxError::UnknownConversation(conversation_id.to_string()))?;
        if !reference.alive {
            return Err(OutboxError::DeadConversation(conversation_id.to_string()));
        }
        let service_url = Url::parse(&reference.service_url)
            .map_err(|_| OutboxError::ServiceUrl(reference.service_url.clone()))?;
        let connector = &self.inner.connector;
        let result = if reference.conversation_type == "channel" {
            let parameters = json!({
                "isGroup": true,
                "bot": {"id": reference.bot_id},
                "channelData": {
                    "channel": {"id": reference.conversation_id},
                    "tenant": {"id": reference.tenant_id},
                },
                "activity": message,
            });
            connector
                .create_conversation(&service_url, &parameters)
                .await
                .map(|created| Posted {
                    activity_id: created.activity_id.clone().unwrap_or_else(|| {
                        created
                            .id
                            .split(";messageid=")
                            .nth(1)
                            .unwrap_or_default()
                            .to_string()
                    }),
                    conversation_id: reference.conversation_id.clone(),
                })
        } else {
            connector
                .send(&service_url, &reference.conversation_id, message)
                .await
                .map(|sent| Posted {
                    conversation_id: reference.conversation_id.clone(),
                    activity_id: sent.id.unwrap_or_default(),
                })
        };
        match result {
            Ok(posted) => Ok(posted),
            Err(e) => {
                self.after_failure(&reference.conversation_id, &e).await;
                Err(e.into())
            }
        }
    }

    /// Replaces a posted message (`PUT`).
    pub async fn replace(&self, posted: &Posted, message: &Value) -> Result<(), OutboxError> {
        let reference = self
            .conversation(&posted.conversation_id)
            .await?
            .ok_or_else(|| OutboxError::UnknownConversation(posted.conversation_id.clone()))?;
        let service_url = Url::parse(&reference.service_url)
            .map_err(|_| OutboxError::ServiceUrl(reference.service_url.clone()))?;
        let result = self
            .inner
            .connector
            .update(
                &service_url,
                &posted.conversation_id,
                &posted.activity_id,
                message,
            )
            .await;
        if let Err(e) = result {
            self.after_failure(&posted.conversation_id, &e).await;
            return Err(e.into());
        }
        Ok(())
    }

    /// Adds `message` under a posted message (its thread in a channel).
    pub async fn reply_to_posted(
        &self,
        posted: &Posted,
        message: &Value,
    ) -> Result<(), OutboxError> {
        let reference = self
            .conversation(&posted.conversation_id)
            .await?
            .ok_or_else(|| OutboxError::UnknownConversation(posted.conversation_id.clone()))?;
        let service_url = Url::parse(&reference.service_url)
            .map_err(|_| OutboxError::ServiceUrl(reference.service_url.clone()))?;
        let result = if reference.conversation_type == "channel" {
            self.inner
                .connector
                .reply(
                    &service_url,
                    &posted.conversation_id,
                    &posted.activity_id,
                    message,
                )
                .await
        } else {
            self.inner
                .connector
                .send(&service_url, &posted.conversation_id, message)
                .await
        };
        if let Err(e) = result {
            self.after_failure(&posted.conversation_id, &e).await;
            return Err(e.into());
        }
        Ok(())
    }

    /// Sends `message` to a user's 1:1 chat with the bot, creating it when unknown.
    pub async fn tell_user(&self, aad_object_id: &str, message: &Value) -> Result<(), OutboxError> {
        let user = self
            .user(aad_object_id)
            .await?
            .ok_or_else(|| OutboxError::UnknownUser(aad_object_id.to_string()))?;
        let service_url = Url::parse(&user.service_url)
            .map_err(|_| OutboxError::ServiceUrl(user.service_url.clone()))?;
        let connector = &self.inner.connector;
        if let Some(conversation) = &user.personal_conversation_id {
            match connector.send(&service_url, conversation, message).await {
                Ok(_) => return Ok(()),
                Err(e) if e.is_gone() => {
                    self.forget_personal(aad_object_id).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let parameters = json!({
            "bot": {"id": self.bot_id()},
            "members": [{"id": user.user_id}],
            "channelData": {"tenant": {"id": user.tenant_id}},
            "tenantId": user.tenant_id,
            "isGroup": false,
        });
        let created = connector
            .create_conversation(&service_url, &parameters)
            .await?;
        self.set_personal(&user, &created.id).await;
        connector.send(&service_url, &created.id, message).await?;
        Ok(())
    }

    async fn set_personal(&self, user: &crate::store::teams_users::TeamsUser, conversation: &str) {
        let mut updated = user.clone();
        updated.personal_conversation_id = Some(conversation.to_string());
        updated.updated_at = chrono::Utc::now();
        let result: Result<(), crate::store::StoreError> = async {
            let mut tx = self.inner.db.begin().await?;
            crate::store::teams_users::upsert(&mut tx, &updated).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not remember a Teams 1:1 conversation");
        }
    }

    async fn forget_personal(&self, aad_object_id: &str) {
        let result: Result<(), crate::store::StoreError> = async {
            let mut tx = self.inner.db.begin().await?;
            crate::store::teams_users::forget_personal_conversation(&mut tx, aad_object_id).await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not forget a Teams 1:1 conversation");
        }
    }

    /// Marks the conversation dead when the connector says the bot is gone from it.
    async fn after_failure(&self, conversation_id: &str, error: &ConnectorError) {
        if error.is_gone() {
            self.forget_conversation(
                crate::teams::activity::base_conversation(conversation_id),
                &error.to_string(),
            )
            .await;
        }
    }
}
