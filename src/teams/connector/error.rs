//! What can go wrong sending to the Bot Framework connector: [`ConnectorError`] (and the
//! app-token failures in [`TokenError`]). Errors keep the connector's `error.code`,
//! `message` and `X-Correlating-OperationId` for logs; none contains the app password or
//! a token.

use std::time::Duration;

use serde_json::Value;

/// Longest connector message or body excerpt kept in an error.
const MAX_TEXT: usize = 300;

/// A failed connector call.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    /// The `serviceUrl` is not a Bot Framework connector host (nor a configured extra
    /// host): nothing was sent, the token stays home.
    #[error("refusing to send the bot token to {0}: not a Bot Framework connector host")]
    HostNotAllowed(String),
    /// The bot could not get its app token.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The connector answered with an error status (after any retries).
    #[error("{method} {path}: the Teams connector answered {}", describe_api(*.status, .code.as_deref(), .message.as_deref(), .operation_id.as_deref()))]
    Api {
        method: &'static str,
        /// The request path (no query).
        path: String,
        status: u16,
        /// `error.code` of the body, e.g. `BotNotInConversationRoster`.
        code: Option<String>,
        /// `error.message` of the body (shortened).
        message: Option<String>,
        /// The `X-Correlating-OperationId` response header, for Microsoft support.
        operation_id: Option<String>,
        /// The `Retry-After` of a 429 that was not waited for.
        retry_after: Option<Duration>,
    },
    /// The connector answered 2xx with a body that is not what the operation returns.
    #[error(
        "{method} {path}: unexpected answer from the Teams connector (HTTP {status}): {excerpt}"
    )]
    UnexpectedBody {
        method: &'static str,
        path: String,
        status: u16,
        excerpt: String,
    },
    /// No answer in time.
    #[error("{method} {path}: the Teams connector did not answer in time")]
    Timeout { method: &'static str, path: String },
    /// The request could not be sent or its answer read.
    #[error("{method} {path}: could not reach the Teams connector: {reason}")]
    Transport {
        method: &'static str,
        path: String,
        reason: String,
    },
}

/// Codes of a 403 that mean the bot can no longer write to the conversation.
const GONE_403: &[&str] = &[
    "BotNotInConversationRoster",
    "MessageWritesBlocked",
    "ConversationBlockedByUser",
    "BotDisabledByAdmin",
];

/// Codes of a 404 that mean the conversation itself is gone (not just one activity).
const GONE_404: &[&str] = &["ConversationNotFound"];

impl ConnectorError {
    /// Whether the conversation reference is dead: `403 BotNotInConversationRoster`,
    /// `MessageWritesBlocked`, `ConversationBlockedByUser`, `BotDisabledByAdmin`, or
    /// `404 ConversationNotFound`. The caller marks the reference dead. A
    /// `404 ActivityNotFoundInConversation` (one message deleted) is not.
    pub fn is_gone(&self) -> bool {
        let ConnectorError::Api { status, code, .. } = self else {
            return false;
        };
        let Some(code) = code.as_deref() else {
            return false;
        };
        match status {
            403 => GONE_403.iter().any(|c| c.eq_ignore_ascii_case(code)),
            404 => GONE_404.iter().any(|c| c.eq_ignore_ascii_case(code)),
            _ => false,
        }
    }

    /// The HTTP status the connector answered, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ConnectorError::Api { status, .. } | ConnectorError::UnexpectedBody { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The connector's `error.code`, when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ConnectorError::Api { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The `X-Correlating-OperationId` of the failed answer, when there was one.
    pub fn operation_id(&self) -> Option<&str> {
        match self {
            ConnectorError::Api { operation_id, .. } => operation_id.as_deref(),
            _ => None,
        }
    }
}

fn describe_api(
    status: u16,
    code: Option<&str>,
    message: Option<&str>,
    operation_id: Option<&str>,
) -> String {
    let mut out = status.to_string();
    if let Some(code) = code {
        out.push(' ');
        out.push_str(code);
    }
    if let Some(message) = message {
        out.push_str(": ");
        out.push_str(message);
    }
    if let Some(id) = operation_id {
        out.push_str(" (operation id ");
        out.push_str(id);
        out.push(')');
    }
    out
}

/// `error.code` (or `error.subCode`, when the code is generic) and `error.message` of a
/// connector error body `{"error":{"code":"…","message":"…"}}`.
pub(crate) fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        return (None, (!text.is_empty()).then(|| shorten(text)));
    };
    let error = value.get("error").unwrap_or(&value);
    let text = |key: &str| {
        error
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let code = match (text("code"), text("subCode")) {
        (Some(code), Some(sub)) if is_generic(code) => Some(sub),
        (Some(code), _) => Some(code),
        (None, sub) => sub,
    };
    (code.map(str::to_owned), text("message").map(shorten))
}

/// Codes that only restate the status (`Forbidden`, `BadArgument` …); a `subCode` says more.
fn is_generic(code: &str) -> bool {
    [
        "Forbidden",
        "NotFound",
        "BadArgument",
        "BadRequest",
        "BadSyntax",
        "Unauthorized",
    ]
    .iter()
    .any(|g| g.eq_ignore_ascii_case(code))
}

/// At most [`MAX_TEXT`] characters, on one line.
pub(crate) fn shorten(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let one_line = one_line.trim();
    if one_line.chars().count() <= MAX_TEXT {
        return one_line.to_owned();
    }
    let mut out: String = one_line.chars().take(MAX_TEXT).collect();
    out.push('…');
    out
}

/// The bot's app token could not be obtained. The text explains what to fix; it never
/// contains the app password or a token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token service refused the credentials or the request (an `AADSTS…` answer).
    #[error("the token service refused the bot's credentials (HTTP {status}{}): {hint}{}", detail_suffix(.error.as_deref(), .aadsts.as_deref()), description_suffix(.description.as_deref()))]
    Refused {
        status: u16,
        /// OAuth `error`, e.g. `invalid_client`.
        error: Option<String>,
        /// The `AADSTS…` code, e.g. `AADSTS7000215`.
        aadsts: Option<String>,
        /// What to check, from the code.
        hint: &'static str,
        /// The first line of `error_description`, password removed.
        description: Option<String>,
    },
    /// The token service answered 2xx without a usable token.
    #[error("the token service answered HTTP {status} without a usable token: {reason}")]
    UnexpectedBody { status: u16, reason: String },
    /// The token service could not be reached.
    #[error("could not reach the token service: {0}")]
    Transport(String),
}

fn detail_suffix(error: Option<&str>, aadsts: Option<&str>) -> String {
    [error, aadsts]
        .into_iter()
        .flatten()
        .map(|s| format!(", {s}"))
        .collect()
}

fn description_suffix(description: Option<&str>) -> String {
    description.map_or_else(String::new, |d| format!(" (Microsoft says: {d})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: Option<&str>) -> ConnectorError {
        ConnectorError::Api {
            method: "POST",
            path: "/v3/conversations/a/activities".into(),
            status,
            code: code.map(str::to_owned),
            message: Some("gone".into()),
            operation_id: Some("op-1".into()),
            retry_after: None,
        }
    }

    #[test]
    fn gone_means_the_conversation_not_one_message() {
        for (status, code) in [
            (403, "BotNotInConversationRoster"),
            (403, "MessageWritesBlocked"),
            (403, "ConversationBlockedByUser"),
            (403, "botdisabledbyadmin"),
            (404, "ConversationNotFound"),
        ] {
            assert!(api(status, Some(code)).is_gone(), "{status} {code}");
        }
        for (status, code) in [
            (404, Some("ActivityNotFoundInConversation")),
            (403, Some("NotEnoughPermissions")),
            (403, Some("InvalidBotApiHost")),
            (403, None),
            (404, None),
            (400, Some("ConversationNotFound")),
            (429, None),
        ] {
            assert!(!api(status, code).is_gone(), "{status} {code:?}");
        }
        assert!(!ConnectorError::HostNotAllowed("x".into()).is_gone());
    }

    #[test]
    fn status_code_and_operation_id_are_kept() {
        let err = api(403, Some("BotNotInConversationRoster"));
        assert_eq!(err.status(), Some(403));
        assert_eq!(err.code(), Some("BotNotInConversationRoster"));
        assert_eq!(err.operation_id(), Some("op-1"));
        assert_eq!(
            err.to_string(),
            "POST /v3/conversations/a/activities: the Teams connector answered 403 \
             BotNotInConversationRoster: gone (operation id op-1)"
        );
        assert_eq!(ConnectorError::HostNotAllowed("e".into()).status(), None);
    }

    #[test]
    fn error_bodies_give_code_and_message() {
        assert_eq!(
            parse_error_body(br#"{"error":{"code":"ConversationBlockedByUser","message":"User blocked the conversation with the bot."}}"#),
            (
                Some("ConversationBlockedByUser".into()),
                Some("User blocked the conversation with the bot.".into())
            )
        );
        assert_eq!(
            parse_error_body(
                br#"{"error":{"code":"Forbidden","subCode":"MessageWritesBlocked","message":"m"}}"#
            ),
            (Some("MessageWritesBlocked".into()), Some("m".into()))
        );
        assert_eq!(parse_error_body(b""), (None, None));
        assert_eq!(
            parse_error_body(b"<html>Bad\ngateway</html>"),
            (None, Some("<html>Bad gateway</html>".into()))
        );
        let long = "x".repeat(1000);
        let (_, message) = parse_error_body(long.as_bytes());
        assert_eq!(message.unwrap().chars().count(), MAX_TEXT + 1);
    }

    #[test]
    fn token_errors_read_well() {
        let err = TokenError::Refused {
            status: 401,
            error: Some("invalid_client".into()),
            aadsts: Some("AADSTS7000215".into()),
            hint: "check the secret",
            description: Some("Invalid client secret provided.".into()),
        };
        assert_eq!(
            err.to_string(),
            "the token service refused the bot's credentials (HTTP 401, invalid_client, \
             AADSTS7000215): check the secret (Microsoft says: Invalid client secret provided.)"
        );
        let wrapped: ConnectorError = err.into();
        assert!(wrapped.to_string().starts_with("the token service refused"));
        assert_eq!(wrapped.status(), None);
    }
}
