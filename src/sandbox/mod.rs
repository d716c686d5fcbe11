//! The Virbela sandbox: an in-memory axum server that imitates Virbela's customer API
//! (users, member profiles, rooms, attendance, private volumes, waitlist events, and the
//! Product API's purchase) as the team's working reference (`virbela-api.md`, beside the
//! vendor's "Documentation For Customer APIs") settles it, on one listener. It owns:
//!
//! - the campus state (`state`), optionally filled with deterministic seed data (`seed`);
//! - the API routes (`api`) behind the credential check (`auth`), fault injection
//!   (`faults`) and the call log with its 1 MB body limit (`call_log`);
//! - the control API under `/_sandbox` (`control`) that tests and demos use to shape the
//!   campus, rotate credentials, inject faults and read the call log;
//! - the error and success envelopes (`errors`) and wire formats (`wire`).
//!
//! It is an independent implementation of the server side: it shares the domain parse
//! rules (`crate::virbela::domain`) with the client, never the client's wire types.

mod api;
mod auth;
mod call_log;
mod control;
mod control_client;
mod errors;
mod faults;
mod options;
mod seed;
mod state;
mod wire;

#[cfg(test)]
mod test_support;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use control_client::{ControlError, SandboxControl};
pub use options::SandboxOptions;

use state::{Campus, Credentials, Shared};

/// A sandbox campus. Cheap to clone: clones share the same state.
#[derive(Clone)]
pub struct Sandbox {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("client_name", &self.shared.campus().client_name)
            .finish_non_exhaustive()
    }
}

/// The start of the current UTC day.
fn start_of_today() -> DateTime<Utc> {
    Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now)
}

impl Sandbox {
    /// Builds the campus (generating seed data when `options.seed` is set: this takes a
    /// moment, so call it off the async runtime's worker threads when that matters).
    pub fn new(options: SandboxOptions) -> Sandbox {
        let rng = match options.seed {
            // A stream separate from the seed data's own.
            Some(n) => ChaCha8Rng::seed_from_u64(n ^ 0x5eed_5a4d_b0c5_u64),
            None => ChaCha8Rng::from_rng(&mut rand::rng()),
        };
        let mut campus = Campus::new(options.client_name, rng);
        if let Some(seed) = options.seed {
            seed::populate(
                &mut campus,
                seed,
                options.anchor.unwrap_or_else(start_of_today),
            );
        }
        let credentials = Credentials {
            client_id: options.client_id,
            client_secret: options.client_secret,
        };
        Sandbox {
            shared: Arc::new(Shared::new(campus, credentials)),
        }
    }

    /// The whole app: the customer API, the Product API and the `/_sandbox` control API.
    pub fn router(&self) -> Router {
        control::router(self.shared.clone()).fallback_service(api::router(self.shared.clone()))
    }
}

/// A sandbox serving on a local port; stops when shut down or dropped.
#[derive(Debug)]
pub struct RunningSandbox {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl RunningSandbox {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/` (trailing slash); the Product API is on the same base.
    /// An unspecified listen address (`0.0.0.0`, `::`) is reported as loopback.
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        format!("http://{addr}/")
    }

    /// Stops serving: no new connections; requests in flight finish.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.stop_now();
    }
}

async fn build(options: SandboxOptions) -> std::io::Result<Sandbox> {
    tokio::task::spawn_blocking(move || Sandbox::new(options))
        .await
        .map_err(std::io::Error::other)
}

async fn serve_router(
    router: Router,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "Virbela sandbox listening");
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds `listen` (port 0 picks a free port), builds the campus and serves it in a
/// tokio task until the returned handle is shut down or dropped.
pub async fn spawn(options: SandboxOptions, listen: SocketAddr) -> std::io::Result<RunningSandbox> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let router = build(options).await?.router();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        if let Err(e) = serve_router(router, listener, shutdown).await {
            tracing::error!(error = %e, "Virbela sandbox stopped with an error");
        }
    });
    Ok(RunningSandbox {
        addr,
        stop: Some(stop),
    })
}

/// Serves a sandbox on `listener` until `shutdown` completes.
pub async fn serve(
    options: SandboxOptions,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = build(options).await?.router();
    serve_router(router, listener, shutdown).await
}

#[cfg(test)]
mod tests;
