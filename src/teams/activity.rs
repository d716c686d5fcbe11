//! The Bot Framework `Activity` as Teams sends it: the fields the bot reads, typed, and
//! everything else kept (`extra`) so a golden activity round-trips. Helpers read what the
//! activity means: the command text with the bot's @mention removed (using `entities`,
//! not the text), the tenant, the caller's time zone, the conversation without its
//! `;messageid=` thread suffix.

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `channelId` of every Teams activity.
pub const TEAMS_CHANNEL: &str = "msteams";

/// One inbound activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The invoke name (`task/fetch`, `adaptiveCard/action`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub service_url: String,
    #[serde(default)]
    pub channel_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Account>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Conversation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Account>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to_id: Option<String>,
    /// An `Action.Submit` payload (in a `message`) or an invoke's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_data: Option<ChannelData>,
    /// `installationUpdate`: `add`, `remove`, `add-upgrade`, `remove-upgrade`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user or the bot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Azure AD object id: the immutable identity roles are bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aad_object_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The conversation an activity belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    #[serde(default)]
    pub id: String,
    /// `personal`, `groupChat` or `channel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_group: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Teams' `channelData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<IdOnly>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Named>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Named>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdOnly {
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Activity {
    /// The tenant: `channelData.tenant.id`, else `conversation.tenantId`.
    pub fn tenant_id(&self) -> Option<&str> {
        self.channel_data
            .as_ref()
            .and_then(|c| c.tenant.as_ref())
            .map(|t| t.id.as_str())
            .filter(|id| !id.is_empty())
            .or_else(|| {
                self.conversation
                    .as_ref()
                    .and_then(|c| c.tenant_id.as_deref())
                    .filter(|id| !id.is_empty())
            })
    }

    /// The conversation id as given (a channel thread keeps its `;messageid=`).
    pub fn conversation_id(&self) -> Option<&str> {
        self.conversation
            .as_ref()
            .map(|c| c.id.as_str())
            .filter(|id| !id.is_empty())
    }

    /// The conversation without a thread suffix: the channel or chat itself.
    pub fn base_conversation_id(&self) -> Option<&str> {
        self.conversation_id().map(base_conversation)
    }

    /// `personal`, `groupChat` or `channel` (personal when Teams does not say).
    pub fn conversation_type(&self) -> &str {
        self.conversation
            .as_ref()
            .and_then(|c| c.conversation_type.as_deref())
            .unwrap_or("personal")
    }

    /// The sender's Azure AD object id, when Teams gives one.
    pub fn aad_object_id(&self) -> Option<&str> {
        self.from
            .as_ref()
            .and_then(|f| f.aad_object_id.as_deref())
            .filter(|id| !id.is_empty())
    }

    /// The time zone of the sender's client (`clientInfo.timezone`), if valid.
    pub fn timezone(&self) -> Option<Tz> {
        self.entities
            .iter()
            .filter(|e| e.get("type").and_then(Value::as_str) == Some("clientInfo"))
            .find_map(|e| e.get("timezone").and_then(Value::as_str))
            .and_then(|tz| tz.parse().ok())
    }

    /// The message text as a command: the bot's @mentions (found in `entities`) removed,
    /// remaining tags dropped, HTML entities decoded, whitespace collapsed.
    pub fn command_text(&self) -> String {
        let mut text = self.text.clone().unwrap_or_default();
        let bot_id = self.recipient.as_ref().map(|r| r.id.as_str());
        for entity in &self.entities {
            if entity.get("type").and_then(Value::as_str) != Some("mention") {
                continue;
            }
            let mentioned = entity
                .get("mentioned")
                .and_then(|m| m.get("id"))
                .and_then(Value::as_str);
            if mentioned.is_none() || mentioned != bot_id {
                continue;
            }
            if let Some(shown) = entity.get("text").and_then(Value::as_str) {
                if !shown.is_empty() {
                    text = text.replace(shown, " ");
                }
            }
        }
        let plain = decode_entities(&strip_tags(&text));
        plain.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// `19:abc@thread.tacv2;messageid=123` → `19:abc@thread.tacv2`.
pub fn base_conversation(id: &str) -> &str {
    id.split(";messageid=").next().unwrap_or(id)
}

/// Drops anything between `<` and `>` that looks like a tag (`<at>`, `<p>`, `<a href…>`).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match (is_tag, after.find('>')) {
            (true, Some(end)) => {
                out.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(text: &str, entities: Value) -> Activity {
        serde_json::from_value(json!({
            "type": "message",
            "id": "1",
            "serviceUrl": "https://smba.trafficmanager.net/amer/",
            "channelId": "msteams",
            "from": {"id": "29:u", "aadObjectId": "aad-1"},
            "recipient": {"id": "28:bot", "name": "Virbela"},
            "conversation": {"id": "19:c@thread.tacv2;messageid=1", "conversationType": "channel", "tenantId": "t1"},
            "text": text,
            "entities": entities,
        }))
        .unwrap()
    }

    #[test]
    fn the_bots_mention_is_removed_using_entities() {
        let a = message(
            "<at>Virbela</at> attendance Theater last 7 days",
            json!([{"type":"mention","mentioned":{"id":"28:bot","name":"Virbela"},"text":"<at>Virbela</at>"}]),
        );
        assert_eq!(a.command_text(), "attendance Theater last 7 days");
    }

    #[test]
    fn other_mentions_keep_their_names() {
        let a = message(
            "<at>Virbela</at> roles grant <at>Kim</at> admin",
            json!([
                {"type":"mention","mentioned":{"id":"28:bot"},"text":"<at>Virbela</at>"},
                {"type":"mention","mentioned":{"id":"29:kim"},"text":"<at>Kim</at>"}
            ]),
        );
        // Tags go, the other person's name stays as text.
        assert_eq!(a.command_text(), "roles grant Kim admin");
    }

    #[test]
    fn html_is_flattened_and_entities_decoded() {
        let a = message(
            "<p>invite <a href=\"mailto:kim@x.org\">kim@x.org</a>&nbsp;permission=member &amp; more</p>",
            json!([]),
        );
        assert_eq!(
            a.command_text(),
            "invite kim@x.org permission=member & more"
        );
        let b = message("users a<b", json!([]));
        assert_eq!(b.command_text(), "users a<b");
    }

    #[test]
    fn thread_suffix_and_tenant_and_zone() {
        let mut a = message(
            "help",
            json!([{"type":"clientInfo","timezone":"Europe/Paris"}]),
        );
        assert_eq!(a.base_conversation_id(), Some("19:c@thread.tacv2"));
        assert_eq!(a.tenant_id(), Some("t1"));
        assert_eq!(a.timezone(), Some(chrono_tz::Europe::Paris));
        a.channel_data = Some(ChannelData {
            tenant: Some(IdOnly {
                id: "t2".into(),
                extra: Map::new(),
            }),
            team: None,
            channel: None,
            event_type: None,
            extra: Map::new(),
        });
        assert_eq!(a.tenant_id(), Some("t2"));
    }

    #[test]
    fn unknown_fields_round_trip() {
        let raw = json!({
            "type": "message", "serviceUrl": "https://x/", "channelId": "msteams",
            "localTimestamp": "2026-11-28T10:00:00+01:00",
            "from": {"id": "29:u", "role": "user"},
            "channelData": {"tenant": {"id": "t"}, "settings": {"selectedChannel": {"id": "19:x"}}}
        });
        let a: Activity = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&a).unwrap(), raw);
    }
}
