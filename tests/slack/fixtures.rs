//! Payloads shaped like Slack's documented ones, and the signed-request factory.

use secrecy::SecretString;
use serde_json::{Value, json};
use virbela_bot::slack::verify::sign;

pub const SIGNING_SECRET: &str = "test-signing-secret-0123456789";
pub const TEAM: &str = "T0TESTTEAM";
pub const CHANNEL: &str = "C0OPS";

/// A request as Slack would send it: body, content type and signature headers.
pub struct Signed {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
}

impl Signed {
    /// Signs `body` with the test secret at `timestamp`.
    pub fn new(body: impl Into<Vec<u8>>, content_type: &'static str, timestamp: i64) -> Signed {
        let body = body.into();
        let secret = SecretString::from(SIGNING_SECRET);
        let signature = sign(&secret, timestamp, &body);
        Signed {
            body,
            content_type,
            headers: vec![
                ("x-slack-request-timestamp", timestamp.to_string()),
                ("x-slack-signature", signature),
            ],
        }
    }

    pub fn form(body: String, timestamp: i64) -> Signed {
        Signed::new(body, "application/x-www-form-urlencoded", timestamp)
    }

    pub fn json(body: &Value, timestamp: i64) -> Signed {
        Signed::new(body.to_string(), "application/json", timestamp)
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Signed {
        self.headers.push((name, value.to_owned()));
        self
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

/// The form body of `/virbela {text}` typed by `user` in the ops channel.
pub fn slash_command(user: &str, text: &str, response_url: &str) -> String {
    form(&[
        ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
        ("team_id", TEAM),
        ("team_domain", "example"),
        ("enterprise_id", "E0001"),
        ("enterprise_name", "Globular Construct Inc"),
        ("channel_id", CHANNEL),
        ("channel_name", "campus-ops"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/virbela"),
        ("text", text),
        ("api_app_id", "A123456"),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
    ])
}

/// Slack's SSL check of the command URL.
pub fn ssl_check() -> String {
    form(&[("ssl_check", "1"), ("token", "gIkuvaNzQIHg97ATvDxqgjtO")])
}

/// A `block_actions` payload: `user` clicked the button `action_id` (value `value`) on a
/// message in the ops channel.
pub fn block_actions(user: &str, action_id: &str, value: &str, response_url: &str) -> String {
    let payload = json!({
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": TEAM},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": CHANNEL,
            "is_ephemeral": false
        },
        "trigger_id": "12466734323.1395872398.b1a1d7a5d3b5b6e0c2a6e4c6d7b9a1f2",
        "team": {"id": TEAM, "domain": "example"},
        "enterprise": null,
        "is_enterprise_install": false,
        "channel": {"id": CHANNEL, "name": "campus-ops"},
        "message": {
            "type": "message",
            "user": "U0BOT",
            "ts": "1700000000.000100",
            "bot_id": "B0BOT",
            "text": "Pending approval",
            "blocks": []
        },
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{
            "action_id": action_id,
            "block_id": "approval",
            "text": {"type": "plain_text", "text": "Approve", "emoji": true},
            "value": value,
            "style": "primary",
            "type": "button",
            "action_ts": "1700000001.000200"
        }]
    });
    form(&[("payload", &payload.to_string())])
}

/// A `view_submission` payload of a view this app did not open (no `private_metadata`),
/// which the app acknowledges and ignores. `tests/slack/modals.rs` submits real ones.
pub fn view_submission(user: &str) -> String {
    let payload = json!({
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "example"},
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": TEAM},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
        "view": {"id": "V0001", "type": "modal", "callback_id": "invite", "state": {"values": {}}}
    });
    form(&[("payload", &payload.to_string())])
}

pub fn url_verification(challenge: &str) -> Value {
    json!({
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": challenge,
        "type": "url_verification"
    })
}

/// An `event_callback` carrying an `app_mention` of the bot by `user`.
pub fn app_mention(event_id: &str, user: &str, text: &str, ts: &str) -> Value {
    json!({
        "token": "ZZZZZZWSxiZZZ2yIvs3peJ",
        "team_id": TEAM,
        "api_app_id": "A123456",
        "event": {
            "type": "app_mention",
            "user": user,
            "text": text,
            "ts": ts,
            "channel": CHANNEL,
            "event_ts": ts
        },
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_700_000_000,
        "authorizations": [{
            "enterprise_id": null,
            "team_id": TEAM,
            "user_id": "U0BOT",
            "is_bot": true,
            "is_enterprise_install": false
        }],
        "is_ext_shared_channel": false,
        "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0"
    })
}
