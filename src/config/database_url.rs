//! `DatabaseUrl`: the store's connection string, a secret that prints without its password.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The default: an SQLite file beside the working directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://virbela-bot.db?mode=rwc";

/// Which store a URL selects, from its scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Postgres,
    Sqlite,
}

/// A database URL whose scheme is known. It may hold a password, so `Debug` and
/// `Display` show it with the password replaced by `[redacted]`.
#[derive(Clone)]
pub struct DatabaseUrl {
    url: SecretString,
    kind: DatabaseKind,
}

/// Why a database URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{shown}` is not a supported database URL: use postgres://user@host:5432/db (or postgresql://) or sqlite://path.db?mode=rwc"
)]
pub struct DatabaseUrlError {
    shown: String,
}

impl DatabaseUrl {
    pub fn parse(text: &str) -> Result<Self, DatabaseUrlError> {
        let text = text.trim();
        let scheme = text.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let kind = match scheme.as_deref() {
            Some("postgres" | "postgresql") => DatabaseKind::Postgres,
            Some("sqlite") => DatabaseKind::Sqlite,
            _ => {
                return Err(DatabaseUrlError {
                    shown: redact(text),
                });
            }
        };
        Ok(DatabaseUrl {
            url: SecretString::from(text.to_string()),
            kind,
        })
    }

    pub fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// The full URL, password included: only for opening the connection.
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }
}

impl Default for DatabaseUrl {
    fn default() -> Self {
        DatabaseUrl {
            url: SecretString::from(DEFAULT_DATABASE_URL.to_string()),
            kind: DatabaseKind::Sqlite,
        }
    }
}

/// The URL with any password replaced.
fn redact(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("[redacted]"));
            url.to_string().replace("%5Bredacted%5D", "[redacted]")
        }
        Ok(_) => text.to_string(),
        // Unparsable: show only what precedes a possible credentials part.
        Err(_) => match text.split_once('@') {
            Some((_, host)) => format!("[redacted]@{host}"),
            None => text.to_string(),
        },
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(self.url.expose_secret()))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_store_and_unknown_schemes_are_refused() {
        assert_eq!(
            DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432/test").map(|u| u.kind()),
            Ok(DatabaseKind::Postgres)
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").map(|u| u.kind()),
            Ok(DatabaseKind::Postgres)
        );
        assert_eq!(DatabaseUrl::default().kind(), DatabaseKind::Sqlite);
        for bad in [
            "postgress://h/db",
            "mysql://h/db",
            "virbela-bot.db",
            "pg:/h",
        ] {
            let err = DatabaseUrl::parse(bad).expect_err(bad).to_string();
            assert!(err.contains("postgres://"), "{err}");
        }
    }

    #[test]
    fn passwords_never_print() {
        let url = DatabaseUrl::parse("postgres://bot:hunter2@db.internal:5432/campus").expect("ok");
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(
                shown.contains("[redacted]") && shown.contains("db.internal"),
                "{shown}"
            );
        }
        let err = DatabaseUrl::parse("postgress://bot:hunter2@db/x").expect_err("typo");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
