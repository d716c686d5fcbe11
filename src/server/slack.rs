//! Slack in `serve`. One [`SlackState`] feeds both transports:
//!
//! - the HTTP routes from [`crate::slack::http`], mounted when the signing secret is set
//!   (without it every request would be unverifiable, so they are left out and a log line
//!   says why);
//! - Socket Mode ([`crate::slack::socket`]) when `SLACK_APP_TOKEN` is set: a task that
//!   connects out to Slack, stopped by `serve`'s stop flag. A token Slack refuses ends
//!   `serve` with the reason; everything else is retried by the client.
//!
//! Neither set: Slack is off (a warning says how to turn it on). Either way without
//! `SLACK_BOT_TOKEN`, the parts that need the Web API are off (a warning lists them).

use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::ServeError;
use crate::config::Config;
use crate::core::Bot;
use crate::slack::http::{self, SlackState};
use crate::slack::socket::{AppToken, SocketError, SocketMode};
use crate::store::Db;

/// What `serve` runs for Slack.
#[derive(Debug, Default)]
pub struct Slack {
    /// `/slack/commands`, `/slack/interactions`, `/slack/events`, when signed requests can
    /// be verified.
    pub routes: Option<Router>,
    /// The Socket Mode client, when `SLACK_APP_TOKEN` is set.
    pub socket: Option<SocketMode>,
}

/// The running Socket Mode client, if any.
pub type SocketTask = Option<JoinHandle<Result<(), SocketError>>>;

/// `SLACK_APP_TOKEN`, checked to be an app-level token (before anything starts).
pub fn app_token(config: &Config) -> Result<Option<AppToken>, ServeError> {
    Ok(config
        .slack
        .app_token
        .clone()
        .map(AppToken::new)
        .transpose()?)
}

/// The Slack routes and Socket Mode client `config` asks for (logged: which mode is on).
pub fn setup(
    config: &Config,
    app_token: Option<AppToken>,
    bot: &Bot,
    db: &Db,
) -> Result<Slack, ServeError> {
    let settings = &config.slack;
    let signed = settings.signing_secret.is_some();
    if !signed && app_token.is_none() {
        tracing::warn!(
            "Slack is disabled: neither SLACK_SIGNING_SECRET (HTTP mode: requests to /slack/* \
             are verified with it; Slack app → Basic Information → Signing Secret) nor \
             SLACK_APP_TOKEN (Socket Mode: an xapp-… app-level token with connections:write) \
             is set"
        );
        return Ok(Slack::default());
    }
    if settings.bot_token.is_none() {
        tracing::warn!(
            "SLACK_BOT_TOKEN is not set: slash commands work, but modals, approval cards, app \
             mentions and report files need it"
        );
    }
    let state = SlackState::unsigned(bot.clone(), db.clone(), settings)?;
    let routes = if signed {
        tracing::info!(
            mode = "http",
            "Slack HTTP endpoints: /slack/commands, /slack/interactions, /slack/events"
        );
        Some(http::router(state.clone()))
    } else {
        tracing::info!(
            "Slack HTTP endpoints not mounted: SLACK_SIGNING_SECRET is not set (Socket Mode only)"
        );
        None
    };
    let socket = match app_token {
        Some(token) => {
            tracing::info!(
                mode = "socket",
                "Slack Socket Mode on (SLACK_APP_TOKEN): connecting out to Slack, no public URL \
                 needed"
            );
            Some(SocketMode::new(state, token, &settings.api_url)?)
        }
        None => None,
    };
    Ok(Slack { routes, socket })
}

/// Registers the Slack sink for scheduled reports when `SLACK_BOT_TOKEN` is set (the
/// summary with `chat.postMessage`, the files in its thread).
pub fn register_report_sink(config: &Config, sinks: &crate::schedule::ReportSinks) {
    let Some(token) = config.slack.bot_token.as_ref() else {
        return;
    };
    match crate::slack::reports::SlackReportSink::new(&config.slack.api_url, token) {
        Ok(sink) => sinks.register("slack", std::sync::Arc::new(sink)),
        Err(e) => tracing::warn!(error = %e, "scheduled reports cannot be posted to Slack"),
    }
}

/// Starts the Socket Mode client, if any; it stops when `stop` turns true.
pub fn start_socket(socket: Option<SocketMode>, stop: watch::Receiver<bool>) -> SocketTask {
    socket.map(|socket| tokio::spawn(socket.run(stop)))
}

/// Resolves when the Socket Mode client gives up (a refused token), with the reason; never
/// without a client, or when it stops normally.
pub async fn socket_failed(task: &mut SocketTask) -> ServeError {
    let Some(handle) = task.as_mut() else {
        return std::future::pending().await;
    };
    let ended = handle.await;
    *task = None;
    match ended {
        Ok(Err(e)) => ServeError::SocketMode(e),
        Err(e) => ServeError::Setup(format!("the Slack Socket Mode client crashed: {e}")),
        Ok(Ok(())) => std::future::pending().await,
    }
}

/// Waits for the Socket Mode client to close its connections (it acknowledges the
/// envelopes in flight first), at most until `deadline`.
pub async fn stop_socket(task: SocketTask, deadline: Instant) {
    let Some(mut handle) = task else {
        return;
    };
    if tokio::time::timeout_at(deadline, &mut handle)
        .await
        .is_err()
    {
        tracing::warn!("Socket Mode did not close in time; cut off");
        handle.abort();
    }
}
