//! Configuration: environment variables of the design's contract, optionally given in a
//! TOML file (`--config`), parsed once into typed settings. Secrets are `SecretString`
//! and print as `[redacted]`; each may instead be read from a file named by `NAME_FILE`
//! ([`keys::Key::from_file_allowed`]).

mod database_url;
mod error;
pub mod keys;
mod listen;
mod secret_file;
mod sources;

use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

pub use database_url::{DEFAULT_DATABASE_URL, DatabaseKind, DatabaseUrl, DatabaseUrlError};
pub use error::ConfigError;
pub use listen::listen_addr;
pub use sources::RawSettings;

use crate::virbela::{ClientOptions, Credentials, Endpoints, Region};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The campus's Virbela settings.
#[derive(Debug, Clone)]
pub struct VirbelaSettings {
    pub region: Region,
    pub endpoints: Endpoints,
    /// Present when id, secret and client name are all given.
    pub credentials: Option<Credentials>,
    pub options: ClientOptions,
}

/// Slack app settings.
#[derive(Debug, Clone)]
pub struct SlackSettings {
    pub signing_secret: Option<SecretString>,
    pub bot_token: Option<SecretString>,
    pub app_token: Option<SecretString>,
    pub api_url: Url,
    pub approvals_channel: Option<String>,
}

/// Microsoft Teams (Bot Framework) settings.
#[derive(Debug, Clone)]
pub struct TeamsSettings {
    pub app_id: Option<String>,
    pub app_password: Option<SecretString>,
    pub tenant_id: Option<String>,
    pub openid_metadata_url: Url,
    pub token_url: Option<Url>,
    pub allowed_service_hosts: Vec<String>,
    pub approvals_conversation: Option<String>,
}

/// Every setting, typed.
#[derive(Debug, Clone)]
pub struct Config {
    pub virbela: VirbelaSettings,
    pub database_url: DatabaseUrl,
    pub listen_addr: SocketAddr,
    /// How many instances of the bot share the store (`REPLICAS`, at least 1).
    pub replicas: u32,
    pub slack: SlackSettings,
    pub teams: TeamsSettings,
    pub public_url: Option<Url>,
    /// Principals that are admins whatever the store says (parsed by the access layer).
    pub bootstrap_admins: Vec<String>,
    pub default_timezone: String,
    pub log_format: LogFormat,
    /// TOML tables read by features (`[policy]`, `[approvals]`).
    pub sections: BTreeMap<String, toml::Table>,
    /// The file each setting given as `NAME_FILE` was read from (`config check` says so).
    pub secret_files: BTreeMap<&'static str, PathBuf>,
}

impl Config {
    /// Loads from the optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_sources(file, &|name| std::env::var(name).ok())
    }

    /// Loads from the optional file and the given environment lookup (tests pass a map).
    pub fn from_sources(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        Self::from_raw(&RawSettings::collect(file, env)?)
    }

    pub fn from_raw(raw: &RawSettings) -> Result<Self, ConfigError> {
        let region = parse_or(raw, "VIRBELA_REGION", Region::default(), |s| s.parse())?;
        let endpoints = Endpoints {
            api: parse_or(raw, "VIRBELA_BASE_URL", region.api_base_url(), parse_url)?,
            product: parse_or(
                raw,
                "VIRBELA_PRODUCT_URL",
                region.product_base_url(),
                parse_url,
            )?,
        };
        let credentials = credentials(raw)?;
        let defaults = ClientOptions::default();
        let options = ClientOptions {
            timeout: Duration::from_secs(parse_or(
                raw,
                "VIRBELA_TIMEOUT_SECS",
                defaults.timeout.as_secs(),
                positive,
            )?),
            retry_attempts: parse_or(
                raw,
                "VIRBELA_RETRY_ATTEMPTS",
                defaults.retry_attempts,
                positive_u32,
            )?,
            attendance_concurrency: parse_or(
                raw,
                "VIRBELA_ATTENDANCE_CONCURRENCY",
                defaults.attendance_concurrency,
                positive_usize,
            )?,
            ..defaults
        };
        let slack = SlackSettings {
            signing_secret: secret(raw, "SLACK_SIGNING_SECRET"),
            bot_token: secret(raw, "SLACK_BOT_TOKEN"),
            app_token: secret(raw, "SLACK_APP_TOKEN"),
            api_url: parse_or(
                raw,
                "SLACK_API_URL",
                builtin_url("https://slack.com/api/")?,
                parse_url,
            )?,
            approvals_channel: text(raw, "SLACK_APPROVALS_CHANNEL"),
        };
        let teams = TeamsSettings {
            app_id: text(raw, "TEAMS_APP_ID"),
            app_password: secret(raw, "TEAMS_APP_PASSWORD"),
            tenant_id: text(raw, "TEAMS_TENANT_ID"),
            openid_metadata_url: parse_or(
                raw,
                "TEAMS_OPENID_METADATA_URL",
                builtin_url("https://login.botframework.com/v1/.well-known/openidconfiguration")?,
                parse_url,
            )?,
            token_url: raw
                .get("TEAMS_TOKEN_URL")
                .map(parse_url)
                .transpose()
                .map_err(|e| e.for_key("TEAMS_TOKEN_URL"))?,
            allowed_service_hosts: list(raw, "TEAMS_ALLOWED_SERVICE_HOSTS"),
            approvals_conversation: text(raw, "TEAMS_APPROVALS_CONVERSATION"),
        };
        Ok(Config {
            virbela: VirbelaSettings {
                region,
                endpoints,
                credentials,
                options,
            },
            database_url: parse_or(
                raw,
                "DATABASE_URL",
                DatabaseUrl::default(),
                DatabaseUrl::parse,
            )?,
            listen_addr: parse_or(
                raw,
                "LISTEN_ADDR",
                listen::DEFAULT_LISTEN_ADDR,
                listen::parse,
            )?,
            replicas: parse_or(raw, "REPLICAS", 1, positive_u32)?,
            slack,
            teams,
            public_url: raw
                .get("PUBLIC_URL")
                .map(parse_url)
                .transpose()
                .map_err(|e| e.for_key("PUBLIC_URL"))?,
            bootstrap_admins: list(raw, "BOOTSTRAP_ADMINS"),
            default_timezone: text(raw, "DEFAULT_TIMEZONE").unwrap_or_else(|| "UTC".to_string()),
            log_format: parse_or(raw, "LOG_FORMAT", default_log_format(), |s| match s {
                "pretty" => Ok(LogFormat::Pretty),
                "json" => Ok(LogFormat::Json),
                other => Err(format!("`{other}` is not a log format: use pretty or json")),
            })?,
            sections: raw.sections.clone(),
            secret_files: raw.files().clone(),
        })
    }

    /// Refuses more than one replica on SQLite: each would have its own store, so
    /// approvals, schedule claims and de-duplication would no longer be shared.
    pub fn require_shared_store(&self) -> Result<(), ConfigError> {
        if self.replicas > 1 && self.database_url.kind() == DatabaseKind::Sqlite {
            return Err(ConfigError::ReplicasNeedPostgres {
                replicas: self.replicas,
            });
        }
        Ok(())
    }

    /// The settings as `config check` prints them: one `NAME = value` line each, secrets
    /// shown only as set or not set.
    pub fn report(&self) -> ConfigReport<'_> {
        ConfigReport(self)
    }
}

fn default_log_format() -> LogFormat {
    if std::io::stderr().is_terminal() {
        LogFormat::Pretty
    } else {
        LogFormat::Json
    }
}

/// A message from a value parser, attached to its key by [`parse_or`].
struct BadValue(String);

impl BadValue {
    fn for_key(self, key: &'static str) -> ConfigError {
        ConfigError::invalid(key, self.0)
    }
}

impl<E: fmt::Display> From<E> for BadValue {
    fn from(e: E) -> Self {
        BadValue(e.to_string())
    }
}

fn parse_or<T, E: Into<BadValue>>(
    raw: &RawSettings,
    key: &'static str,
    default: T,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, ConfigError> {
    match raw.get(key) {
        Some(value) => parse(value).map_err(|e| e.into().for_key(key)),
        None => Ok(default),
    }
}

fn parse_url(s: &str) -> Result<Url, BadValue> {
    let url = Url::parse(s).map_err(|e| BadValue(format!("`{s}` is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(BadValue(format!("`{s}` must be an http(s) URL")));
    }
    // Keep a trailing slash so relative paths join under it.
    if url.path().ends_with('/') {
        Ok(url)
    } else {
        Url::parse(&format!("{s}/")).map_err(|e| BadValue(e.to_string()))
    }
}

fn builtin_url(s: &'static str) -> Result<Url, ConfigError> {
    Url::parse(s).map_err(|e| ConfigError::invalid("built-in default", format!("{s}: {e}")))
}

fn positive(s: &str) -> Result<u64, String> {
    s.parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{s}` is not a positive whole number"))
}

fn positive_u32(s: &str) -> Result<u32, String> {
    positive(s).and_then(|n| u32::try_from(n).map_err(|_| format!("`{s}` is too large")))
}

fn positive_usize(s: &str) -> Result<usize, String> {
    positive(s).and_then(|n| usize::try_from(n).map_err(|_| format!("`{s}` is too large")))
}

fn text(raw: &RawSettings, key: &str) -> Option<String> {
    raw.get(key).map(str::to_string)
}

fn secret(raw: &RawSettings, key: &str) -> Option<SecretString> {
    raw.get(key).map(|s| SecretString::from(s.to_string()))
}

fn list(raw: &RawSettings, key: &str) -> Vec<String> {
    raw.get(key)
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn credentials(raw: &RawSettings) -> Result<Option<Credentials>, ConfigError> {
    let id = raw.get("VIRBELA_CLIENT_ID");
    let secret = raw.get("VIRBELA_CLIENT_SECRET");
    let name = raw.get("VIRBELA_CLIENT_NAME");
    match (id, secret, name) {
        (None, None, None) => Ok(None),
        (Some(id), Some(secret), Some(name)) => Ok(Some(Credentials::new(
            id,
            SecretString::from(secret.to_string()),
            name,
        ))),
        _ => {
            let missing: Vec<&str> = [
                ("VIRBELA_CLIENT_ID", id),
                ("VIRBELA_CLIENT_SECRET", secret),
                ("VIRBELA_CLIENT_NAME", name),
            ]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k)
            .collect();
            Err(ConfigError::invalid(
                "VIRBELA_CLIENT_ID",
                format!(
                    "the campus credentials are half given: also set {} (all three come from the Virbela dashboard → world → integrations)",
                    missing.join(" and ")
                ),
            ))
        }
    }
}

/// Printable view of a [`Config`] with secrets redacted.
pub struct ConfigReport<'a>(&'a Config);

impl fmt::Display for ConfigReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        let set = |s: &Option<SecretString>| {
            if s.is_some() {
                "[redacted]"
            } else {
                "(not set)"
            }
        };
        let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "(not set)".to_string());
        let v = &c.virbela;
        let creds = v.credentials.as_ref();
        let lines: Vec<(&str, String)> = vec![
            ("VIRBELA_REGION", v.region.to_string()),
            ("VIRBELA_BASE_URL", v.endpoints.api.to_string()),
            ("VIRBELA_PRODUCT_URL", v.endpoints.product.to_string()),
            (
                "VIRBELA_CLIENT_ID",
                opt(&creds.map(|c| c.client_id().to_string())),
            ),
            (
                "VIRBELA_CLIENT_SECRET",
                if creds.is_some() {
                    "[redacted]"
                } else {
                    "(not set)"
                }
                .to_string(),
            ),
            (
                "VIRBELA_CLIENT_NAME",
                opt(&creds.map(|c| c.client_name().to_string())),
            ),
            (
                "VIRBELA_TIMEOUT_SECS",
                v.options.timeout.as_secs().to_string(),
            ),
            (
                "VIRBELA_RETRY_ATTEMPTS",
                v.options.retry_attempts.to_string(),
            ),
            (
                "VIRBELA_ATTENDANCE_CONCURRENCY",
                v.options.attendance_concurrency.to_string(),
            ),
            ("DATABASE_URL", c.database_url.to_string()),
            ("LISTEN_ADDR", c.listen_addr.to_string()),
            ("REPLICAS", c.replicas.to_string()),
            (
                "SLACK_SIGNING_SECRET",
                set(&c.slack.signing_secret).to_string(),
            ),
            ("SLACK_BOT_TOKEN", set(&c.slack.bot_token).to_string()),
            ("SLACK_APP_TOKEN", set(&c.slack.app_token).to_string()),
            ("SLACK_API_URL", c.slack.api_url.to_string()),
            ("SLACK_APPROVALS_CHANNEL", opt(&c.slack.approvals_channel)),
            ("TEAMS_APP_ID", opt(&c.teams.app_id)),
            ("TEAMS_APP_PASSWORD", set(&c.teams.app_password).to_string()),
            ("TEAMS_TENANT_ID", opt(&c.teams.tenant_id)),
            (
                "TEAMS_OPENID_METADATA_URL",
                c.teams.openid_metadata_url.to_string(),
            ),
            (
                "TEAMS_TOKEN_URL",
                opt(&c.teams.token_url.as_ref().map(Url::to_string)),
            ),
            (
                "TEAMS_ALLOWED_SERVICE_HOSTS",
                c.teams.allowed_service_hosts.join(","),
            ),
            (
                "TEAMS_APPROVALS_CONVERSATION",
                opt(&c.teams.approvals_conversation),
            ),
            (
                "PUBLIC_URL",
                opt(&c.public_url.as_ref().map(Url::to_string)),
            ),
            ("BOOTSTRAP_ADMINS", c.bootstrap_admins.join(",")),
            ("DEFAULT_TIMEZONE", c.default_timezone.clone()),
            (
                "LOG_FORMAT",
                format!("{:?}", c.log_format).to_ascii_lowercase(),
            ),
        ];
        for (name, value) in lines {
            match c.secret_files.get(name) {
                Some(path) => writeln!(f, "{name} = {value} (from {})", path.display())?,
                None => writeln!(f, "{name} = {value}")?,
            }
        }
        for name in c.sections.keys() {
            writeln!(f, "[{name}] (from the config file)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_files;
