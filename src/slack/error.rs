//! Errors of the Slack Web API calls this crate makes itself (with reqwest, outside
//! slack-morphism). Messages name the method and Slack's own error code, never the token.

use std::time::Duration;

/// A failed Slack Web API call.
#[derive(Debug, thiserror::Error)]
pub enum SlackApiError {
    /// Slack answered `{"ok": false, "error": "…"}`.
    #[error("Slack {method} failed: {error}")]
    NotOk { method: String, error: String },
    /// Slack (or the upload host) answered with an unexpected HTTP status.
    #[error("Slack {method} answered HTTP {status}")]
    Status {
        method: String,
        status: reqwest::StatusCode,
    },
    /// HTTP 429: wait `retry_after` (from `Retry-After`) before calling `method` again.
    #[error("Slack {method} is rate limited{}", retry_hint(.retry_after))]
    RateLimited {
        method: String,
        retry_after: Option<Duration>,
    },
    /// The request did not get an answer (connection, TLS, timeout, unreadable body).
    #[error("Slack {method} could not be reached: {source}")]
    Transport {
        method: String,
        #[source]
        source: reqwest::Error,
    },
    /// Slack said ok but the answer lacks what the call needs.
    #[error("Slack {method} gave an unexpected answer: {detail}")]
    Unexpected { method: String, detail: String },
    /// The Web API base URL cannot be joined with a method name.
    #[error("invalid Slack API URL for {method}: {source}")]
    Url {
        method: String,
        #[source]
        source: url::ParseError,
    },
}

fn retry_hint(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!(" (retry after {} s)", wait.as_secs()),
        None => String::new(),
    }
}

impl SlackApiError {
    /// Builds a transport error; the URL is dropped from reqwest's error because
    /// `upload_url` carries a one-time credential in its query string.
    pub(crate) fn transport(method: &str, source: reqwest::Error) -> SlackApiError {
        SlackApiError::Transport {
            method: method.to_owned(),
            source: source.without_url(),
        }
    }

    /// Slack's `error` code when it answered `ok: false`, e.g. `channel_not_found`.
    pub fn slack_error(&self) -> Option<&str> {
        match self {
            SlackApiError::NotOk { error, .. } => Some(error),
            _ => None,
        }
    }

    /// How long to wait before retrying, when Slack said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SlackApiError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
