//! The call log (`GET /_sandbox/log`) and the outermost API middleware that feeds it: it
//! buffers the request body (refusing bodies over 1 MB with a 413 envelope), records
//! method, path, raw query, the body parsed as JSON (or null) and the final status.
//! Headers are never recorded, so credentials never reach the log.

use std::collections::VecDeque;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Serialize;
use serde_json::Value;

use super::errors::ApiError;
use super::state::Shared;

/// The largest body an API request may carry (1 MB).
pub(crate) const API_BODY_LIMIT: usize = 1 << 20;

/// At most this many calls are kept; older ones are dropped first.
pub(crate) const LOG_CAPACITY: usize = 10_000;

/// One API call as the log shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LoggedCall {
    #[serde(skip)]
    seq: u64,
    pub method: String,
    pub path: String,
    /// The raw query string as received, or null.
    pub query: Option<String>,
    /// The body parsed as JSON, or null (no body, or not JSON).
    pub body: Value,
    /// The answered status; null while the call is still in flight.
    pub status: Option<u16>,
}

/// API calls in the order they were received.
#[derive(Debug, Default)]
pub(crate) struct CallLog {
    next_seq: u64,
    calls: VecDeque<LoggedCall>,
}

impl CallLog {
    fn start(&mut self, method: String, path: String, query: Option<String>, body: Value) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if self.calls.len() >= LOG_CAPACITY {
            self.calls.pop_front();
        }
        self.calls.push_back(LoggedCall {
            seq,
            method,
            path,
            query,
            body,
            status: None,
        });
        seq
    }

    fn finish(&mut self, seq: u64, status: u16) {
        if let Some(call) = self.calls.iter_mut().rev().find(|c| c.seq == seq) {
            call.status = Some(status);
        }
    }

    pub fn calls(&self) -> Vec<LoggedCall> {
        self.calls.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.calls.clear();
    }
}

enum BodyError {
    TooLarge,
    Unreadable(String),
}

async fn buffer(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Unreadable(e.to_string()))?;
        if buf.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// Outermost API middleware: body limit and call log.
pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let (parts, body) = req.into_parts();

    let declared_too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > API_BODY_LIMIT as u64);
    let bytes = if declared_too_large {
        Err(BodyError::TooLarge)
    } else {
        buffer(body, API_BODY_LIMIT).await
    };

    let logged_body = match &bytes {
        Ok(b) if !b.is_empty() => serde_json::from_slice(b).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    let seq = shared.log().start(method, path, query, logged_body);

    let response = match bytes {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(BodyError::TooLarge) => ApiError::too_large(API_BODY_LIMIT).into_response(),
        Err(BodyError::Unreadable(e)) => {
            ApiError::bad_request(format!("The request body could not be read: {e}"))
                .into_response()
        }
    };
    shared.log().finish(seq, response.status().as_u16());
    response
}
