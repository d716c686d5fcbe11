//! Liveness and readiness: `GET /healthz` answers 200 `ok` whenever the process serves
//! HTTP (it never touches the store); `GET /readyz` answers 200 `ready` when the store
//! answers and every migration is applied ([`Db::ready`]), and 503 with the reason
//! otherwise or once shutdown has begun.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::store::Db;

/// How long `/readyz` waits for the store before calling it unreachable (probes
/// usually time out after a few seconds themselves).
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// What readiness depends on: the store, and whether shutdown has begun. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Health {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: Db,
    shutting_down: AtomicBool,
}

impl Health {
    pub fn new(db: Db) -> Health {
        Health {
            inner: Arc::new(Inner {
                db,
                shutting_down: AtomicBool::new(false),
            }),
        }
    }

    /// From now on `/readyz` answers 503: load balancers stop sending new work.
    pub fn begin_shutdown(&self) {
        self.inner.shutting_down.store(true, Ordering::SeqCst);
    }

    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutting_down.load(Ordering::SeqCst)
    }

    /// `Ok` when ready, else why not (in words fit for a probe's log).
    pub async fn readiness(&self) -> Result<(), String> {
        if self.is_shutting_down() {
            return Err("shutting down".to_string());
        }
        match tokio::time::timeout(READY_TIMEOUT, self.inner.db.ready()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!(
                "the store did not answer within {} s",
                READY_TIMEOUT.as_secs()
            )),
        }
    }
}

/// `/healthz` and `/readyz`.
pub fn router(health: Health) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(health)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(health): State<Health>) -> (StatusCode, String) {
    match health.readiness().await {
        Ok(()) => (StatusCode::OK, "ready".to_string()),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {reason}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;
    use crate::config::DatabaseUrl;

    async fn sqlite(dir: &tempfile::TempDir, migrate: bool) -> Db {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let url = DatabaseUrl::parse(&url).expect("url");
        let db = Db::connect(&url).await.expect("connect");
        if migrate {
            db.migrate().await.expect("migrate");
        }
        db
    }

    async fn get(health: &Health, path: &str) -> (StatusCode, String) {
        let request = Request::get(path).body(Body::empty()).expect("request");
        let response = router(health.clone())
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let body = to_bytes(response.into_body(), 1 << 16).await.expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn ready_when_migrated_and_not_after_shutdown_begins() {
        let dir = tempfile::tempdir().expect("dir");
        let health = Health::new(sqlite(&dir, true).await);
        assert_eq!(
            get(&health, "/healthz").await,
            (StatusCode::OK, "ok".into())
        );
        assert_eq!(
            get(&health, "/readyz").await,
            (StatusCode::OK, "ready".into())
        );
        health.begin_shutdown();
        let (status, body) = get(&health, "/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("shutting down"), "{body}");
        assert_eq!(get(&health, "/healthz").await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn not_ready_without_migrations_says_so() {
        let dir = tempfile::tempdir().expect("dir");
        let health = Health::new(sqlite(&dir, false).await);
        let (status, body) = get(&health, "/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("virbela-bot migrate"), "{body}");
    }

    #[tokio::test]
    async fn not_ready_when_the_store_is_closed_but_still_alive() {
        let dir = tempfile::tempdir().expect("dir");
        let db = sqlite(&dir, true).await;
        let health = Health::new(db.clone());
        db.close().await;
        assert_eq!(
            get(&health, "/readyz").await.0,
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            get(&health, "/healthz").await,
            (StatusCode::OK, "ok".into())
        );
    }
}
