//! Where settings come from: the optional TOML file, then the environment (which wins).

use std::collections::BTreeMap;
use std::path::Path;

use super::error::ConfigError;
use super::keys::{self, SECTIONS};

/// Raw settings by their canonical (upper-case) name, plus the feature tables of the file.
#[derive(Debug, Default, Clone)]
pub struct RawSettings {
    values: BTreeMap<&'static str, String>,
    pub sections: BTreeMap<String, toml::Table>,
}

impl RawSettings {
    /// Reads `path` (if given), then overlays every known variable found by `env`.
    pub fn collect(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut raw = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
                        path: path.to_path_buf(),
                        source,
                    })?;
                Self::from_toml(path, &text)?
            }
            None => RawSettings::default(),
        };
        for key in keys::KEYS {
            if let Some(value) = env(key.name) {
                raw.values.insert(key.name, value);
            }
        }
        Ok(raw)
    }

    /// Parses the TOML text: top-level keys are setting names (any case), tables are
    /// the feature sections. Unknown names are refused, so a typo never goes unnoticed.
    pub fn from_toml(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Toml {
                path: path.to_path_buf(),
                message: e.message().to_string(),
            })?;
        let mut raw = RawSettings::default();
        for (name, value) in table {
            if let toml::Value::Table(section) = value {
                if !SECTIONS.contains(&name.as_str()) {
                    return Err(ConfigError::UnknownKey {
                        path: path.to_path_buf(),
                        key: format!("[{name}]"),
                    });
                }
                raw.sections.insert(name, section);
                continue;
            }
            let key = keys::find(&name).ok_or_else(|| ConfigError::UnknownKey {
                path: path.to_path_buf(),
                key: name.clone(),
            })?;
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Array(items) if key.name == "BOOTSTRAP_ADMINS" => items
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                other => {
                    return Err(ConfigError::BadValueType {
                        path: path.to_path_buf(),
                        key: name,
                        found: other.type_str(),
                    });
                }
            };
            raw.values.insert(key.name, text);
        }
        Ok(raw)
    }

    /// The value of a setting, if given and not blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}
