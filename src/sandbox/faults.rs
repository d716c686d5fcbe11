//! Fault injection (`POST/GET/DELETE /_sandbox/faults`): latency, error statuses (JSON
//! envelope or an HTML gateway page), `Retry-After`, a path prefix, and a `count` that
//! makes "fail the next N calls" deterministic. Applies to API routes only.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::errors::ApiError;
use super::state::Shared;

/// The body of `POST /_sandbox/faults` (all optional).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultRequest {
    pub latency_ms: Option<u64>,
    pub error_rate: Option<f64>,
    pub status: Option<u16>,
    pub retry_after: Option<u64>,
    pub html_body: Option<bool>,
    pub path_prefix: Option<String>,
    pub count: Option<u64>,
}

/// The active fault plan, as `GET /_sandbox/faults` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FaultPlan {
    pub latency_ms: u64,
    pub error_rate: f64,
    pub status: u16,
    pub retry_after: Option<u64>,
    pub html_body: bool,
    pub path_prefix: String,
    /// Errors still to inject; `None` = unlimited.
    pub remaining: Option<u64>,
}

impl FaultPlan {
    /// Validates a request into a plan. `errorRate` defaults to 1 when `status` or
    /// `count` is given (else 0); `status` defaults to 500; the prefix to every API route.
    pub fn from_request(r: FaultRequest) -> Result<FaultPlan, ApiError> {
        let status = r.status.unwrap_or(500);
        if !(400..=599).contains(&status) {
            return Err(ApiError::bad_request(format!(
                "`status` must be an HTTP error status between 400 and 599; got {status}."
            )));
        }
        let implied = if r.status.is_some() || r.count.is_some() {
            1.0
        } else {
            0.0
        };
        let error_rate = r.error_rate.unwrap_or(implied);
        if !(0.0..=1.0).contains(&error_rate) {
            return Err(ApiError::bad_request(format!(
                "`errorRate` must be between 0 and 1; got {error_rate}."
            )));
        }
        let path_prefix = r.path_prefix.unwrap_or_else(|| "/".to_string());
        if !path_prefix.starts_with('/') {
            return Err(ApiError::bad_request(format!(
                "`pathPrefix` must start with '/'; got \"{path_prefix}\"."
            )));
        }
        Ok(FaultPlan {
            latency_ms: r.latency_ms.unwrap_or(0),
            error_rate,
            status,
            retry_after: r.retry_after,
            html_body: r.html_body.unwrap_or(false),
            path_prefix,
            remaining: r.count,
        })
    }
}

struct Decision {
    latency: Duration,
    error: Option<(StatusCode, bool, Option<u64>)>,
}

fn decide(shared: &Shared, path: &str) -> Option<Decision> {
    let mut guard = shared.faults();
    let plan = guard
        .as_mut()
        .filter(|p| path.starts_with(&p.path_prefix))?;
    let mut error = None;
    if plan.remaining != Some(0)
        && plan.error_rate > 0.0
        && rand::rng().random::<f64>() < plan.error_rate
    {
        if let Some(n) = plan.remaining.as_mut() {
            *n -= 1;
        }
        let status = StatusCode::from_u16(plan.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        error = Some((status, plan.html_body, plan.retry_after));
    }
    Some(Decision {
        latency: Duration::from_millis(plan.latency_ms),
        error,
    })
}

fn html_page(status: StatusCode) -> String {
    let line = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    format!(
        "<html><body><h1>{line}</h1><p>The upstream server did not answer (sandbox fault injection).</p></body></html>"
    )
}

/// Middleware: applies the fault plan to matching API requests.
pub(crate) async fn inject(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(decision) = decide(&shared, req.uri().path()) else {
        return next.run(req).await;
    };
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let Some((status, html, retry_after)) = decision.error else {
        return next.run(req).await;
    };
    let mut response = if html {
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            html_page(status),
        )
            .into_response()
    } else {
        ApiError::new(
            status,
            "The request could not be handled right now (sandbox fault injection); try again later.",
        )
        .into_response()
    };
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
