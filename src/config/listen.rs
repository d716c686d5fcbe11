//! `LISTEN_ADDR`, also read on its own by `virbela-bot healthcheck`, which must work
//! whatever else is (or is not) configured.

use std::net::SocketAddr;
use std::path::Path;

use super::error::ConfigError;

/// `0.0.0.0:8080`, the design's default.
pub const DEFAULT_LISTEN_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), 8080);

const KEY: &str = "LISTEN_ADDR";

/// Parses an address like `0.0.0.0:8080`.
pub(super) fn parse(s: &str) -> Result<SocketAddr, String> {
    s.parse()
        .map_err(|_| format!("`{s}` is not an address like 0.0.0.0:8080"))
}

/// `LISTEN_ADDR` alone: from `env`, else the `--config` file's `listen_addr` key (any
/// case), else the default. Nothing else in the file is read or checked.
pub fn listen_addr(
    file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<SocketAddr, ConfigError> {
    let from_env = env(KEY).filter(|v| !v.trim().is_empty());
    let text = match (from_env, file) {
        (Some(value), _) => Some(value),
        (None, Some(path)) => from_file(path)?,
        (None, None) => None,
    };
    match text {
        Some(text) => parse(text.trim()).map_err(|m| ConfigError::invalid(KEY, m)),
        None => Ok(DEFAULT_LISTEN_ADDR),
    }
}

fn from_file(path: &Path) -> Result<Option<String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
        path: path.to_path_buf(),
        source,
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Toml {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
    Ok(table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(KEY))
        .and_then(|(_, v)| v.as_str())
        .map(str::to_string)
        .filter(|v| !v.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_environment_then_the_file_then_the_default() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("bot.toml");
        // Other settings, even broken ones, are not read.
        std::fs::write(
            &path,
            "listen_addr = \"127.0.0.1:9000\"\nVIRBELA_REGION = \"mars\"\n[policy]\nx = 1\n",
        )
        .expect("write");
        let env = |k: &str| (k == KEY).then(|| "[::]:7000".to_string());
        assert_eq!(
            listen_addr(Some(&path), &env).expect("env").to_string(),
            "[::]:7000"
        );
        assert_eq!(
            listen_addr(Some(&path), &no_env).expect("file").to_string(),
            "127.0.0.1:9000"
        );
        assert_eq!(
            listen_addr(None, &no_env).expect("default"),
            DEFAULT_LISTEN_ADDR
        );
        let bad = |k: &str| (k == KEY).then(|| "localhost".to_string());
        let err = listen_addr(None, &bad).expect_err("bad").to_string();
        assert!(err.contains("LISTEN_ADDR"), "{err}");
    }
}
