//! `VirbelaError`: every way a Virbela call can fail, each with Virbela's `requestId`
//! when it sent one. Messages are written for the person who asked, and never hold the
//! client secret.

use std::time::Duration;

/// A failed Virbela call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VirbelaError {
    #[error(
        "Virbela refused the campus credentials (401). They may have been rotated: an owner can issue new ones in the Virbela dashboard → world → integrations, which stops the old pair at once{}",
        request_suffix(request_id)
    )]
    Unauthorized { request_id: Option<String> },

    #[error("Virbela does not know {what}: {detail}{}", request_suffix(request_id))]
    NotFound {
        what: &'static str,
        detail: String,
        request_id: Option<String>,
    },

    #[error("Virbela refused the request: {detail}{}", request_suffix(request_id))]
    Invalid {
        status: u16,
        detail: String,
        request_id: Option<String>,
    },

    #[error(
        "Virbela is rate limiting this campus{}{}",
        retry_after.map(|d| format!("; try again in {} s", d.as_secs().max(1))).unwrap_or_default(),
        request_suffix(request_id)
    )]
    RateLimited {
        retry_after: Option<Duration>,
        request_id: Option<String>,
    },

    #[error(
        "Virbela had a server error ({status}){}{}",
        detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default(),
        request_suffix(request_id)
    )]
    Server {
        status: u16,
        detail: Option<String>,
        request_id: Option<String>,
    },

    #[error("Virbela did not answer {endpoint} within {} s", timeout.as_secs_f64())]
    Timeout {
        endpoint: &'static str,
        timeout: Duration,
    },

    #[error("could not reach Virbela for {endpoint}: {message}")]
    Transport {
        endpoint: &'static str,
        message: String,
    },

    #[error(
        "Virbela answered {endpoint} with HTTP {status} and a body that is not the API's JSON: {snippet:?}"
    )]
    UnexpectedBody {
        endpoint: &'static str,
        status: u16,
        snippet: String,
    },
}

fn request_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_ref()
        .map(|id| format!(" (Virbela request id {id})"))
        .unwrap_or_default()
}

impl VirbelaError {
    /// Virbela's `requestId`, for support tickets and correlation.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            VirbelaError::Unauthorized { request_id }
            | VirbelaError::NotFound { request_id, .. }
            | VirbelaError::Invalid { request_id, .. }
            | VirbelaError::RateLimited { request_id, .. }
            | VirbelaError::Server { request_id, .. } => request_id.as_deref(),
            VirbelaError::Timeout { .. }
            | VirbelaError::Transport { .. }
            | VirbelaError::UnexpectedBody { .. } => None,
        }
    }

    /// A short machine-friendly name of the kind (metrics, logs).
    pub fn kind(&self) -> &'static str {
        match self {
            VirbelaError::Unauthorized { .. } => "unauthorized",
            VirbelaError::NotFound { .. } => "not_found",
            VirbelaError::Invalid { .. } => "invalid",
            VirbelaError::RateLimited { .. } => "rate_limited",
            VirbelaError::Server { .. } => "server_error",
            VirbelaError::Timeout { .. } => "timeout",
            VirbelaError::Transport { .. } => "transport",
            VirbelaError::UnexpectedBody { .. } => "unexpected_body",
        }
    }
}

/// At most `max` characters of a body, for error messages.
pub(crate) fn snippet(body: &str, max: usize) -> String {
    body.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_explains_rotation_and_carries_the_request_id() {
        let e = VirbelaError::Unauthorized {
            request_id: Some("635c47ad9bccbe2235d48088".into()),
        };
        let text = e.to_string();
        assert!(
            text.contains("rotated") && text.contains("integrations"),
            "{text}"
        );
        assert!(text.contains("635c47ad9bccbe2235d48088"), "{text}");
        assert_eq!(e.request_id(), Some("635c47ad9bccbe2235d48088"));
    }

    #[test]
    fn snippets_cut_on_characters_not_bytes() {
        assert_eq!(snippet("ééé", 2), "éé");
    }
}
