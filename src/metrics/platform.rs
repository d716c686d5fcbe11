//! The chat platforms' outbound calls: `platform_api_requests_total{platform,outcome}`
//! (`ok` / `error`) and `platform_api_errors_total{platform,kind}`.
//!
//! - Slack: one per Web API call as the app sees it ([`crate::slack::web::SlackWeb`]
//!   and the files v2 steps in [`crate::slack::files`]); slack-morphism's own 429
//!   retries happen inside a call and are not seen. `response_url` posts are not Web
//!   API calls and are not counted.
//! - Teams: one per connector attempt ([`crate::teams::connector`]): each answer, the
//!   401 that makes it refresh its token and each retried 429/5xx included; an app token
//!   that cannot be had counts as an `auth` error.

use super::Metrics;
use super::labels::{PlatformErrorLabels, PlatformLabels};
use crate::slack::error::SlackApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Slack,
    Teams,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::Slack, Platform::Teams];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Teams => "teams",
        }
    }
}

/// Why a platform call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// HTTP 429 or Slack's `ratelimited`.
    RateLimited,
    /// The token was refused (401/403, Slack's `invalid_auth`, `token_revoked`…) or
    /// could not be had.
    Auth,
    /// No answer in time.
    Timeout,
    /// No answer at all (connection, TLS, unreadable body).
    Transport,
    /// Anything else: another status, Slack's other error codes, an unexpected body.
    Error,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::RateLimited,
        ErrorKind::Auth,
        ErrorKind::Timeout,
        ErrorKind::Transport,
        ErrorKind::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Auth => "auth",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Error => "error",
        }
    }

    /// The kind of a non-2xx HTTP status.
    pub fn of_status(status: u16) -> ErrorKind {
        match status {
            429 => ErrorKind::RateLimited,
            401 | 403 => ErrorKind::Auth,
            _ => ErrorKind::Error,
        }
    }

    /// The kind of a failed Slack call.
    pub fn of_slack(error: &SlackApiError) -> ErrorKind {
        match error {
            SlackApiError::RateLimited { .. } => ErrorKind::RateLimited,
            SlackApiError::NotOk { error, .. } if error == "ratelimited" => ErrorKind::RateLimited,
            SlackApiError::NotOk { error, .. } if SLACK_AUTH_ERRORS.contains(&error.as_str()) => {
                ErrorKind::Auth
            }
            SlackApiError::Status { status, .. } => ErrorKind::of_status(status.as_u16()),
            SlackApiError::Transport { source, .. } if source.is_timeout() => ErrorKind::Timeout,
            SlackApiError::Transport { .. } => ErrorKind::Transport,
            SlackApiError::NotOk { .. }
            | SlackApiError::Unexpected { .. }
            | SlackApiError::Url { .. } => ErrorKind::Error,
        }
    }
}

/// Slack error codes that mean the bot token itself is the problem.
const SLACK_AUTH_ERRORS: &[&str] = &[
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "no_permission",
    "missing_scope",
    "not_allowed_token_type",
    "ekm_access_denied",
];

/// Records one platform call in the process registry: `Ok` or the failure's kind.
pub fn record(platform: Platform, result: Result<(), ErrorKind>) {
    super::global().record_platform(platform, result);
}

/// Records a Slack call's result (passed through untouched).
pub fn slack<T>(result: Result<T, SlackApiError>) -> Result<T, SlackApiError> {
    record(
        Platform::Slack,
        result.as_ref().map(|_| ()).map_err(ErrorKind::of_slack),
    );
    result
}

/// Records one Teams connector attempt that got an answer, by its status.
pub fn teams_status(status: u16) {
    let result = if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(ErrorKind::of_status(status))
    };
    record(Platform::Teams, result);
}

/// Records one Teams connector attempt that got no answer, or no app token.
pub fn teams_failure(kind: ErrorKind) {
    record(Platform::Teams, Err(kind));
}

impl Metrics {
    pub fn record_platform(&self, platform: Platform, result: Result<(), ErrorKind>) {
        let platform = platform.as_str();
        let outcome = if result.is_ok() { "ok" } else { "error" };
        self.platform_requests
            .get_or_create(&PlatformLabels { platform, outcome })
            .inc();
        if let Err(kind) = result {
            self.platform_errors
                .get_or_create(&PlatformErrorLabels {
                    platform,
                    kind: kind.as_str(),
                })
                .inc();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_errors_are_classified() {
        let not_ok = |code: &str| SlackApiError::NotOk {
            method: "chat.postMessage".into(),
            error: code.into(),
        };
        assert_eq!(
            ErrorKind::of_slack(&not_ok("invalid_auth")),
            ErrorKind::Auth
        );
        assert_eq!(
            ErrorKind::of_slack(&not_ok("ratelimited")),
            ErrorKind::RateLimited
        );
        assert_eq!(
            ErrorKind::of_slack(&not_ok("channel_not_found")),
            ErrorKind::Error
        );
        let limited = SlackApiError::RateLimited {
            method: "chat.update".into(),
            retry_after: None,
        };
        assert_eq!(ErrorKind::of_slack(&limited), ErrorKind::RateLimited);
        let forbidden = SlackApiError::Status {
            method: "files.completeUploadExternal".into(),
            status: reqwest::StatusCode::FORBIDDEN,
        };
        assert_eq!(ErrorKind::of_slack(&forbidden), ErrorKind::Auth);
        assert_eq!(ErrorKind::of_status(503), ErrorKind::Error);
    }

    #[test]
    fn calls_are_counted_by_platform_outcome_and_kind() {
        let metrics = Metrics::new();
        metrics.record_platform(Platform::Slack, Ok(()));
        metrics.record_platform(Platform::Teams, Err(ErrorKind::RateLimited));
        metrics.record_platform(Platform::Teams, Err(ErrorKind::Auth));
        let text = metrics.encode_with(None).expect("encodes");
        for line in [
            r#"virbela_bot_platform_api_requests_total{platform="slack",outcome="ok"} 1"#,
            r#"virbela_bot_platform_api_requests_total{platform="slack",outcome="error"} 0"#,
            r#"virbela_bot_platform_api_requests_total{platform="teams",outcome="error"} 2"#,
            r#"virbela_bot_platform_api_errors_total{platform="teams",kind="rate_limited"} 1"#,
            r#"virbela_bot_platform_api_errors_total{platform="teams",kind="auth"} 1"#,
            r#"virbela_bot_platform_api_errors_total{platform="slack",kind="error"} 0"#,
        ] {
            assert!(text.contains(line), "missing {line}:\n{text}");
        }
    }
}
