//! [`SlackState`]: what the Slack HTTP handlers share — the bot, the store (event
//! de-duplication), the signature verifier, the optional bot token, the Web API base,
//! one HTTP client for every outbound call, the `response_url` budgets and the clock.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::rendered::RenderedAnswers;
use super::respond::ResponseBudgets;
use crate::config::SlackSettings;
use crate::core::Bot;
use crate::slack::verify::SignatureVerifier;
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
    pub verifier: SignatureVerifier,
    pub bot_token: Option<SecretString>,
    pub api_url: Url,
    pub http: reqwest::Client,
    pub budgets: ResponseBudgets,
    pub rendered: RenderedAnswers,
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
    /// The signing secret is required; without a bot token, files are not uploaded and
    /// app mentions are not answered (both need the Web API).
    pub fn new(bot: Bot, db: Db, settings: &SlackSettings) -> Result<SlackState, SlackSetupError> {
        let secret = settings
            .signing_secret
            .clone()
            .ok_or(SlackSetupError::MissingSigningSecret)?;
        let http = reqwest::Client::builder()
            .timeout(OUTBOUND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(SlackSetupError::HttpClient)?;
        Ok(SlackState {
            inner: Arc::new(Inner {
                bot,
                db,
                verifier: SignatureVerifier::new(secret),
                bot_token: settings.bot_token.clone(),
                api_url: settings.api_url.clone(),
                http,
                budgets: ResponseBudgets::default(),
                rendered: RenderedAnswers::default(),
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
}
