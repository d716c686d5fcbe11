//! The bot's app token for the connector (OAuth client credentials, scope
//! `https://api.botframework.com/.default`): fetched on first use, cached until five
//! minutes before it expires, refreshed by one caller while the others wait
//! (single flight), and re-fetched on demand after a connector 401.
//!
//! The app password leaves the process only in the token request body; the token lives
//! in a sensitive `HeaderValue` (its `Debug` says `Sensitive`). Neither appears in an
//! error or a log line.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::error::{TokenError, shorten};
use super::timer::Timer;

/// The scope of connector tokens.
pub(crate) const SCOPE: &str = "https://api.botframework.com/.default";
/// A token is replaced this long before it expires (or halfway, for short-lived ones).
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// Lifetime assumed when the answer has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// A token ready to send: the `Authorization` value and which fetch produced it.
#[derive(Clone)]
pub(crate) struct AppToken {
    pub(crate) header: HeaderValue,
    generation: u64,
}

impl fmt::Debug for AppToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppToken(#{})", self.generation)
    }
}

struct Cached {
    token: AppToken,
    refresh_at: Instant,
}

#[derive(Default)]
struct State {
    cached: Option<Cached>,
    fetches: u64,
}

pub(crate) struct TokenSource {
    http: reqwest::Client,
    token_url: Url,
    app_id: String,
    password: SecretString,
    timer: Arc<dyn Timer>,
    state: Mutex<State>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("token_url", &self.token_url.as_str())
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    pub(crate) fn new(
        http: reqwest::Client,
        token_url: Url,
        app_id: String,
        password: SecretString,
        timer: Arc<dyn Timer>,
    ) -> TokenSource {
        TokenSource {
            http,
            token_url,
            app_id,
            password,
            timer,
            state: Mutex::default(),
        }
    }

    /// The cached token, or a fresh one (one fetch at a time; waiting callers reuse it).
    pub(crate) async fn get(&self) -> Result<AppToken, TokenError> {
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.cached {
            if self.timer.now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        self.fetch(&mut state).await
    }

    /// A token other than `stale` (which the connector refused): the one another caller
    /// fetched meanwhile, else a new one.
    pub(crate) async fn refresh(&self, stale: &AppToken) -> Result<AppToken, TokenError> {
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.cached {
            if cached.token.generation != stale.generation && self.timer.now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        self.fetch(&mut state).await
    }

    async fn fetch(&self, state: &mut State) -> Result<AppToken, TokenError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.app_id.as_str()),
            ("client_secret", self.password.expose_secret()),
            ("scope", SCOPE),
        ];
        let result = self
            .http
            .post(self.token_url.clone())
            .form(&form)
            .send()
            .await;
        let response = match result {
            Ok(response) => response,
            Err(err) => {
                let err = TokenError::Transport(super::client::describe_transport(&err));
                tracing::warn!(error = %err, "Bot Framework app token request failed");
                return Err(err);
            }
        };
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(|err| TokenError::Transport(super::client::describe_transport(&err)))?;
        if !(200..300).contains(&status) {
            let err = refused(status, &body, self.password.expose_secret());
            tracing::warn!(error = %err, "Bot Framework app token refused");
            return Err(err);
        }
        let (header, lifetime) = read_token(status, &body)?;
        state.fetches += 1;
        let token = AppToken {
            header,
            generation: state.fetches,
        };
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        state.cached = Some(Cached {
            token: token.clone(),
            refresh_at: self.timer.now() + lifetime.saturating_sub(margin),
        });
        tracing::debug!(
            expires_in = lifetime.as_secs(),
            "fetched the Bot Framework app token"
        );
        Ok(token)
    }
}

/// The `Authorization` value and lifetime from a 2xx token answer. The body is never
/// quoted: it holds the token.
fn read_token(status: u16, body: &[u8]) -> Result<(HeaderValue, Duration), TokenError> {
    let unexpected = |reason: &str| TokenError::UnexpectedBody {
        status,
        reason: reason.to_owned(),
    };
    let value: Value =
        serde_json::from_slice(body).map_err(|_| unexpected("the answer is not JSON"))?;
    if let Some(kind) = value.get("token_type").and_then(Value::as_str) {
        if !kind.eq_ignore_ascii_case("bearer") {
            return Err(unexpected("the token is not a Bearer token"));
        }
    }
    let token = value
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unexpected("no access_token in the answer"))?;
    let mut header = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| unexpected("the access_token has characters a header cannot carry"))?;
    header.set_sensitive(true);
    let lifetime = match value.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    Ok((header, lifetime))
}

/// A refused token request (`{"error":"invalid_client","error_description":"AADSTS…"}`),
/// explained, with any echo of the password removed.
fn refused(status: u16, body: &[u8], password: &str) -> TokenError {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error = value
        .get("error")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let raw = value
        .get("error_description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let code = aadsts_code(raw).or_else(|| {
        value
            .get("error_codes")
            .and_then(|c| c.get(0))
            .and_then(Value::as_u64)
    });
    let first_line = raw.lines().next().unwrap_or_default();
    let first_line = match first_line.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("AADSTS") => rest,
        _ => first_line,
    };
    let redacted = if password.is_empty() {
        first_line.to_owned()
    } else {
        first_line.replace(password, "[redacted]")
    };
    let description = Some(shorten(&redacted)).filter(|d| !d.is_empty());
    TokenError::Refused {
        status,
        hint: hint(code, error.as_deref(), status),
        error,
        aadsts: code.map(|c| format!("AADSTS{c}")),
        description,
    }
}

/// The number after `AADSTS` in a description.
fn aadsts_code(description: &str) -> Option<u64> {
    let at = description.find("AADSTS")?;
    let digits: String = description[at + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// What to check for a refusal.
fn hint(code: Option<u64>, error: Option<&str>, status: u16) -> &'static str {
    match code {
        Some(7_000_215) => {
            "the app password is wrong: TEAMS_APP_PASSWORD must be the client secret's Value \
             (not its Secret ID) of the app registration TEAMS_APP_ID"
        }
        Some(7_000_222) => {
            "the app password (client secret) has expired: create a new client secret for \
             the app registration and update TEAMS_APP_PASSWORD"
        }
        Some(700_016) => {
            "no app registration with this id in the token URL's tenant: check TEAMS_APP_ID, \
             and that TEAMS_TENANT_ID / TEAMS_TOKEN_URL name the tenant of the app \
             registration (single-tenant bots use their own tenant, not botframework.com)"
        }
        Some(90_002 | 900_023 | 90_013) => {
            "the tenant in the token URL does not exist: check TEAMS_TENANT_ID / TEAMS_TOKEN_URL"
        }
        Some(7_000_112) => "the app registration is disabled in the tenant",
        Some(70_011) => "the token request's scope was refused",
        Some(53_003) => "a Conditional Access policy of the tenant blocks this app",
        _ => match error {
            Some("invalid_client") => {
                "the app id or password was refused: check TEAMS_APP_ID and TEAMS_APP_PASSWORD"
            }
            Some("unauthorized_client") => {
                "the app may not use client credentials in this tenant: check TEAMS_TENANT_ID \
                 and the app registration's supported account types"
            }
            _ if status >= 500 => "the token service failed; the next call tries again",
            _ => "check TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TOKEN_URL",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers_give_a_sensitive_header_and_lifetime() {
        let (header, lifetime) = read_token(
            200,
            br#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ.x.y"}"#,
        )
        .unwrap();
        assert_eq!(header.to_str().unwrap(), "Bearer eyJ.x.y");
        assert!(header.is_sensitive());
        assert_eq!(format!("{header:?}"), "Sensitive");
        assert_eq!(lifetime, Duration::from_secs(3599));
        let (_, lifetime) = read_token(200, br#"{"expires_in":"600","access_token":"t"}"#).unwrap();
        assert_eq!(lifetime, Duration::from_secs(600));
    }

    #[test]
    fn odd_token_answers_are_refused_without_quoting_them() {
        for body in [
            &b"<html>hello</html>"[..],
            br#"{"token_type":"Bearer","expires_in":3600}"#,
            br#"{"token_type":"pop","access_token":"secret-token"}"#,
            br#"{"access_token":"line\nbreak"}"#,
        ] {
            let err = read_token(200, body).unwrap_err().to_string();
            assert!(
                !err.contains("secret-token") && !err.contains("hello"),
                "{err}"
            );
        }
    }

    #[test]
    fn aadsts_refusals_are_explained_without_the_password() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent is hunter2-value.\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2025-01-01 00:00:00Z","error_codes":[7000215]}"#;
        let err = refused(401, body, "hunter2-value");
        let text = err.to_string();
        assert!(!text.contains("hunter2-value"), "{text}");
        assert!(text.contains("AADSTS7000215"), "{text}");
        assert!(text.contains("invalid_client"), "{text}");
        assert!(text.contains("client secret's Value"), "{text}");
        assert!(text.contains("Invalid client secret provided."), "{text}");
        assert!(!text.contains("Trace ID"), "{text}");
    }

    #[test]
    fn refusals_without_a_description_still_say_what_to_check() {
        let err = refused(
            400,
            br#"{"error":"unauthorized_client","error_codes":[700016]}"#,
            "pw",
        );
        let text = err.to_string();
        assert!(
            text.contains("AADSTS700016") && text.contains("TEAMS_APP_ID"),
            "{text}"
        );
        let err = refused(503, b"<html>down</html>", "pw");
        assert!(err.to_string().contains("next call tries again"), "{err}");
        let err = refused(400, b"{}", "pw");
        assert!(err.to_string().contains("TEAMS_TOKEN_URL"), "{err}");
    }
}
