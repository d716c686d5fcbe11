//! One connector call from start to end: the host check, the app token, the throttle, the
//! request, a forced token refresh after a 401 (once), retries of the transient statuses,
//! and the error built from the connector's answer. Logs name the method, the path (no
//! query), the status and the `X-Correlating-OperationId`; never a header.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderMap, RETRY_AFTER};
use serde_json::Value;

use super::error::{ConnectorError, parse_error_body};
use super::hosts::describe;
use super::path::{endpoint, lane};
use super::retry::{delay, is_retryable, parse_retry_after};
use super::{Connector, Inner};
use crate::metrics::platform::{self as metrics, ErrorKind};

/// The response header Microsoft support asks for.
pub(crate) const OPERATION_ID: &str = "x-correlating-operationid";

/// The HTTP methods the connector uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    Post,
    Put,
    Delete,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }

    fn method(self) -> Method {
        match self {
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Delete => Method::DELETE,
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) path: String,
}

/// What to call: where, which path segments after the `serviceUrl`, which throttle lane.
pub(crate) struct Request<'a> {
    pub(crate) verb: Verb,
    pub(crate) service_url: &'a url::Url,
    pub(crate) segments: &'a [&'a str],
    /// The conversation (or creation target) whose limits apply.
    pub(crate) lane: &'a str,
    pub(crate) body: Option<&'a Value>,
}

impl Connector {
    pub(crate) async fn execute(&self, request: Request<'_>) -> Result<Answer, ConnectorError> {
        let inner: &Inner = &self.inner;
        if !inner.hosts.allows(request.service_url) {
            let host = describe(request.service_url);
            tracing::warn!(host = %host, "refused to send the bot token to a serviceUrl outside the allow-list");
            return Err(ConnectorError::HostNotAllowed(host));
        }
        let url = endpoint(request.service_url, request.segments);
        let path = url.path().to_owned();
        let lane = lane(request.service_url, request.lane);
        let method = request.verb.as_str();
        let mut token = inner
            .tokens
            .get()
            .await
            .inspect_err(|_| metrics::teams_failure(ErrorKind::Auth))?;
        let mut refreshed = false;
        let mut retries = 0;
        loop {
            inner.throttle.acquire(&lane).await;
            let mut builder = inner
                .http
                .request(request.verb.method(), url.clone())
                .header(AUTHORIZATION, token.header.clone());
            if let Some(body) = request.body {
                builder = builder.json(body);
            }
            let response = builder
                .send()
                .await
                .map_err(|err| transport(method, &path, &err))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let operation_id = header(&headers, OPERATION_ID);
            let body = response
                .bytes()
                .await
                .map_err(|err| transport(method, &path, &err))?;
            // Every attempt that got an answer, the 401 before a refresh and retried
            // statuses included.
            metrics::teams_status(status);
            if (200..300).contains(&status) {
                tracing::debug!(method, path = %path, status, operation_id = operation_id.as_deref(), "Teams connector call");
                return Ok(Answer {
                    status,
                    body: body.to_vec(),
                    path,
                });
            }
            let (code, message) = parse_error_body(&body);
            if status == 401 && !refreshed {
                tracing::warn!(method, path = %path, status, code = code.as_deref(), operation_id = operation_id.as_deref(), "the Teams connector refused the app token; fetching a new one");
                refreshed = true;
                token = inner
                    .tokens
                    .refresh(&token)
                    .await
                    .inspect_err(|_| metrics::teams_failure(ErrorKind::Auth))?;
                continue;
            }
            let retry_after = header(&headers, RETRY_AFTER.as_str())
                .and_then(|v| parse_retry_after(&v, chrono::Utc::now()));
            if is_retryable(status) {
                retries += 1;
                if let Some(wait) = delay(retries, retry_after) {
                    tracing::warn!(method, path = %path, status, code = code.as_deref(), operation_id = operation_id.as_deref(), retry = retries, wait_ms = millis(wait), "Teams connector call will be retried");
                    inner.timer.sleep_until(inner.timer.now() + wait).await;
                    continue;
                }
            }
            let err = ConnectorError::Api {
                method,
                path,
                status,
                code,
                message,
                operation_id,
                retry_after: retry_after.filter(|_| status == 429),
            };
            tracing::warn!(error = %err, "Teams connector call failed");
            return Err(err);
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn transport(method: &'static str, path: &str, err: &reqwest::Error) -> ConnectorError {
    metrics::teams_failure(if err.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    });
    let err = if err.is_timeout() {
        ConnectorError::Timeout {
            method,
            path: path.to_owned(),
        }
    } else {
        ConnectorError::Transport {
            method,
            path: path.to_owned(),
            reason: describe_transport(err),
        }
    };
    tracing::warn!(error = %err, "Teams connector call failed");
    err
}

/// A reqwest error and its causes on one line (no headers are ever part of it).
pub(crate) fn describe_transport(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "timed out".to_owned();
    }
    let mut out = String::from(if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "could not read the answer"
    } else {
        "request failed"
    });
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}
