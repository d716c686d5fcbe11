//! `apps.connections.open`: asks Slack (with the app-level token in the `Authorization`
//! header) for a fresh WebSocket URL, and tells a refusal of the token (fatal: retrying
//! cannot help) from a passing failure (retried with back-off, `Retry-After` honoured).
//!
//! The URL carries a one-use ticket in its query: it is only ever logged through
//! [`redacted`] (scheme, host, port and path).

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::token::AppToken;

/// Why no WebSocket URL was obtained.
#[derive(Debug, thiserror::Error)]
pub(super) enum OpenError {
    /// Slack refused the token; `code` is Slack's error, `hint` what to do.
    #[error("Slack refused SLACK_APP_TOKEN ({code}): {hint}")]
    Refused { code: String, hint: &'static str },
    /// Anything else: network, 5xx, rate limit, an unexpected answer.
    #[error("apps.connections.open failed: {reason}")]
    Passing {
        reason: String,
        retry_after: Option<Duration>,
    },
}

/// Calls `apps.connections.open`.
#[derive(Debug, Clone)]
pub(super) struct Opener {
    http: reqwest::Client,
    endpoint: Url,
    token: AppToken,
}

#[derive(Debug, Deserialize)]
struct Opened {
    ok: bool,
    url: Option<String>,
    error: Option<String>,
}

impl Opener {
    pub fn new(
        http: reqwest::Client,
        api_url: &Url,
        token: AppToken,
    ) -> Result<Opener, url::ParseError> {
        let mut base = api_url.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Opener {
            http,
            endpoint: base.join("apps.connections.open")?,
            token,
        })
    }

    /// The same, through another HTTP client (other timeouts).
    pub fn with_http(self, http: reqwest::Client) -> Opener {
        Opener { http, ..self }
    }

    /// A fresh WebSocket URL (`wss://`; `ws://` only when the API itself is plain
    /// `http://`, i.e. a local fake in tests).
    pub async fn open(&self) -> Result<Url, OpenError> {
        let response = self
            .http
            .post(self.endpoint.clone())
            .bearer_auth(self.token.expose())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .send()
            .await
            .map_err(|e| passing(format!("cannot reach Slack: {}", chain(e))))?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(OpenError::Passing {
                reason: "rate limited (HTTP 429)".into(),
                retry_after,
            });
        }
        if !status.is_success() {
            return Err(passing(format!("HTTP {status}")));
        }
        let opened: Opened = response
            .json()
            .await
            .map_err(|e| passing(format!("unreadable answer: {}", chain(e))))?;
        self.url_of(opened)
    }

    fn url_of(&self, opened: Opened) -> Result<Url, OpenError> {
        if !opened.ok {
            let code = opened.error.unwrap_or_else(|| "no error code".into());
            return Err(match refusal_hint(&code) {
                Some(hint) => OpenError::Refused { code, hint },
                None => passing(format!("Slack answered `{code}`")),
            });
        }
        let Some(url) = opened.url.and_then(|u| Url::parse(&u).ok()) else {
            return Err(passing("Slack answered ok without a WebSocket URL".into()));
        };
        let plain_allowed = self.endpoint.scheme() == "http";
        match url.scheme() {
            "wss" => Ok(url),
            "ws" if plain_allowed => Ok(url),
            other => Err(passing(format!(
                "Slack answered a `{other}:` URL, not wss: ({})",
                redacted(&url)
            ))),
        }
    }
}

/// A reqwest error and its causes, without the URL (`error sending request: client
/// error (Connect): tcp connect error: Connection refused`).
fn chain(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn passing(reason: String) -> OpenError {
    OpenError::Passing {
        reason,
        retry_after: None,
    }
}

/// What to do about Slack's error `code`, when it means the token will never work.
fn refusal_hint(code: &str) -> Option<&'static str> {
    const WRONG: &str = "the token is wrong, revoked or expired: generate a new one \
        (api.slack.com/apps → your app → Basic Information → App-Level Tokens) with the \
        connections:write scope and set it as SLACK_APP_TOKEN";
    const NOT_APP_LEVEL: &str = "it is not an app-level token with the connections:write \
        scope: use the xapp-… token from Basic Information → App-Level Tokens (not the bot \
        token), with connections:write added";
    const NOT_ALLOWED: &str = "the app or workspace does not allow this connection: check \
        that Socket Mode is enabled for the app (Settings → Socket Mode) and that it is \
        installed in the workspace";
    match code {
        "invalid_auth" | "not_authed" | "token_revoked" | "token_expired" | "account_inactive" => {
            Some(WRONG)
        }
        "not_allowed_token_type" | "missing_scope" | "is_bot" => Some(NOT_APP_LEVEL),
        "access_denied"
        | "no_permission"
        | "team_access_not_granted"
        | "ekm_access_denied"
        | "enterprise_is_restricted" => Some(NOT_ALLOWED),
        _ => None,
    }
}

/// `url` without its query, fragment or credentials: safe to log.
pub(super) fn redacted(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
        None => format!("{}://{host}{}", url.scheme(), url.path()),
    }
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    fn opener(api: &str) -> Opener {
        let token = AppToken::new(SecretString::from("xapp-1-A-1-x")).expect("token");
        Opener::new(
            reqwest::Client::new(),
            &Url::parse(api).expect("url"),
            token,
        )
        .expect("opener")
    }

    fn opened(ok: bool, url: Option<&str>, error: Option<&str>) -> Opened {
        Opened {
            ok,
            url: url.map(str::to_owned),
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn the_endpoint_is_under_the_api_url() {
        assert_eq!(
            opener("https://slack.com/api/").endpoint.as_str(),
            "https://slack.com/api/apps.connections.open"
        );
        assert_eq!(
            opener("http://127.0.0.1:9/api").endpoint.as_str(),
            "http://127.0.0.1:9/api/apps.connections.open"
        );
    }

    #[test]
    fn token_refusals_are_fatal_and_other_errors_pass() {
        let o = opener("https://slack.com/api/");
        for code in ["invalid_auth", "not_allowed_token_type", "token_revoked"] {
            match o.url_of(opened(false, None, Some(code))) {
                Err(OpenError::Refused { code: c, hint }) => {
                    assert_eq!(c, code);
                    assert!(hint.contains("connections:write"), "{hint}");
                }
                other => panic!("{code}: {other:?}"),
            }
        }
        for code in ["internal_error", "service_unavailable", "ratelimited"] {
            assert!(
                matches!(
                    o.url_of(opened(false, None, Some(code))),
                    Err(OpenError::Passing { .. })
                ),
                "{code}"
            );
        }
        assert!(matches!(
            o.url_of(opened(true, None, None)),
            Err(OpenError::Passing { .. })
        ));
    }

    #[test]
    fn plain_ws_only_against_a_plain_http_api() {
        let secure = opener("https://slack.com/api/");
        let url = secure
            .url_of(opened(
                true,
                Some("wss://wss-primary.slack.com/link/?ticket=t&app_id=A"),
                None,
            ))
            .expect("wss");
        assert_eq!(url.scheme(), "wss");
        let plain = secure.url_of(opened(true, Some("ws://evil.example/link/?ticket=t"), None));
        let Err(error) = plain else {
            panic!("ws:// accepted from an https API");
        };
        assert!(!error.to_string().contains("ticket"), "{error}");
        let local = opener("http://127.0.0.1:9/api/");
        assert!(
            local
                .url_of(opened(true, Some("ws://127.0.0.1:10/link"), None))
                .is_ok()
        );
    }

    #[test]
    fn redaction_drops_the_ticket() {
        let url =
            Url::parse("wss://user:pw@wss-primary.slack.com:443/link/?ticket=SECRET&app_id=A#f")
                .expect("url");
        let shown = redacted(&url);
        assert_eq!(shown, "wss://wss-primary.slack.com/link/");
        let local = Url::parse("ws://127.0.0.1:4000/link?ticket=SECRET").expect("url");
        assert_eq!(redacted(&local), "ws://127.0.0.1:4000/link");
    }
}
