//! Response envelopes: request ids, the success envelope, the error envelope
//! (`{"responseCode":"error","title","detail","requestId"}`) and the extractors that turn
//! every bad request (unparsable JSON, odd path segment) into that envelope instead of
//! axum's plain-text rejections.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A fresh request id: 24 lower-case hex characters like `635c47ad9bccbe2235d48088`
/// (seconds since the epoch, a per-process salt, a counter), unique per response.
pub(crate) fn request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SALT: OnceLock<u32> = OnceLock::new();
    let salt = *SALT.get_or_init(rand::random::<u32>) & 0x00ff_ffff;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) & 0x00ff_ffff_ffff;
    let secs = chrono::Utc::now().timestamp() as u32;
    format!("{secs:08x}{salt:06x}{n:010x}")
}

/// An error answered with the error envelope.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, detail)
    }

    pub fn too_large(limit: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "The request body is larger than the {} allowed.",
                human_size(limit)
            ),
        )
    }

    /// The envelope's short title: the status's reason phrase.
    pub fn title(&self) -> &'static str {
        self.status.canonical_reason().unwrap_or("Error")
    }
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorEnvelope<'a> {
    response_code: &'static str,
    title: &'static str,
    detail: &'a str,
    request_id: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorEnvelope {
            response_code: "error",
            title: self.title(),
            detail: &self.detail,
            request_id: request_id(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T> {
    response_code: &'static str,
    title: &'static str,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<T>,
    request_id: String,
}

/// The success envelope `{"responseCode":"success","title","detail","data"?,"requestId"}`.
pub(crate) fn success<T: Serialize>(
    title: &'static str,
    detail: String,
    data: Option<T>,
) -> Response {
    Json(Envelope {
        response_code: "success",
        title,
        detail,
        data,
        request_id: request_id(),
    })
    .into_response()
}

/// A JSON request body, decoded into `T` (a `serde_json::Value` by default). An empty or
/// unparsable body is a 400 and an oversized one a 413, both with the error envelope.
/// The content type is not checked: Virbela's callers send JSON without always saying so.
pub(crate) struct JsonBody<T = serde_json::Value>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// The raw request body, for handlers that decode it themselves with [`parse_json`]
/// (borrowing from the bytes instead of allocating every string).
pub(crate) struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "The request body is larger than this endpoint accepts.",
                    )
                } else {
                    ApiError::bad_request(format!(
                        "The request body could not be read: {rejection}"
                    ))
                }
            })
    }
}

/// Decodes a JSON body: empty → 400, unparsable or the wrong shape → 400 with serde's
/// explanation (which names the field).
pub(crate) fn parse_json<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "The request body is empty; a JSON object is expected.",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "The request body is not valid JSON for this endpoint: {e}"
        ))
    })
}

/// One path segment (`/User/{userId}`), percent-decoded; a segment that does not decode
/// is a 400 with the envelope.
pub(crate) struct Param(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Param {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(p)| Param(p))
            .map_err(|e| ApiError::bad_request(format!("Bad path segment: {e}")))
    }
}

/// Fallback for paths the API does not have.
pub(crate) async fn no_such_endpoint(req: Request) -> ApiError {
    ApiError::not_found(format!(
        "There is no endpoint {} {}.",
        req.method(),
        req.uri().path()
    ))
}

/// Fallback for a known path called with the wrong method.
pub(crate) async fn wrong_method(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} is not allowed on {}.", req.method(), req.uri().path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn request_ids_are_24_lower_hex_and_unique() {
        let ids: Vec<String> = (0..1000).map(|_| request_id()).collect();
        for id in &ids {
            assert_eq!(id.len(), 24, "{id}");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
                "{id}"
            );
        }
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
    }

    #[test]
    fn error_titles_are_reason_phrases() {
        assert_eq!(ApiError::unauthorized("x").title(), "Unauthorized");
        assert_eq!(ApiError::bad_request("x").title(), "Bad Request");
        assert_eq!(ApiError::too_large(1 << 20).title(), "Payload Too Large");
        assert!(ApiError::too_large(1 << 20).detail.contains("1 MB"));
    }
}
