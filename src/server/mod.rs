//! `virbela-bot serve`: the long-running HTTP server.
//!
//! It builds the bot from the configuration (the store opened and migrated), runs the
//! start-up recovery of interrupted executions once, then serves on `LISTEN_ADDR`:
//!
//! - `GET /healthz` and `GET /readyz` ([`health`]), `GET /metrics` ([`crate::metrics`]);
//! - the Slack endpoints (`/slack/commands`, `/slack/interactions`, `/slack/events`) when
//!   `SLACK_SIGNING_SECRET` is set ([`slack`]);
//! - Slack Socket Mode when `SLACK_APP_TOKEN` is set ([`slack`], [`crate::slack::socket`]):
//!   the same handlers fed over an outbound WebSocket, stopped with the rest;
//! - Microsoft Teams (`/api/messages`, approval cards, report files at `/files/{id}`)
//!   when `TEAMS_APP_ID` is set ([`teams`]);
//!
//! with one debug log line per request ([`access_log`]) and the periodic sweeper in the
//! background ([`sweeper`]). On SIGINT/SIGTERM readiness turns 503, the listener stops
//! accepting, and within one bound of [`SHUTDOWN_GRACE`]: requests in flight finish, the
//! sweeper stops after its current sweep, Socket Mode acknowledges what is in flight and
//! closes, background work started by answered requests ([`crate::core::Background`])
//! finishes, the scheduler ends its tick and releases runs it could not finish, and the
//! store is closed. A Socket Mode token Slack refuses stops `serve` the same way,
//! with the reason.

pub mod access_log;
pub mod health;
pub mod slack;
pub mod sweeper;
pub mod teams;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::{Config, ConfigError};
use health::Health;

/// How long requests in flight (and a sweep in progress) may take to finish once
/// shutdown has begun; whatever is still running then is cut off.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(25);

/// Why `serve` could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    SocketMode(#[from] crate::slack::socket::SocketError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The bot could not be built (credentials, policy, store…), in the setup's words.
    #[error("{0}")]
    Setup(String),
    #[error("cannot set up the Slack endpoints: {0}")]
    Slack(#[from] crate::slack::http::SlackSetupError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the HTTP server stopped: {0}")]
    Serve(std::io::Error),
}

/// The `serve` command: configuration from the environment (and `--config`), logging as
/// configured, serving until SIGINT/SIGTERM.
pub async fn main(config_file: Option<&Path>) -> Result<ExitCode, String> {
    let config = Config::load(config_file).map_err(|e| e.to_string())?;
    crate::telemetry::init(config.log_format);
    serve(&config, crate::cli::shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// Starts everything `config` describes and serves until `shutdown` completes, then
/// shuts down gracefully.
pub async fn serve(
    config: &Config,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    config.require_shared_store()?;
    let app_token = slack::app_token(config)?;
    let bot = crate::console::bot_from_config(config)
        .await
        .map_err(ServeError::Setup)?;
    let approvals = bot.approvals().clone();
    let db = approvals.db().clone();
    // Where scheduled reports go (adapters register), and Teams (refused before anything
    // listens when its settings are incomplete).
    let report_sinks = crate::schedule::ReportSinks::default();
    let teams_routes = teams::setup(config, &bot, &db, &report_sinks)?;
    let listener = TcpListener::bind(config.listen_addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen_addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;

    sweeper::recover_at_start(&approvals).await;
    let (stop, stopped) = watch::channel(false);
    let sweeper = tokio::spawn(sweeper::run(
        bot.clone(),
        sweeper::SWEEP_EVERY,
        stopped.clone(),
    ));

    let health = Health::new(db.clone());
    let mut app = health::router(health.clone());
    app = app.merge(crate::metrics::router(db.clone()));
    let slack = slack::setup(config, app_token, &bot, &db)?;
    if let Some(routes) = slack.routes {
        app = app.merge(routes);
    }
    let mut socket = slack::start_socket(slack.socket, stopped.clone());

    if let Some(routes) = teams_routes {
        app = app.merge(routes);
    }

    // Scheduled reports: one runner per process; replicas share the store and claim each
    // due run once.
    slack::register_report_sink(config, &report_sinks);
    let runner_id = crate::schedule::Runner::process_id();
    let scheduler = tokio::spawn(
        crate::schedule::Runner::new(
            bot.clone(),
            db.clone(),
            report_sinks,
            crate::approvals::Clock::system(),
            runner_id.clone(),
            crate::schedule::RunnerSettings::default(),
        )
        .run(stopped.clone()),
    );
    let app: Router = app.layer(axum::middleware::from_fn(access_log::log_request));
    let app = app.layer(axum::middleware::from_fn(crate::metrics::track_http));

    let mut drained = stopped;
    let mut server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = drained.wait_for(|stop| *stop).await;
            })
            .await
    });
    tracing::info!(%addr, store = ?db.kind(), "serving");

    let mut socket_failure = None;
    let early_end = tokio::select! {
        () = shutdown => None,
        ended = &mut server => Some(ended),
        failure = slack::socket_failed(&mut socket) => {
            socket_failure = Some(failure);
            None
        }
    };
    health.begin_shutdown();
    stop.send_replace(true);
    // One bound for the whole shutdown.
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    let result = match early_end {
        Some(ended) => flatten(ended),
        None => {
            tracing::info!(
                grace_secs = SHUTDOWN_GRACE.as_secs(),
                background = bot.background().running(),
                "shutting down: readiness is 503, no new connections, requests and background work in flight finishing"
            );
            drain(server, sweeper, deadline).await
        }
    };
    slack::stop_socket(socket, deadline).await;
    // Work started by requests already answered (command results, votes, card updates).
    if !bot.background().drain(deadline).await {
        tracing::warn!(
            cut_off = bot.background().running(),
            "background work still running when the shutdown bound ran out was cut off"
        );
    }
    stop_scheduler(scheduler, deadline).await;
    release_scheduler_claims(&db, &runner_id).await;
    let result = match socket_failure {
        Some(failure) => Err(failure),
        None => result,
    };
    if tokio::time::timeout(Duration::from_secs(5), db.close())
        .await
        .is_err()
    {
        tracing::warn!("the store pool did not close within 5 s");
    }
    tracing::info!("stopped");
    result
}

/// Gives up the leases of runs this process claimed and did not finish (a tick cut off),
/// so another replica takes them over at once rather than when the lease runs out.
async fn release_scheduler_claims(db: &crate::store::Db, runner_id: &str) {
    let released = async {
        let mut tx = db.begin().await?;
        let n =
            crate::store::schedules::release_runs(&mut tx, runner_id, crate::store::now()).await?;
        tx.commit().await?;
        Ok::<u64, crate::store::StoreError>(n)
    }
    .await;
    match released {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            runs = n,
            "scheduled runs cut off by the shutdown released for another runner"
        ),
        Err(e) => {
            tracing::warn!(error = %e, "could not release this runner's scheduled runs; they are taken over when their lease ends")
        }
    }
}

/// Lets the scheduled-report runner finish its current tick until `deadline`; a run cut
/// off is released ([`release_scheduler_claims`]).
async fn stop_scheduler(mut scheduler: tokio::task::JoinHandle<()>, deadline: Instant) {
    if tokio::time::timeout_at(deadline, &mut scheduler)
        .await
        .is_err()
    {
        tracing::warn!("the scheduled-report runner did not stop in time; cut off");
        scheduler.abort();
    }
}

/// Waits for the server (in-flight requests) and the sweeper until `deadline`, cutting
/// off whatever is still running then.
async fn drain(
    mut server: tokio::task::JoinHandle<std::io::Result<()>>,
    mut sweeper: tokio::task::JoinHandle<()>,
    deadline: Instant,
) -> Result<(), ServeError> {
    let result = match tokio::time::timeout_at(deadline, &mut server).await {
        Ok(ended) => flatten(ended),
        Err(_) => {
            tracing::warn!(
                "requests still in flight after {} s of shutdown were cut off",
                SHUTDOWN_GRACE.as_secs()
            );
            server.abort();
            Ok(())
        }
    };
    if tokio::time::timeout_at(deadline, &mut sweeper)
        .await
        .is_err()
    {
        tracing::warn!("the sweep in progress was cut off by the shutdown deadline");
        sweeper.abort();
    }
    result
}

fn flatten(ended: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), ServeError> {
    match ended {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(ServeError::Serve(e)),
        Err(e) => Err(ServeError::Serve(std::io::Error::other(e))),
    }
}
