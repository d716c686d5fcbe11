//! `GET /metrics`: the process registry, then the families read from the store at scrape
//! time (`approvals{state}` and `store_up`), in the OpenMetrics text format.
//!
//! The store read is one `group by state` query bounded by [`STORE_TIMEOUT`]: a slow or
//! unreachable store does not hang the scrape; the approvals family is then left out
//! and `store_up` is 0.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::labels::StateLabels;
use super::registry::PREFIX;
use crate::approvals::ApprovalState;
use crate::store::{Db, StoreError, approval_requests};

/// The OpenMetrics text exposition's content type.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Longest the scrape waits for the store.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(1);

/// The route serving `GET /metrics`, reading approvals from `db`.
pub fn router(db: Db) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(db)
}

async fn scrape(State(db): State<Db>) -> Response {
    let approvals = match tokio::time::timeout(STORE_TIMEOUT, approvals_by_state(&db)).await {
        Ok(Ok(counts)) => Some(counts),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "metrics: the approvals count failed; store_up 0");
            None
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = STORE_TIMEOUT.as_millis() as u64,
                "metrics: the store did not answer in time; store_up 0"
            );
            None
        }
    };
    match super::global().encode_with(approvals.as_deref()) {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "metrics could not be encoded",
        )
            .into_response(),
    }
}

/// Requests per state, from one read transaction.
async fn approvals_by_state(db: &Db) -> Result<Vec<(ApprovalState, i64)>, StoreError> {
    let mut tx = db.begin_read().await?;
    let counts = approval_requests::count_by_state(&mut tx).await?;
    tx.commit().await?;
    Ok(counts)
}

/// The scrape-time families: `approvals{state}` (every state, 0 when none) when the
/// store answered, and `store_up`.
pub(crate) fn store_registry(approvals: Option<&[(ApprovalState, i64)]>) -> Registry {
    let mut registry = Registry::with_prefix(PREFIX);
    let up = Gauge::<i64>::default();
    if let Some(counts) = approvals {
        up.set(1);
        let family = Family::<StateLabels, Gauge>::default();
        for state in ApprovalState::ALL {
            let count = counts
                .iter()
                .filter(|(s, _)| *s == state)
                .map(|(_, n)| *n)
                .sum();
            family
                .get_or_create(&StateLabels {
                    state: state.as_str(),
                })
                .set(count);
        }
        registry.register("approvals", "Approval requests by state", family);
    }
    registry.register(
        "store_up",
        "1 when the store answered this scrape's query in time, else 0",
        up,
    );
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_is_exposed_when_the_store_answers() {
        let text = super::super::Metrics::new()
            .encode_with(Some(&[
                (ApprovalState::Pending, 3),
                (ApprovalState::Succeeded, 7),
            ]))
            .expect("encodes");
        for line in [
            r#"virbela_bot_approvals{state="pending"} 3"#,
            r#"virbela_bot_approvals{state="succeeded"} 7"#,
            r#"virbela_bot_approvals{state="interrupted"} 0"#,
            "virbela_bot_store_up 1",
            r#"virbela_bot_build_info{version=""#,
        ] {
            assert!(text.contains(line), "missing {line}:\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert_eq!(text.matches("# EOF").count(), 1);
    }

    #[test]
    fn a_store_that_did_not_answer_leaves_approvals_out() {
        let text = super::super::Metrics::new()
            .encode_with(None)
            .expect("encodes");
        assert!(text.contains("virbela_bot_store_up 0"), "{text}");
        assert!(!text.contains("virbela_bot_approvals"), "{text}");
    }

    #[tokio::test]
    async fn the_route_answers_openmetrics_with_the_store_counts() {
        use tower::ServiceExt;
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
        let url = crate::config::DatabaseUrl::parse(&url).expect("url");
        let db = Db::open(&url).await.expect("store");
        let request = axum::http::Request::builder()
            .uri("/metrics")
            .body(axum::body::Body::empty())
            .expect("request");
        let response = router(db).oneshot(request).await.expect("answer");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.as_bytes()),
            Some(CONTENT_TYPE.as_bytes())
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("virbela_bot_store_up 1"), "{text}");
        assert!(
            text.contains(r#"virbela_bot_approvals{state="pending"} 0"#),
            "{text}"
        );
    }
}
