//! A campus as a value: its credentials and its base URLs. Never global, so several
//! campuses (resellers) can be served side by side later.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// The credential pair of a campus plus its client name (used by Rooms and the waitlist).
/// `Debug` never shows the secret.
#[derive(Clone)]
pub struct Credentials {
    client_id: String,
    client_secret: SecretString,
    client_name: String,
}

impl Credentials {
    pub fn new(
        client_id: impl Into<String>,
        client_secret: SecretString,
        client_name: impl Into<String>,
    ) -> Self {
        Credentials {
            client_id: client_id.into(),
            client_secret,
            client_name: client_name.into(),
        }
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn client_name(&self) -> &str {
        &self.client_name
    }

    pub(crate) fn secret(&self) -> &str {
        self.client_secret.expose_secret()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("client_name", &self.client_name)
            .finish()
    }
}

/// The API and Product API base URLs (from the region, or overridden).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub api: Url,
    pub product: Url,
}

impl Endpoints {
    /// Both APIs on one base URL, as the sandbox serves them.
    pub fn single(base: Url) -> Self {
        Endpoints {
            api: base.clone(),
            product: base,
        }
    }
}

/// Everything needed to talk to one campus.
#[derive(Debug, Clone)]
pub struct Campus {
    pub credentials: Credentials,
    pub endpoints: Endpoints,
}
