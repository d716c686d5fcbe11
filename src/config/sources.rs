//! Where settings come from: the optional TOML file, then the environment (which wins).
//! A secret may instead be given as `NAME_FILE`, the path of a file holding it
//! ([`secret_file`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::ConfigError;
use super::keys::{self, FILE_SUFFIX, SECTIONS};
use super::secret_file;

/// Raw settings by their canonical (upper-case) name, plus the feature tables of the file.
#[derive(Debug, Default, Clone)]
pub struct RawSettings {
    values: BTreeMap<&'static str, String>,
    /// The file each setting given as `NAME_FILE` was read from.
    files: BTreeMap<&'static str, PathBuf>,
    pub sections: BTreeMap<String, toml::Table>,
}

impl RawSettings {
    /// Reads `path` (if given), then overlays every known variable found by `env`. A
    /// setting given in the environment (as `NAME` or `NAME_FILE`) replaces the file's.
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
            let direct = env(key.name);
            let file = key
                .from_file_allowed()
                .then(|| env(&format!("{}{FILE_SUFFIX}", key.name)))
                .flatten()
                .filter(|p| !p.trim().is_empty());
            match (direct, file) {
                (Some(value), Some(_)) if !value.trim().is_empty() => {
                    return Err(ConfigError::BothGiven {
                        key: key.name,
                        origin: "in the environment".to_string(),
                    });
                }
                (_, Some(path)) => {
                    raw.insert_from_file(key.name, PathBuf::from(path.trim()))?;
                }
                (Some(value), None) => {
                    raw.files.remove(key.name);
                    raw.values.insert(key.name, value);
                }
                (None, None) => {}
            }
        }
        Ok(raw)
    }

    /// Parses the TOML text: top-level keys are setting names (any case), tables are
    /// the feature sections. Unknown names are refused, so a typo never goes unnoticed.
    /// `name_file` keys name secret files; a relative path is taken from the file's folder.
    pub fn from_toml(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Toml {
                path: path.to_path_buf(),
                message: e.message().to_string(),
            })?;
        let mut raw = RawSettings::default();
        let mut secret_files: Vec<(&'static str, PathBuf)> = Vec::new();
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
            if let Some(key) = keys::find_file_key(&name) {
                let toml::Value::String(file) = value else {
                    return Err(ConfigError::BadValueType {
                        path: path.to_path_buf(),
                        key: name,
                        found: value.type_str(),
                    });
                };
                let file = PathBuf::from(file.trim());
                let file = match path.parent() {
                    Some(dir) if file.is_relative() => dir.join(file),
                    _ => file,
                };
                secret_files.push((key.name, file));
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
        for (name, file) in secret_files {
            if raw.get(name).is_some() {
                return Err(ConfigError::BothGiven {
                    key: name,
                    origin: format!("in the config file {}", path.display()),
                });
            }
            raw.insert_from_file(name, file)?;
        }
        Ok(raw)
    }

    fn insert_from_file(&mut self, name: &'static str, path: PathBuf) -> Result<(), ConfigError> {
        let value = secret_file::read(name, &path)?;
        self.values.insert(name, value);
        self.files.insert(name, path);
        Ok(())
    }

    /// The value of a setting, if given and not blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The files settings given as `NAME_FILE` were read from, by setting name.
    pub fn files(&self) -> &BTreeMap<&'static str, PathBuf> {
        &self.files
    }
}
