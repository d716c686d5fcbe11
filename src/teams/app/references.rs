//! Conversation references: every activity (and `installationUpdate` above all) records
//! where the bot can reach the conversation and the sender later — the `serviceUrl`, the
//! conversation (without a thread suffix), the tenant, and the sender's `29:` id under
//! their Azure AD object id (with their 1:1 conversation when this is one). Uninstalling,
//! or the connector answering `BotNotInConversationRoster` / `ConversationNotFound`,
//! marks a conversation dead; writing to it again revives it.

use chrono::Utc;

use super::TeamsState;
use crate::store::teams_conversations::{self, ConversationRef};
use crate::store::teams_users::{self, TeamsUser};
use crate::store::{StoreError, Tx};
use crate::teams::activity::Activity;

impl TeamsState {
    /// Upserts the conversation and the sender of `activity` (one transaction).
    pub async fn remember(&self, activity: &Activity) -> Result<(), StoreError> {
        let Some(conversation_id) = activity.base_conversation_id() else {
            return Ok(());
        };
        let Some(tenant) = activity.tenant_id() else {
            return Ok(());
        };
        let now = Utc::now();
        let reference = ConversationRef {
            conversation_id: conversation_id.to_string(),
            service_url: activity.service_url.clone(),
            tenant_id: tenant.to_string(),
            conversation_type: activity.conversation_type().to_string(),
            bot_id: activity
                .recipient
                .as_ref()
                .map(|r| r.id.clone())
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| self.bot_id()),
            team_id: activity
                .channel_data
                .as_ref()
                .and_then(|c| c.team.as_ref())
                .map(|t| t.id.clone()),
            name: activity
                .channel_data
                .as_ref()
                .and_then(|c| c.channel.as_ref())
                .and_then(|c| c.name.clone())
                .or_else(|| activity.conversation.as_ref().and_then(|c| c.name.clone())),
            alive: true,
            dead_reason: None,
            updated_at: now,
        };
        let mut tx = self.inner.db.begin().await?;
        teams_conversations::upsert(&mut tx, &reference).await?;
        if let (Some(aad), Some(from)) = (activity.aad_object_id(), activity.from.as_ref()) {
            let personal = activity.conversation_type() == "personal";
            teams_users::upsert(
                &mut tx,
                &TeamsUser {
                    aad_object_id: aad.to_string(),
                    user_id: from.id.clone(),
                    service_url: activity.service_url.clone(),
                    tenant_id: tenant.to_string(),
                    personal_conversation_id: personal.then(|| conversation_id.to_string()),
                    updated_at: now,
                },
            )
            .await?;
        }
        tx.commit().await
    }

    /// The bot was removed from `conversation_id` (or the connector says so).
    pub async fn forget_conversation(&self, conversation_id: &str, reason: &str) {
        let result: Result<bool, StoreError> = async {
            let mut tx: Tx = self.inner.db.begin().await?;
            let changed =
                teams_conversations::mark_dead(&mut tx, conversation_id, reason, Utc::now())
                    .await?;
            tx.commit().await?;
            Ok(changed)
        }
        .await;
        match result {
            Ok(true) => tracing::info!(
                conversation = conversation_id,
                reason,
                "Teams conversation marked dead: nothing more is sent there until the bot hears from it again"
            ),
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(conversation = conversation_id, error = %e, "could not mark a Teams conversation dead")
            }
        }
    }

    /// The stored reference of a conversation.
    pub async fn conversation(
        &self,
        conversation_id: &str,
    ) -> Result<Option<ConversationRef>, StoreError> {
        let mut tx = self.inner.db.begin_read().await?;
        let found = teams_conversations::get(
            &mut tx,
            crate::teams::activity::base_conversation(conversation_id),
        )
        .await?;
        tx.commit().await?;
        Ok(found)
    }

    /// How to reach a Teams user (by Azure AD object id).
    pub async fn user(&self, aad_object_id: &str) -> Result<Option<TeamsUser>, StoreError> {
        let mut tx = self.inner.db.begin_read().await?;
        let found = teams_users::get(&mut tx, aad_object_id).await?;
        tx.commit().await?;
        Ok(found)
    }
}
