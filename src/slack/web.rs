//! [`SlackWeb`]: the Slack Web API calls the app makes with its bot token, through
//! slack-morphism's client with its rate control on (per-method tier limits, waits on
//! 429 `Retry-After`, a few retries). `SLACK_API_URL` points it elsewhere in tests.
//!
//! Only the calls the app needs are wrapped, each returning [`SlackApiError`] with the
//! method and Slack's error code: messages (`chat.postMessage`, `chat.update`,
//! `chat.postEphemeral`), modals (`views.open`, `views.update`), people (`users.info`,
//! `usergroups.users.list`). The files v2 upload flow is in [`crate::slack::files`].

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::{
    SlackApiChatPostEphemeralRequest, SlackApiChatPostMessageRequest, SlackApiChatUpdateRequest,
    SlackApiRateControlConfig, SlackApiToken, SlackApiTokenValue,
    SlackApiUserGroupsUsersListRequest, SlackApiUsersInfoRequest, SlackApiViewsOpenRequest,
    SlackApiViewsUpdateRequest, SlackChannelId, SlackClient, SlackClientHyperConnector,
    SlackClientHyperHttpsConnector, SlackTriggerId, SlackTs, SlackUserGroupId, SlackUserId,
    SlackView, SlackViewId,
};
use url::Url;

use super::blocks::SlackReplyMessage;
use super::error::SlackApiError;

/// Retries slack-morphism makes on a 429 before giving up.
const MAX_RETRIES: usize = 3;
/// Longest wait for a rate-limit slot before the call fails instead.
const MAX_DELAY: Duration = Duration::from_secs(20);

/// A posted message: where it is, to update it or answer in its thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub channel: String,
    pub ts: String,
}

/// An open modal: its id and the hash that guards `views.update` against races.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenView {
    pub id: String,
    pub hash: String,
}

/// The bot-token Web API client. Cheap to clone.
#[derive(Clone)]
pub struct SlackWeb {
    client: Arc<SlackClient<SlackClientHyperHttpsConnector>>,
    token: SlackApiToken,
}

impl std::fmt::Debug for SlackWeb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackWeb")
            .field("token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up the Slack Web API client: {0}")]
pub struct WebSetupError(String);

impl SlackWeb {
    /// A client for `api_url` (`https://slack.com/api/` in production) with `bot_token`.
    /// Plain `http` is accepted only when `api_url` itself is `http` (tests).
    pub fn new(api_url: &Url, bot_token: &SecretString) -> Result<SlackWeb, WebSetupError> {
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots();
        let https = if api_url.scheme() == "http" {
            builder.https_or_http().enable_http1().build()
        } else {
            builder.https_only().enable_http1().enable_http2().build()
        };
        let base = api_url.as_str().trim_end_matches('/');
        let connector: SlackClientHyperHttpsConnector =
            SlackClientHyperConnector::with_connector(https)
                .with_slack_api_url(base)
                .with_rate_control(
                    SlackApiRateControlConfig::new()
                        .with_max_retries(MAX_RETRIES)
                        .with_max_delay_timeout(MAX_DELAY),
                );
        if base.is_empty() {
            return Err(WebSetupError("SLACK_API_URL is empty".into()));
        }
        Ok(SlackWeb {
            client: Arc::new(SlackClient::new(connector)),
            token: SlackApiToken::new(SlackApiTokenValue(bot_token.expose_secret().to_owned())),
        })
    }

    /// Posts `message` in `channel` (a user id opens the app's DM with them), in the
    /// thread `thread_ts` if given.
    pub async fn post_message(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        message: &SlackReplyMessage,
    ) -> Result<Posted, SlackApiError> {
        const METHOD: &str = "chat.postMessage";
        let mut request = SlackApiChatPostMessageRequest::new(
            SlackChannelId(channel.into()),
            message.to_content(),
        );
        request.thread_ts = thread_ts.map(|ts| SlackTs(ts.into()));
        let session = self.client.open_session(&self.token);
        let answer = settled(METHOD, session.chat_post_message(&request).await)?;
        Ok(Posted {
            channel: answer.channel.0,
            ts: answer.ts.0,
        })
    }

    /// Replaces the message at `channel`/`ts` with `message`.
    pub async fn update_message(
        &self,
        channel: &str,
        ts: &str,
        message: &SlackReplyMessage,
    ) -> Result<(), SlackApiError> {
        const METHOD: &str = "chat.update";
        let request = SlackApiChatUpdateRequest::new(
            SlackChannelId(channel.into()),
            message.to_content(),
            SlackTs(ts.into()),
        );
        let session = self.client.open_session(&self.token);
        settled(METHOD, session.chat_update(&request).await)?;
        Ok(())
    }

    /// Shows `message` to `user` only, in `channel` (thread `thread_ts` if given).
    pub async fn post_ephemeral(
        &self,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        message: &SlackReplyMessage,
    ) -> Result<(), SlackApiError> {
        const METHOD: &str = "chat.postEphemeral";
        let mut request = SlackApiChatPostEphemeralRequest::new(
            SlackChannelId(channel.into()),
            SlackUserId(user.into()),
            message.to_content(),
        );
        request.thread_ts = thread_ts.map(|ts| SlackTs(ts.into()));
        let session = self.client.open_session(&self.token);
        settled(METHOD, session.chat_post_ephemeral(&request).await)?;
        Ok(())
    }

    /// Opens a modal with a `trigger_id` (valid 3 seconds after the click or command).
    pub async fn open_view(
        &self,
        trigger_id: &str,
        view: SlackView,
    ) -> Result<OpenView, SlackApiError> {
        const METHOD: &str = "views.open";
        let request = SlackApiViewsOpenRequest::new(SlackTriggerId(trigger_id.into()), view);
        let session = self.client.open_session(&self.token);
        let answer = settled(METHOD, session.views_open(&request).await)?;
        Ok(OpenView {
            id: answer.view.state_params.id.0,
            hash: answer.view.state_params.hash,
        })
    }

    /// Replaces an open modal; with `hash`, Slack refuses if the modal changed meanwhile.
    pub async fn update_view(
        &self,
        view_id: &str,
        hash: Option<&str>,
        view: SlackView,
    ) -> Result<OpenView, SlackApiError> {
        const METHOD: &str = "views.update";
        let mut request = SlackApiViewsUpdateRequest::new(view);
        request.view_id = Some(SlackViewId(view_id.into()));
        request.hash = hash.map(str::to_owned);
        let session = self.client.open_session(&self.token);
        let answer = settled(METHOD, session.views_update(&request).await)?;
        Ok(OpenView {
            id: answer.view.state_params.id.0,
            hash: answer.view.state_params.hash,
        })
    }

    /// The user's IANA time zone (`users.info`), when Slack knows it.
    pub async fn user_time_zone(&self, user: &str) -> Result<Option<String>, SlackApiError> {
        const METHOD: &str = "users.info";
        let request = SlackApiUsersInfoRequest::new(SlackUserId(user.into()));
        let session = self.client.open_session(&self.token);
        let answer = settled(METHOD, session.users_info(&request).await)?;
        Ok(answer.user.tz)
    }

    /// The members of a user group (`usergroups.users.list`).
    pub async fn user_group_members(&self, group: &str) -> Result<Vec<String>, SlackApiError> {
        const METHOD: &str = "usergroups.users.list";
        let request = SlackApiUserGroupsUsersListRequest::new(SlackUserGroupId(group.into()));
        let session = self.client.open_session(&self.token);
        let answer = settled(METHOD, session.usergroups_users_list(&request).await)?;
        Ok(answer.users.into_iter().map(|u| u.0).collect())
    }
}

/// A call's result as ours, counted in the platform metrics (one per call; the retries
/// slack-morphism makes on a 429 are inside it).
fn settled<T>(method: &str, result: Result<T, SlackClientError>) -> Result<T, SlackApiError> {
    crate::metrics::platform::slack(result.map_err(|e| mapped(method, e)))
}

/// slack-morphism's error as ours: Slack's error code kept, rate limits recognisable.
fn mapped(method: &str, error: SlackClientError) -> SlackApiError {
    match error {
        SlackClientError::ApiError(api) => SlackApiError::NotOk {
            method: method.to_owned(),
            error: api.code,
        },
        SlackClientError::RateLimitError(limit) => SlackApiError::RateLimited {
            method: method.to_owned(),
            retry_after: limit.retry_after,
        },
        other => SlackApiError::Unexpected {
            method: method.to_owned(),
            detail: other.to_string(),
        },
    }
}
