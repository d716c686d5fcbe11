//! [`AppToken`]: `SLACK_APP_TOKEN`, checked to be an app-level token (`xapp-…`) before
//! anything is sent with it; never shown (its `Debug` is redacted, errors name the
//! variable, not the value).

use secrecy::{ExposeSecret, SecretString};

use super::SocketError;

/// An app-level token (`xapp-…`), the credential of `apps.connections.open`.
#[derive(Clone)]
pub struct AppToken(SecretString);

impl std::fmt::Debug for AppToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppToken([redacted])")
    }
}

impl AppToken {
    /// Checks the prefix; the error says which kind of token it looks like instead.
    pub fn new(token: SecretString) -> Result<AppToken, SocketError> {
        let value = token.expose_secret().trim();
        if value.starts_with("xapp-") && value.len() > "xapp-".len() {
            return Ok(AppToken(SecretString::from(value.to_owned())));
        }
        let looks_like = if value.starts_with("xoxb-") {
            "it looks like the bot token (xoxb-…), which belongs in SLACK_BOT_TOKEN"
        } else if value.starts_with("xoxp-") {
            "it looks like a user token (xoxp-…); the bot uses no user token"
        } else {
            "it does not start with xapp-"
        };
        Err(SocketError::NotAnAppToken { looks_like })
    }

    pub(super) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_app_level_tokens_are_accepted() {
        let token = AppToken::new(SecretString::from(" xapp-1-A0-123-abc ")).expect("xapp");
        assert_eq!(token.expose(), "xapp-1-A0-123-abc");
        assert_eq!(format!("{token:?}"), "AppToken([redacted])");
        for (value, words) in [
            ("xoxb-1-secretpart", "bot token"),
            ("xoxp-1-secretpart", "user token"),
            ("secretpart", "xapp-"),
            ("xapp-", "xapp-"),
        ] {
            let error = AppToken::new(SecretString::from(value))
                .expect_err(value)
                .to_string();
            assert!(error.contains("SLACK_APP_TOKEN"), "{error}");
            assert!(error.contains(words), "{error}");
            assert!(!error.contains("secretpart"), "the token leaked: {error}");
        }
    }
}
