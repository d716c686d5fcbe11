//! `ConfigError`: every way a configuration can be refused, with a precise message.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid TOML: {message}")]
    Toml { path: PathBuf, message: String },
    #[error(
        "the config file {path} has an unknown setting `{key}` (settings are the environment variable names, e.g. VIRBELA_REGION; tables: [policy], [approvals])"
    )]
    UnknownKey { path: PathBuf, key: String },
    #[error("the config file {path} gives `{key}` a {found}; use a string, number or boolean")]
    BadValueType {
        path: PathBuf,
        key: String,
        found: &'static str,
    },
    #[error("{key}: {message}")]
    Invalid { key: &'static str, message: String },
    #[error(
        "{key} and {key}_FILE are both set {origin}: give the value or the file that holds it, not both"
    )]
    BothGiven { key: &'static str, origin: String },
    #[error("{key}_FILE: cannot read the secret file {path}: {source}")]
    SecretFile {
        key: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{key}_FILE: the secret file {path} is empty")]
    EmptySecretFile { key: &'static str, path: PathBuf },
    #[error(
        "REPLICAS = {replicas} needs a Postgres DATABASE_URL, but it is SQLite: an SQLite store is a file local to one instance, so each replica would keep its own approvals, schedules and de-duplication (a request approved, or a scheduled report posted, once per replica). Exactly-once approvals and schedule claims across replicas need Postgres: set DATABASE_URL=postgres://…, or REPLICAS=1 for a single instance"
    )]
    ReplicasNeedPostgres { replicas: u32 },
}

impl ConfigError {
    pub(crate) fn invalid(key: &'static str, message: impl std::fmt::Display) -> Self {
        ConfigError::Invalid {
            key,
            message: message.to_string(),
        }
    }
}
