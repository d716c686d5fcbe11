//! [`SlackState`]: what the Slack handlers share — the bot, the store (event
//! de-duplication), the signature verifier (HTTP mode), the optional bot token and its
//! Web API client, one HTTP client for `response_url` posts and uploads, the
//! `response_url` budgets and the clock.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::people::People;
use super::rendered::RenderedAnswers;
use super::respond::ResponseBudgets;
use crate::config::SlackSettings;
use crate::core::Bot;
use crate::slack::cards::SlackCards;
use crate::slack::verify::{SignatureError, SignatureVerifier};
use crate::slack::web::{SlackWeb, WebSetupError};
use crate::store::Db;

/// Timeout of each outbound call (response_url, chat.postMessage, file uploads).
const OUTBOUND_TIMEOUT: Duration = Duration::from_secs(30);

/// Returns the current unix time in seconds.
pub type UnixClock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Why the Slack endpoints cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum SlackSetupError {
    #[error("SLACK_SIGNING_SECRET is not set: the Slack endpoints refuse to run unsigned")]
    MissingSigningSecret,
    #[error("cannot build the HTTP client for Slack: {0}")]
    HttpClient(#[source] reqwest::Error),
    #[error(transparent)]
    WebApi(#[from] WebSetupError),
}

/// Shared by the Slack handlers. Cheap to clone.
#[derive(Clone)]
pub struct SlackState {
    pub(super) inner: Arc<Inner>,
    pub(super) clock: UnixClock,
}

pub(super) struct Inner {
    pub bot: Bot,
    pub db: Db,
    /// `None` in Socket Mode without a signing secret: HTTP requests are then refused.
    pub verifier: Option<SignatureVerifier>,
    pub bot_token: Option<SecretString>,
    /// The Web API with the bot token; `None` without `SLACK_BOT_TOKEN`.
    pub web: Option<SlackWeb>,
    pub api_url: Url,
    pub http: reqwest::Client,
    pub budgets: ResponseBudgets,
    pub rendered: RenderedAnswers,
    pub people: People,
}

impl std::fmt::Debug for SlackState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackState")
            .field("api_url", &self.inner.api_url.as_str())
            .field(
                "bot_token",
                &self.inner.bot_token.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl SlackState {
    /// For HTTP mode: the signing secret is required. Without a bot token, files are not
    /// uploaded, modals do not open, approval cards are not posted and app mentions are
    /// not answered (all need the Web API).
    pub fn new(bot: Bot, db: Db, settings: &SlackSettings) -> Result<SlackState, SlackSetupError> {
        if settings.signing_secret.is_none() {
            return Err(SlackSetupError::MissingSigningSecret);
        }
        Self::unsigned(bot, db, settings)
    }

    /// For Socket Mode, where requests come over the app's own WebSocket: the signing
    /// secret is optional (HTTP requests are refused without it).
    pub fn unsigned(
        bot: Bot,
        db: Db,
        settings: &SlackSettings,
    ) -> Result<SlackState, SlackSetupError> {
        let http = reqwest::Client::builder()
            .timeout(OUTBOUND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(SlackSetupError::HttpClient)?;
        let web = match settings.bot_token.as_ref() {
            Some(token) => Some(SlackWeb::new(&settings.api_url, token)?),
            None => None,
        };
        match (&web, &settings.approvals_channel) {
            (Some(web), Some(channel)) => {
                bot.add_notifier(Arc::new(SlackCards::new(web.clone(), channel.clone())))
            }
            (None, Some(_)) => tracing::warn!(
                "SLACK_APPROVALS_CHANNEL is set but SLACK_BOT_TOKEN is not: approval cards cannot be posted"
            ),
            (_, None) => tracing::warn!(
                "SLACK_APPROVALS_CHANNEL is not set: approval requests get no card in Slack; approvers use `/virbela approvals pending`"
            ),
        }
        Ok(SlackState {
            inner: Arc::new(Inner {
                bot,
                db,
                verifier: settings.signing_secret.clone().map(SignatureVerifier::new),
                web,
                bot_token: settings.bot_token.clone(),
                api_url: settings.api_url.clone(),
                http,
                budgets: ResponseBudgets::default(),
                rendered: RenderedAnswers::default(),
                people: People::default(),
            }),
            clock: Arc::new(|| chrono::Utc::now().timestamp()),
        })
    }

    /// Replaces the clock the signature window is checked against (tests).
    pub fn with_clock(mut self, now: UnixClock) -> Self {
        self.clock = now;
        self
    }

    pub(super) fn now_unix(&self) -> i64 {
        (self.clock)()
    }

    /// Checks an HTTP request's signature over its raw body.
    pub(crate) fn verify(
        &self,
        headers: &axum::http::HeaderMap,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        match &self.inner.verifier {
            Some(verifier) => verifier.verify(headers, body, self.now_unix()),
            None => Err(SignatureError::NoSecret),
        }
    }

    /// The bot.
    pub fn bot(&self) -> &Bot {
        &self.inner.bot
    }

    /// The Web API client, when the bot token is set.
    pub fn web(&self) -> Option<&SlackWeb> {
        self.inner.web.as_ref()
    }
}
