//! Building a [`Bot`] from the [`Config`]: the Virbela client for the configured campus,
//! the store (connected and migrated), access, policy, approval settings and the default
//! time zone. Shared by `run` and, later, `serve`.

use chrono_tz::Tz;

use crate::access::{Access, AccessError};
use crate::approvals::{ApprovalSettings, SettingsError};
use crate::config::Config;
use crate::core::{Bot, BotParts};
use crate::policy::{Policy, PolicyError};
use crate::store::{Db, StoreError};
use crate::virbela::{Campus, VirbelaClient, VirbelaError};

/// Why the bot could not be built from the configuration.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "Virbela credentials are not configured: set VIRBELA_CLIENT_ID, VIRBELA_CLIENT_SECRET and \
         VIRBELA_CLIENT_NAME (in the environment or the --config file); \
         `virbela-bot demo` needs none"
    )]
    MissingCredentials,
    #[error(
        "DEFAULT_TIMEZONE: `{0}` is not an IANA time zone name (e.g. UTC, Europe/Berlin, \
         America/New_York)"
    )]
    BadTimezone(String),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error("[policy]: {0}")]
    Policy(#[from] PolicyError),
    #[error("[approvals]: {0}")]
    Approvals(#[from] SettingsError),
    #[error("cannot build the Virbela client: {0}")]
    Virbela(#[from] VirbelaError),
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
}

/// The bot as `config` describes it. The store is opened (and migrated) last, after
/// every setting has been checked.
pub async fn bot_from_config(config: &Config) -> Result<Bot, String> {
    build(config).await.map_err(|e| e.to_string())
}

async fn build(config: &Config) -> Result<Bot, SetupError> {
    let credentials = config
        .virbela
        .credentials
        .clone()
        .ok_or(SetupError::MissingCredentials)?;
    let default_timezone = parse_timezone(&config.default_timezone)?;
    let access = Access::new(&config.bootstrap_admins)?;
    let policy = Policy::from_config(config)?;
    let approval_settings = ApprovalSettings::from_config(config)?;
    let campus = Campus {
        credentials,
        endpoints: config.virbela.endpoints.clone(),
    };
    let virbela = VirbelaClient::new(campus, config.virbela.options.clone())?;
    let db = Db::open(&config.database_url).await?;
    Ok(Bot::new(BotParts {
        virbela,
        db,
        access,
        policy,
        approval_settings,
        default_timezone,
    }))
}

/// An IANA zone name, as `DEFAULT_TIMEZONE` holds it.
pub(crate) fn parse_timezone(name: &str) -> Result<Tz, SetupError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| SetupError::BadTimezone(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Config {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        let env = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Config::from_sources(None, &env).expect("config")
    }

    #[tokio::test]
    async fn missing_credentials_name_the_variables() {
        let err = build(&config(&[]))
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        for name in [
            "VIRBELA_CLIENT_ID",
            "VIRBELA_CLIENT_SECRET",
            "VIRBELA_CLIENT_NAME",
        ] {
            assert!(err.contains(name), "{err}");
        }
    }

    #[tokio::test]
    async fn a_bad_timezone_is_named() {
        let err = build(&config(&[
            ("VIRBELA_CLIENT_ID", "id"),
            ("VIRBELA_CLIENT_SECRET", "secret"),
            ("VIRBELA_CLIENT_NAME", "campus"),
            ("DEFAULT_TIMEZONE", "Mars/Olympus"),
        ]))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.contains("DEFAULT_TIMEZONE") && err.contains("Mars/Olympus"),
            "{err}"
        );
    }

    #[test]
    fn zones_parse() {
        assert!(parse_timezone("Europe/Berlin").is_ok());
        assert!(parse_timezone(" UTC ").is_ok());
        assert!(parse_timezone("utc+2").is_err());
    }
}
