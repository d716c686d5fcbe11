//! `GET /files/{id}?exp=…&sig=…` (HEAD comes with it). The signature is checked, in
//! constant time, before the store is touched: a bad or missing one is 403. Then an
//! expired link (by `exp`, then by the row) is 410 with a hint to re-run the report, an
//! unknown id 404, and a file 200 with its bytes and defensive headers. Log lines name
//! the file id and the outcome, never the query string or the signature.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderValue,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::FileLinks;
use super::headers::{content_disposition, is_inline, served_media_type};
use crate::store::shared_files;

/// The answer to an expired link.
pub const EXPIRED_TEXT: &str = "This link has expired. Run the report again to get a fresh link.\n";
const FORBIDDEN_TEXT: &str = "This link is not valid.\n";
const NOT_FOUND_TEXT: &str = "This file does not exist (it may have been removed).\n";
const UNAVAILABLE_TEXT: &str = "The file cannot be read right now; try again shortly.\n";

/// Longest `exp` accepted, in digits.
const MAX_EXP_DIGITS: usize = 12;

pub(crate) async fn serve(
    State(links): State<FileLinks>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(exp) = signed_exp(&links, &id, query.as_deref().unwrap_or("")) else {
        // The id is not vouched for: shown escaped and cut short.
        let shown: String = id.chars().take(64).collect();
        tracing::info!(file = ?shown, "file link refused: bad or missing signature");
        return text(StatusCode::FORBIDDEN, FORBIDDEN_TEXT);
    };
    let now = links.now();
    let now_unix = now.timestamp();
    if now_unix >= exp {
        tracing::debug!(file = %id, "file link expired");
        return text(StatusCode::GONE, EXPIRED_TEXT);
    }
    let file = match links.load(&id).await {
        Ok(Some(file)) => file,
        Ok(None) => {
            tracing::debug!(file = %id, "file link to an unknown file");
            return text(StatusCode::NOT_FOUND, NOT_FOUND_TEXT);
        }
        Err(e) => {
            tracing::warn!(file = %id, error = %e, "cannot read a shared file");
            return text(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE_TEXT);
        }
    };
    if now >= file.expires_at {
        tracing::debug!(file = %id, "shared file expired");
        return text(StatusCode::GONE, EXPIRED_TEXT);
    }
    let remaining = exp.min(file.expires_at.timestamp()) - now_unix;
    tracing::debug!(file = %id, bytes = file.bytes.len(), "serving a shared file");
    serve_file(file, remaining.max(0))
}

/// The `exp` of a correctly signed link, or `None`. Each of `exp` and `sig` must appear
/// exactly once; `exp` is the digits as signed.
fn signed_exp(links: &FileLinks, id: &str, query: &str) -> Option<i64> {
    let mut exp = None;
    let mut sig = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "exp" => &mut exp,
            "sig" => &mut sig,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    let (exp, sig) = (exp?, sig?);
    let well_formed =
        !exp.is_empty() && exp.len() <= MAX_EXP_DIGITS && exp.bytes().all(|b| b.is_ascii_digit());
    if !well_formed || !links.key.verify(id, &exp, &sig) {
        return None;
    }
    exp.parse().ok()
}

fn serve_file(file: shared_files::SharedFile, max_age: i64) -> Response {
    let media_type = served_media_type(&file.media_type);
    let mut headers = defensive_headers();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
    let disposition = content_disposition(&file.filename, is_inline(media_type));
    let disposition = HeaderValue::from_str(&disposition)
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    headers.insert(CONTENT_DISPOSITION, disposition);
    if let Ok(cache) = HeaderValue::from_str(&format!("private, max-age={max_age}")) {
        headers.insert(CACHE_CONTROL, cache);
    }
    (StatusCode::OK, headers, Body::from(file.bytes)).into_response()
}

/// A short plain-text answer (errors), never cached.
fn text(status: StatusCode, body: &'static str) -> Response {
    let mut headers = defensive_headers();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    (status, headers, body).into_response()
}

fn defensive_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    // The URL carries the signature: never hand it on as a referrer.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers
}
