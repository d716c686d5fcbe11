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
}

impl ConfigError {
    pub(crate) fn invalid(key: &'static str, message: impl std::fmt::Display) -> Self {
        ConfigError::Invalid {
            key,
            message: message.to_string(),
        }
    }
}
