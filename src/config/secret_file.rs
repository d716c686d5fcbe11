//! Reading a secret from a mounted file (`NAME_FILE`): Docker and Kubernetes secrets,
//! a Vault agent, a CSI driver. The value is the file's content with one trailing line
//! ending (`\n` or `\r\n`) removed; errors name the variable and the path, never the
//! content.

use std::path::Path;

use super::error::ConfigError;

/// The secret `name` held by the file at `path`.
pub fn read(name: &'static str, path: &Path) -> Result<String, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::SecretFile {
        key: name,
        path: path.to_path_buf(),
        source,
    })?;
    let value = trim_line_ending(&text);
    if value.trim().is_empty() {
        return Err(ConfigError::EmptySecretFile {
            key: name,
            path: path.to_path_buf(),
        });
    }
    Ok(value.to_string())
}

/// `text` without one trailing `\r\n` or `\n` (`echo secret > file` writes one).
fn trim_line_ending(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_ending_is_removed() {
        assert_eq!(trim_line_ending("s3cr3t\n"), "s3cr3t");
        assert_eq!(trim_line_ending("s3cr3t\r\n"), "s3cr3t");
        assert_eq!(trim_line_ending("s3cr3t"), "s3cr3t");
        assert_eq!(trim_line_ending("a\n\n"), "a\n");
    }

    #[test]
    fn errors_name_the_variable_and_the_path_not_the_content() {
        let dir = tempfile::tempdir().expect("dir");
        let missing = dir.path().join("nope");
        let err = read("SLACK_BOT_TOKEN", &missing)
            .expect_err("missing")
            .to_string();
        assert!(
            err.contains("SLACK_BOT_TOKEN_FILE") && err.contains(&missing.display().to_string()),
            "{err}"
        );
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").expect("write");
        let err = read("SLACK_BOT_TOKEN", &empty)
            .expect_err("empty")
            .to_string();
        assert!(
            err.contains("SLACK_BOT_TOKEN_FILE") && err.contains("empty"),
            "{err}"
        );
        let binary = dir.path().join("binary");
        std::fs::write(&binary, b"\xff\xfeQZXJ").expect("write");
        let err = read("SLACK_BOT_TOKEN", &binary)
            .expect_err("not utf-8")
            .to_string();
        assert!(!err.contains("QZXJ"), "{err}");
    }
}
