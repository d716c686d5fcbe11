//! One debug line per request: method, path, status and latency. When debug logging is
//! off (the default `info` filter) the middleware only asks tracing whether it is on and
//! passes the request through, so the Slack ack path pays nothing for it.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// `axum::middleware::from_fn` body.
pub async fn log_request(request: Request, next: Next) -> Response {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    // `Uri` clones share its bytes: no allocation.
    let uri = request.uri().clone();
    let response = next.run(request).await;
    tracing::debug!(
        method = %method,
        path = uri.path(),
        status = response.status().as_u16(),
        latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}
