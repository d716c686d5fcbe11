//! The credential check every API route passes (not `/_sandbox/*`): `V-Client-Id` and
//! `V-Client-Secret` must equal the campus's current pair, else 401 with the envelope.
//! Rotating the pair (`POST /_sandbox/credentials`) makes the old one fail at once.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::state::Shared;

pub(crate) const CLIENT_ID: &str = "v-client-id";
pub(crate) const CLIENT_SECRET: &str = "v-client-secret";
pub(crate) const CLIENT_NAME: &str = "v-client-name";

/// A header's value as text (`None` when absent or not visible ASCII).
pub(crate) fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Equality that does not stop at the first differing byte.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Why the headers do not authenticate, if they do not.
pub(crate) fn check(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let id = header_text(headers, CLIENT_ID);
    let secret = header_text(headers, CLIENT_SECRET);
    let (Some(id), Some(secret)) = (id, secret) else {
        let missing = match (id, secret) {
            (None, None) => "the V-Client-Id and V-Client-Secret headers are",
            (None, _) => "the V-Client-Id header is",
            _ => "the V-Client-Secret header is",
        };
        return Err(ApiError::unauthorized(format!(
            "Missing credentials: {missing} required on every request."
        )));
    };
    let current = shared.credentials();
    if same(id, &current.client_id) && same(secret, &current.client_secret) {
        Ok(())
    } else {
        Err(ApiError::unauthorized(
            "The V-Client-Id / V-Client-Secret pair is not valid for this campus. \
             Credentials are issued in the dashboard (world → integrations); issuing new ones \
             invalidates the old pair at once.",
        ))
    }
}

/// Middleware: refuses requests without the current credential pair.
pub(crate) async fn require_credentials(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    match check(&shared, req.headers()) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}
