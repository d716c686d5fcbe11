//! Member profiles: read one, request an edit (`set Field=Value`, `unset Field`).

use indexmap::IndexMap;
use serde_json::Value;

use super::Turn;
use super::actions::GatedAction;
use crate::core::command::UserRef;
use crate::core::reply::Reply;
use crate::virbela::models::ProfileUpdate;

impl Turn<'_> {
    pub(super) async fn profile(&self, who: &UserRef) -> Reply {
        let user = match self.resolve_user(who).await {
            Ok(u) => u,
            Err(reply) => return reply,
        };
        let profile = match self.bot.virbela.member_profile(&user.user_id).await {
            Ok(p) => p,
            Err(e) => return self.virbela_failed("read the member profile", &e),
        };
        let mut reply = Reply::ok(if profile.fields.is_empty() {
            "No campus-defined field is filled in.".to_string()
        } else {
            String::new()
        })
        .titled(format!("Profile of {}", user.label()))
        .field("Email", profile.email.clone().unwrap_or_default());
        for name in profile.fields.keys() {
            reply = reply.field(name.clone(), profile.field_text(name).unwrap_or_default());
        }
        if let Some(at) = profile.updated_at {
            reply = reply.field(
                "Updated",
                at.with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string(),
            );
        }
        reply
    }

    pub(super) async fn profile_edit(
        &self,
        who: &UserRef,
        set: IndexMap<String, String>,
        unset: Vec<String>,
    ) -> Reply {
        let user = match self.resolve_user(who).await {
            Ok(u) => u,
            Err(reply) => return reply,
        };
        let before = match self.bot.virbela.member_profile(&user.user_id).await {
            Ok(p) => p,
            Err(e) => return self.virbela_failed("read the member profile", &e),
        };
        let update = ProfileUpdate {
            update: set
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
            unset,
        };
        let action = GatedAction::ProfileEdit {
            user_id: user.user_id.clone(),
            name: user.label(),
            update,
            updated_at_before: before.updated_at,
        };
        self.request(action, None).await
    }
}
