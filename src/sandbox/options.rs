//! `SandboxOptions`: the campus a sandbox imitates (credentials, client name, seed data).

use chrono::{DateTime, Utc};

/// How to build a sandbox campus.
#[derive(Clone)]
pub struct SandboxOptions {
    /// The `V-Client-Id` the API accepts (default `sandbox-client`).
    pub client_id: String,
    /// The `V-Client-Secret` the API accepts (default `sandbox-secret`).
    pub client_secret: String,
    /// The campus client name used by the Rooms URL and `V-Client-Name` (default `sandboxcampus`).
    pub client_name: String,
    /// `None` = an empty campus (no users, rooms, attendance…); `Some(n)` = deterministic
    /// seed data generated from `n`.
    pub seed: Option<u64>,
    /// The seed data's "now": attendance ends here. `None` = the start of the current UTC day.
    pub anchor: Option<DateTime<Utc>>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            client_id: "sandbox-client".to_string(),
            client_secret: "sandbox-secret".to_string(),
            client_name: "sandboxcampus".to_string(),
            seed: Some(1),
            anchor: None,
        }
    }
}

impl SandboxOptions {
    /// The campus a Virbela client uses to reach a sandbox started with these options
    /// and serving at `base_url` (both APIs on one base).
    pub fn campus(&self, base_url: &str) -> Result<crate::virbela::Campus, url::ParseError> {
        Ok(crate::virbela::Campus {
            credentials: crate::virbela::Credentials::new(
                self.client_id.clone(),
                secrecy::SecretString::from(self.client_secret.clone()),
                self.client_name.clone(),
            ),
            endpoints: crate::virbela::Endpoints::single(url::Url::parse(base_url)?),
        })
    }
}

impl std::fmt::Debug for SandboxOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxOptions")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("client_name", &self.client_name)
            .field("seed", &self.seed)
            .field("anchor", &self.anchor)
            .finish()
    }
}
