//! [`TeamsState`]: what the Teams handlers share — the bot, the store (conversation
//! references, de-duplication), the inbound token validator, the outbound connector, the
//! allowed tenants and the signed file links.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::config::TeamsSettings;
use crate::core::Bot;
use crate::files::FileLinks;
use crate::store::Db;
use crate::teams::auth::{AuthSettings, BotAuth};
use crate::teams::connector::{Connector, ConnectorSettings};

/// Why Teams cannot be set up (`serve` stops with this message).
#[derive(Debug, thiserror::Error)]
pub enum TeamsSetupError {
    #[error(
        "TEAMS_APP_ID is set but {0} is not: Teams needs the app id, its client secret \
         (TEAMS_APP_PASSWORD) and the Azure AD tenant (TEAMS_TENANT_ID) of a single-tenant bot"
    )]
    Missing(&'static str),
    #[error("TEAMS_APP_ID `{0}` is not a GUID (Azure Bot → Configuration → Microsoft App ID)")]
    BadAppId(String),
    #[error("TEAMS_TENANT_ID `{0}` is not a GUID (Entra ID → Overview → Tenant ID)")]
    BadTenant(String),
    #[error("cannot build the HTTP client for Teams: {0}")]
    HttpClient(#[source] reqwest::Error),
}

/// Shared by the Teams handlers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TeamsState {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub bot: Bot,
    pub db: Db,
    pub auth: BotAuth,
    pub connector: Connector,
    /// The Microsoft App ID (the tokens' audience).
    pub app_id: String,
    /// Tenants whose activities are accepted; the first one issues the bot's token.
    pub tenants: Vec<String>,
    /// Signed links for CSV and PNG files; `None` without `PUBLIC_URL`.
    pub links: Option<FileLinks>,
}

impl TeamsState {
    /// From the settings: `TEAMS_APP_ID`, `TEAMS_APP_PASSWORD`, `TEAMS_TENANT_ID` (one id
    /// or a comma-separated list: the first is the bot's own tenant) are required.
    /// `public_url` enables signed file links (their key derives from the app password).
    pub fn from_settings(
        bot: Bot,
        db: Db,
        settings: &TeamsSettings,
        public_url: Option<&Url>,
    ) -> Result<TeamsState, TeamsSetupError> {
        let app_id = settings
            .app_id
            .clone()
            .ok_or(TeamsSetupError::Missing("TEAMS_APP_ID"))?;
        if !is_guid(&app_id) {
            return Err(TeamsSetupError::BadAppId(app_id));
        }
        let password = settings
            .app_password
            .clone()
            .ok_or(TeamsSetupError::Missing("TEAMS_APP_PASSWORD"))?;
        let tenants: Vec<String> = settings
            .tenant_id
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let Some(home) = tenants.first() else {
            return Err(TeamsSetupError::Missing("TEAMS_TENANT_ID"));
        };
        if let Some(bad) = tenants.iter().find(|t| !is_guid(t)) {
            return Err(TeamsSetupError::BadTenant(bad.clone()));
        }
        let token_url = match &settings.token_url {
            Some(url) => url.clone(),
            None => default_token_url(home)?,
        };
        let auth = BotAuth::new(AuthSettings {
            app_id: app_id.clone(),
            openid_metadata_url: settings.openid_metadata_url.clone(),
        })
        .map_err(TeamsSetupError::HttpClient)?;
        let links = public_url.map(|url| {
            FileLinks::new(
                db.clone(),
                url.clone(),
                &password,
                crate::files::DEFAULT_TTL,
            )
        });
        let connector = Connector::new(ConnectorSettings {
            app_id: app_id.clone(),
            app_password: password,
            token_url,
            extra_hosts: settings.allowed_service_hosts.clone(),
        });
        Ok(TeamsState {
            inner: Arc::new(Inner {
                bot,
                db,
                auth,
                connector,
                app_id,
                tenants,
                links,
            }),
        })
    }

    /// The bot's own id in conversations (`28:<app id>`).
    pub fn bot_id(&self) -> String {
        format!("28:{}", self.inner.app_id)
    }

    pub fn bot(&self) -> &Bot {
        &self.inner.bot
    }

    pub fn connector(&self) -> &Connector {
        &self.inner.connector
    }

    /// The signed file links (`None` without `PUBLIC_URL`).
    pub fn file_links(&self) -> Option<&FileLinks> {
        self.inner.links.as_ref()
    }

    /// Whether activities from `tenant` are accepted.
    pub fn tenant_allowed(&self, tenant: &str) -> bool {
        self.inner
            .tenants
            .iter()
            .any(|t| t.eq_ignore_ascii_case(tenant))
    }
}

/// How long an invoke may take before Teams gives up (5 s); answers leave a margin.
pub const INVOKE_BUDGET: Duration = Duration::from_millis(4_000);

fn default_token_url(tenant: &str) -> Result<Url, TeamsSetupError> {
    Url::parse(&format!(
        "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
    ))
    .map_err(|_| TeamsSetupError::BadTenant(tenant.to_string()))
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == lengths.len()
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("c9e8c047-2a74-40a2-b28a-b162d5f5327c"));
        assert!(!is_guid("c9e8c047-2a74-40a2-b28a-b162d5f5327"));
        assert!(!is_guid("c9e8c047_2a74-40a2-b28a-b162d5f5327c"));
        assert!(!is_guid("botframework.com"));
    }

    #[test]
    fn the_default_token_url_is_the_tenants() {
        let url = default_token_url("72f988bf-86f1-41af-91ab-2d7cd011db47").unwrap();
        assert_eq!(
            url.as_str(),
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
        );
    }
}
