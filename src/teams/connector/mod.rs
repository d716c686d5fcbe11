//! The outbound Bot Framework connector: what the bot sends to Teams (send, reply, update,
//! delete, create a conversation) over `{serviceUrl}/v3/conversations/…`.
//!
//! - `token.rs`: the app token (client credentials), cached until 5 minutes before expiry,
//!   single-flight refresh, forced refresh once after a connector 401.
//! - `hosts.rs`: the token only goes to HTTPS Microsoft connector hosts (or configured extra
//!   hosts); anything else is [`ConnectorError::HostNotAllowed`] before any request.
//! - `throttle.rs`: per conversation 7/1 s, 8/2 s, 60/30 s, 1800/h and 50/s for the process;
//!   callers wait for a slot, they never fail for it.
//! - `retry.rs`: only 412, 429 (`Retry-After`), 502, 503, 504, at most 3 retries.
//! - `error.rs`: [`ConnectorError`] with the connector's `error.code`, message and
//!   `X-Correlating-OperationId`; [`ConnectorError::is_gone`] for dead conversations.
//! - `timer.rs`: the time source ([`TokioTimer`] by default, [`ManualTimer`] for tests).
//! - `client.rs`: one call end to end; `path.rs`: URLs with ids encoded as one segment.
//!
//! Nothing here logs or returns the app password or a token.

mod client;
mod error;
mod hosts;
mod path;
mod retry;
mod throttle;
mod timer;
mod token;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;
use url::Url;

use client::{Answer, Request, Verb};
pub use error::{ConnectorError, TokenError};
use hosts::HostPolicy;
use throttle::Throttle;
pub use timer::{ManualTimer, Sleep, Timer, TokioTimer};
use token::TokenSource;

/// Connect timeout of the connector's own HTTP client.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Whole-request timeout of the connector's own HTTP client.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// What the connector needs to know.
pub struct ConnectorSettings {
    pub app_id: String,
    pub app_password: SecretString,
    /// e.g. `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token` (tests: a fake)
    pub token_url: Url,
    /// Extra allowed serviceUrl hosts besides Microsoft's (tests: `"127.0.0.1"`); these
    /// may also be plain HTTP.
    pub extra_hosts: Vec<String>,
}

impl fmt::Debug for ConnectorSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectorSettings")
            .field("app_id", &self.app_id)
            .field("app_password", &"[redacted]")
            .field("token_url", &self.token_url.as_str())
            .field("extra_hosts", &self.extra_hosts)
            .finish()
    }
}

/// The outbound connector client. Cheap to clone: clones share the token cache, the
/// throttle and the connection pool.
#[derive(Clone, Debug)]
pub struct Connector {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    app_id: String,
    hosts: HostPolicy,
    tokens: TokenSource,
    throttle: Throttle,
    timer: Arc<dyn Timer>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("app_id", &self.app_id)
            .field("hosts", &self.hosts)
            .finish_non_exhaustive()
    }
}

/// The answer to a send or reply: the new activity's id (Teams sometimes sends none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub id: Option<String>,
}

/// The answer to a conversation creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The conversation id, e.g. `a:1qhNL…` for a 1:1 chat.
    pub id: String,
    /// The id of the first activity, when the parameters carried one.
    pub activity_id: Option<String>,
    pub service_url: Option<String>,
}

impl Connector {
    /// A connector with its own HTTP client (connect timeout 5 s, request timeout 20 s,
    /// no redirects) and the tokio clock.
    pub fn new(settings: ConnectorSettings) -> Connector {
        Connector::with_http(settings, default_http())
    }

    /// A connector over the given HTTP client (its timeouts apply) and the tokio clock.
    pub fn with_http(settings: ConnectorSettings, http: reqwest::Client) -> Connector {
        Connector::with_timer(settings, http, Arc::new(TokioTimer))
    }

    /// A connector whose throttle, back-off and token expiry read `timer` (tests pass a
    /// [`ManualTimer`]).
    pub fn with_timer(
        settings: ConnectorSettings,
        http: reqwest::Client,
        timer: Arc<dyn Timer>,
    ) -> Connector {
        let ConnectorSettings {
            app_id,
            app_password,
            token_url,
            extra_hosts,
        } = settings;
        Connector {
            inner: Arc::new(Inner {
                hosts: HostPolicy::new(&extra_hosts),
                tokens: TokenSource::new(
                    http.clone(),
                    token_url,
                    app_id.clone(),
                    app_password,
                    timer.clone(),
                ),
                throttle: Throttle::new(timer.clone()),
                http,
                app_id,
                timer,
            }),
        }
    }

    /// The bot's app id.
    pub fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    /// Whether the bot may send its token to this serviceUrl: HTTPS and a Microsoft
    /// connector host (`smba.trafficmanager.net`, `*.botframework.com`,
    /// `*.teams.microsoft.com`, `*.teams.microsoft.us`), or an extra host (HTTP or HTTPS).
    pub fn host_allowed(&self, service_url: &Url) -> bool {
        self.inner.hosts.allows(service_url)
    }

    /// `POST {serviceUrl}/v3/conversations/{conversationId}/activities`
    pub async fn send(
        &self,
        service_url: &Url,
        conversation_id: &str,
        activity: &Value,
    ) -> Result<Sent, ConnectorError> {
        let answer = self
            .execute(Request {
                verb: Verb::Post,
                service_url,
                segments: &["v3", "conversations", conversation_id, "activities"],
                lane: conversation_id,
                body: Some(activity),
            })
            .await?;
        Ok(sent(&answer))
    }

    /// `POST {serviceUrl}/v3/conversations/{conversationId}/activities/{replyToId}`
    pub async fn reply(
        &self,
        service_url: &Url,
        conversation_id: &str,
        reply_to_id: &str,
        activity: &Value,
    ) -> Result<Sent, ConnectorError> {
        let answer = self
            .execute(Request {
                verb: Verb::Post,
                service_url,
                segments: &[
                    "v3",
                    "conversations",
                    conversation_id,
                    "activities",
                    reply_to_id,
                ],
                lane: conversation_id,
                body: Some(activity),
            })
            .await?;
        Ok(sent(&answer))
    }

    /// `PUT {serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}` with
    /// the whole new activity.
    pub async fn update(
        &self,
        service_url: &Url,
        conversation_id: &str,
        activity_id: &str,
        activity: &Value,
    ) -> Result<(), ConnectorError> {
        self.execute(Request {
            verb: Verb::Put,
            service_url,
            segments: &[
                "v3",
                "conversations",
                conversation_id,
                "activities",
                activity_id,
            ],
            lane: conversation_id,
            body: Some(activity),
        })
        .await?;
        Ok(())
    }

    /// `DELETE {serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}`
    pub async fn delete(
        &self,
        service_url: &Url,
        conversation_id: &str,
        activity_id: &str,
    ) -> Result<(), ConnectorError> {
        self.execute(Request {
            verb: Verb::Delete,
            service_url,
            segments: &[
                "v3",
                "conversations",
                conversation_id,
                "activities",
                activity_id,
            ],
            lane: conversation_id,
            body: None,
        })
        .await?;
        Ok(())
    }

    /// `POST {serviceUrl}/v3/conversations` with the given `ConversationParameters`, e.g.
    /// `{"bot":{"id":"28:<appId>"},"members":[{"id":"29:…"}],"channelData":{"tenant":{"id":"…"}}}`.
    /// Creations share the per-conversation limits of their target (the channel, or the
    /// members).
    pub async fn create_conversation(
        &self,
        service_url: &Url,
        parameters: &Value,
    ) -> Result<Created, ConnectorError> {
        let lane = creation_lane(parameters);
        let answer = self
            .execute(Request {
                verb: Verb::Post,
                service_url,
                segments: &["v3", "conversations"],
                lane: &lane,
                body: Some(parameters),
            })
            .await?;
        let value: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let Some(id) = text("id").filter(|id| !id.is_empty()) else {
            return Err(ConnectorError::UnexpectedBody {
                method: "POST",
                path: answer.path,
                status: answer.status,
                excerpt: error::shorten(&String::from_utf8_lossy(&answer.body)),
            });
        };
        Ok(Created {
            id,
            activity_id: text("activityId"),
            service_url: text("serviceUrl"),
        })
    }
}

/// The `ResourceResponse` id; an empty or odd body still means the activity went out.
fn sent(answer: &Answer) -> Sent {
    let id = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
        .filter(|id| !id.is_empty());
    if id.is_none() {
        tracing::debug!(path = %answer.path, status = answer.status, "the Teams connector returned no activity id");
    }
    Sent { id }
}

/// The throttle lane of a creation: the channel of a new thread, else the members.
fn creation_lane(parameters: &Value) -> String {
    if let Some(channel) = parameters
        .pointer("/channelData/channel/id")
        .and_then(Value::as_str)
    {
        return channel.to_owned();
    }
    let members: Vec<&str> = parameters
        .get("members")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|m| m.get("id").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    format!("create:{}", members.join(","))
}

fn default_http() -> reqwest::Client {
    let built = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("virbela-bot/", env!("CARGO_PKG_VERSION")))
        .build();
    match built {
        Ok(http) => http,
        Err(err) => {
            tracing::warn!(error = %err, "could not build the connector's HTTP client; using the default one");
            reqwest::Client::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn creations_are_paced_by_their_target() {
        assert_eq!(
            creation_lane(
                &json!({"isGroup":true,"channelData":{"channel":{"id":"19:c@thread.tacv2"}}})
            ),
            "19:c@thread.tacv2"
        );
        assert_eq!(
            creation_lane(&json!({"bot":{"id":"28:b"},"members":[{"id":"29:u"}]})),
            "create:29:u"
        );
        assert_eq!(creation_lane(&json!({})), "create:");
    }

    #[test]
    fn debug_output_hides_the_password() {
        let settings = ConnectorSettings {
            app_id: "app".into(),
            app_password: SecretString::from("hunter2"),
            token_url: Url::parse("https://login.microsoftonline.com/t/oauth2/v2.0/token").unwrap(),
            extra_hosts: vec![],
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
        let connector = Connector::new(settings);
        let text = format!("{connector:?}");
        assert!(!text.contains("hunter2") && text.contains("app"), "{text}");
        assert!(
            connector.host_allowed(&Url::parse("https://smba.trafficmanager.net/amer/").unwrap())
        );
        assert!(!connector.host_allowed(&Url::parse("https://example.com/").unwrap()));
    }

    #[test]
    fn sent_reads_the_resource_id_leniently() {
        let answer = |body: &str| Answer {
            status: 201,
            body: body.as_bytes().to_vec(),
            path: "/p".into(),
        };
        assert_eq!(
            sent(&answer(r#"{"id":"1:abc"}"#)).id.as_deref(),
            Some("1:abc")
        );
        assert_eq!(sent(&answer("")).id, None);
        assert_eq!(sent(&answer(r#"{"id":""}"#)).id, None);
        assert_eq!(sent(&answer("<html/>")).id, None);
    }
}
