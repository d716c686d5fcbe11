//! Slack in Socket Mode: the bot connects out to Slack over a WebSocket (no public URL)
//! and runs the same handlers as HTTP mode ([`crate::slack::app`]) on each envelope,
//! acknowledging it as soon as the handler returns (handlers are fast; they spawn the
//! slow work themselves).
//!
//! - [`SocketMode`] (here): the supervisor. It calls `apps.connections.open`, keeps one
//!   live connection, opens a replacement when Slack sends `disconnect` (the old one keeps
//!   serving for `retire_after`, then closes: open before close), reconnects after errors
//!   with jittered exponential back-off, and stops cleanly on the stop flag.
//! - `token`: [`AppToken`], `SLACK_APP_TOKEN` checked to be an `xapp-…` token.
//! - `open`: `apps.connections.open`; a refused token is fatal ([`SocketError::Refused`]).
//! - `link`: one WebSocket connection: frames, acks, pings, dead-link detection, close.
//! - `frames`: the wire format (envelopes in, acks out); `dispatch`: envelope → handler →
//!   ack; `backoff`: the reconnect delay.
//!
//! **Why not slack-morphism's Socket Mode listener** (the crate is already used for the
//! Web API): its callbacks receive typed payloads (`SlackCommandEvent`,
//! `SlackInteractionEvent`…) that drop fields Slack sends, while the handlers here take
//! the raw fields exactly as HTTP mode has them; its reconnect policy is fixed (5 s
//! initial back-off, retries forever), so an `invalid_auth` token could not stop `serve`
//! with a clear error; and it connects with native roots only. The protocol is small, so
//! this module speaks it over tokio-tungstenite (the version slack-morphism already
//! brings in) with rustls and the webpki roots.
//!
//! **Reconnect policy.** `disconnect` (`warning`, `refresh_requested`, `link_disabled`):
//! a replacement at once. An error, a close or a dead link (no frame for `dead_after`
//! while pinging every `ping_every`): reconnect after `backoff_first` doubled per
//! consecutive failure up to `backoff_cap` (default 1 s → 30 s, with jitter; a 429's
//! `Retry-After` is honoured). Only a connection that worked for [`STABLE_AFTER`] after
//! its `hello` starts the delays over, so a link that Slack keeps dropping right after
//! `hello` is retried ever more slowly, not every second. A token Slack refuses
//! (`invalid_auth`, `not_allowed_token_type`, …) ends [`SocketMode::run`] with an error
//! instead: retrying could not help. Neither the token nor the WebSocket URL's query (a
//! one-use ticket) is ever logged.

mod backoff;
mod dispatch;
mod frames;
mod link;
mod open;
mod token;

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::slack::app::SlackState;
use backoff::Backoff;
use link::{Control, End, Event, Link};
use open::{OpenError, Opener};
pub use token::AppToken;

/// How long a connection must have worked (since its `hello`) for the back-off to start
/// over when it ends.
pub const STABLE_AFTER: Duration = Duration::from_secs(30);

/// Timings of the Socket Mode client; the defaults suit Slack, tests shorten them.
#[derive(Debug, Clone)]
pub struct SocketOptions {
    /// How often the bot pings Slack.
    pub ping_every: Duration,
    /// A connection with no frame at all (pongs included) for this long is dead.
    pub dead_after: Duration,
    /// The first reconnect delay after a failure; doubled per consecutive failure.
    pub backoff_first: Duration,
    /// The longest reconnect delay.
    pub backoff_cap: Duration,
    /// Limit for `apps.connections.open`, and again for the WebSocket handshake.
    pub connect_timeout: Duration,
    /// How long a connection Slack asked to replace keeps serving once its replacement
    /// is up (Slack's `warning` comes about 10 s before it closes the link).
    pub retire_after: Duration,
    /// How long handlers in flight may take to be acknowledged when a connection closes.
    pub drain_grace: Duration,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions {
            ping_every: Duration::from_secs(20),
            dead_after: Duration::from_secs(60),
            backoff_first: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(15),
            retire_after: Duration::from_secs(10),
            drain_grace: Duration::from_secs(5),
        }
    }
}

/// Why Socket Mode cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    #[error(
        "SLACK_APP_TOKEN must be an app-level token (xapp-…), but {looks_like}; generate one \
         under api.slack.com/apps → your app → Basic Information → App-Level Tokens, with the \
         connections:write scope"
    )]
    NotAnAppToken { looks_like: &'static str },
    #[error("Socket Mode cannot connect: Slack refused SLACK_APP_TOKEN ({code}): {hint}")]
    Refused { code: String, hint: &'static str },
    #[error("cannot build the HTTP client for apps.connections.open: {0}")]
    HttpClient(#[source] reqwest::Error),
    #[error("SLACK_API_URL cannot be used for apps.connections.open: {0}")]
    ApiUrl(#[source] url::ParseError),
}

/// Why one connection attempt failed.
#[derive(Debug, thiserror::Error)]
enum ConnectError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{0}")]
    WebSocket(String),
}

/// The Socket Mode client of one app.
#[derive(Debug)]
pub struct SocketMode {
    state: SlackState,
    opener: Opener,
    options: SocketOptions,
}

impl SocketMode {
    /// A client for the app whose app-level token is `token`; `api_url` is
    /// `SLACK_API_URL`. Nothing is contacted before [`SocketMode::run`].
    pub fn new(state: SlackState, token: AppToken, api_url: &Url) -> Result<Self, SocketError> {
        let options = SocketOptions::default();
        let http = http_client(&options)?;
        Ok(SocketMode {
            state,
            opener: Opener::new(http, api_url, token).map_err(SocketError::ApiUrl)?,
            options,
        })
    }

    /// Replaces the timings (tests).
    pub fn with_options(mut self, options: SocketOptions) -> Result<Self, SocketError> {
        self.opener = self.opener.with_http(http_client(&options)?);
        self.options = options;
        Ok(self)
    }

    /// Connects and serves until `stop` turns true (or its sender is dropped): `Ok`. Ends
    /// early with an error only when Slack refuses the token; every other failure is
    /// retried.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> Result<(), SocketError> {
        let (events_tx, mut events) = mpsc::unbounded_channel::<(u64, Event)>();
        let mut links: JoinSet<End> = JoinSet::new();
        // Task id → link id, and each link's control.
        let mut tasks: HashMap<tokio::task::Id, u64> = HashMap::new();
        let mut controls: HashMap<u64, watch::Sender<Control>> = HashMap::new();
        let mut current: Option<u64> = None;
        // When each live link said hello.
        let mut hellos: HashMap<u64, Instant> = HashMap::new();
        let mut replace = false;
        let mut backoff = Backoff::new(self.options.backoff_first, self.options.backoff_cap);
        let mut connect_at = Instant::now();
        let mut next_id = 0u64;

        let result = loop {
            if current.is_none() || replace {
                let attempt = tokio::select! {
                    () = stopped(&mut stop) => break Ok(()),
                    attempt = async {
                        tokio::time::sleep_until(connect_at).await;
                        self.connect().await
                    } => attempt,
                };
                match attempt {
                    Ok(ws) => {
                        next_id += 1;
                        let id = next_id;
                        let (control, control_rx) = watch::channel(Control::Serve);
                        let link = Link {
                            id,
                            state: self.state.clone(),
                            options: self.options.clone(),
                            events: events_tx.clone(),
                            control: control_rx,
                        };
                        let task = links.spawn(link.run(ws));
                        tasks.insert(task.id(), id);
                        controls.insert(id, control);
                        if let Some(old) = current.replace(id) {
                            tracing::info!(
                                link = id,
                                old_link = old,
                                "replacement Socket Mode connection up; the old one closes in {:?}",
                                self.options.retire_after
                            );
                            if let Some(control) = controls.get(&old) {
                                control.send_replace(Control::Retire);
                            }
                        }
                        replace = false;
                    }
                    Err(ConnectError::Open(OpenError::Refused { code, hint })) => {
                        break Err(SocketError::Refused { code, hint });
                    }
                    Err(e) => {
                        let retry_after = match &e {
                            ConnectError::Open(OpenError::Passing { retry_after, .. }) => {
                                retry_after.unwrap_or_default()
                            }
                            _ => Duration::ZERO,
                        };
                        let delay = backoff.next_delay().max(retry_after);
                        tracing::warn!(
                            error = %e,
                            retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "cannot connect to Slack in Socket Mode; retrying"
                        );
                        connect_at = Instant::now() + delay;
                        continue;
                    }
                }
            }

            tokio::select! {
                () = stopped(&mut stop) => break Ok(()),
                Some((id, event)) = events.recv() => match event {
                    Event::Hello if controls.contains_key(&id) => {
                        hellos.insert(id, Instant::now());
                    }
                    Event::Disconnect(_) if current == Some(id) => {
                        replace = true;
                        connect_at = Instant::now();
                    }
                    _ => {}
                },
                Some(joined) = links.join_next_with_id() => {
                    let (task, end) = match joined {
                        Ok((task, end)) => (task, end),
                        Err(e) => {
                            let end = End::Failed(format!("the connection task failed: {e}"));
                            (e.id(), end)
                        }
                    };
                    let Some(id) = tasks.remove(&task) else { continue };
                    controls.remove(&id);
                    let worked = hellos
                        .remove(&id)
                        .is_some_and(|at| at.elapsed() >= STABLE_AFTER);
                    if current == Some(id) {
                        current = None;
                        if worked {
                            backoff.reset();
                        }
                        let delay = backoff.next_delay();
                        connect_at = Instant::now() + delay;
                        tracing::warn!(
                            link = id,
                            why = %end,
                            retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "Socket Mode connection lost; reconnecting"
                        );
                    } else {
                        tracing::debug!(link = id, why = %end, "old Socket Mode connection ended");
                    }
                }
            }
        };

        // Close every link (handlers in flight are acknowledged first), within bounds.
        for control in controls.values() {
            control.send_replace(Control::Stop);
        }
        let limit = self.options.drain_grace + Duration::from_secs(3);
        let closing = async { while links.join_next().await.is_some() {} };
        if tokio::time::timeout(limit, closing).await.is_err() {
            tracing::warn!("Socket Mode connections did not close in time; cut off");
            links.abort_all();
        }
        match &result {
            Ok(()) => tracing::info!("Socket Mode stopped"),
            Err(e) => tracing::error!(error = %e, "Socket Mode gave up"),
        }
        result
    }

    /// `apps.connections.open`, then the WebSocket handshake.
    async fn connect(&self) -> Result<link::Ws, ConnectError> {
        let url = self.opener.open().await?;
        let shown = open::redacted(&url);
        let ws = link::connect(&url, self.options.connect_timeout)
            .await
            .map_err(ConnectError::WebSocket)?;
        tracing::info!(url = %shown, "Socket Mode WebSocket connected");
        Ok(ws)
    }
}

fn http_client(options: &SocketOptions) -> Result<reqwest::Client, SocketError> {
    reqwest::Client::builder()
        .timeout(options.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(SocketError::HttpClient)
}

/// Resolves once `stop` is true or its sender is gone.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}
