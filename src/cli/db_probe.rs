//! The store as `config check` sees it: whether `DATABASE_URL` can be reached, and
//! whether its migrations are applied. It never migrates (that is `serve`'s and
//! `migrate`'s job) and never creates an SQLite file; messages name the host, port and
//! database, never the password.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use super::findings::Finding;
use crate::config::{DatabaseKind, DatabaseUrl};
use crate::store::{Db, StoreError};

/// How long the store may take to answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

const KEY: &str = "DATABASE_URL";

/// A line saying the store is fine, or what is wrong (a warning when only the migrations
/// are pending: `serve` applies them at start).
pub async fn probe(url: &DatabaseUrl) -> Result<String, Finding> {
    match url.kind() {
        DatabaseKind::Postgres => postgres(url).await,
        DatabaseKind::Sqlite => sqlite(url).await,
    }
}

async fn postgres(url: &DatabaseUrl) -> Result<String, Finding> {
    let at = postgres_place(url.expose());
    let unreachable = |reason: String| {
        Finding::error(
            KEY,
            format!(
                "cannot reach the database at {at}: {}",
                scrub(url.expose(), &reason)
            ),
        )
    };
    // One plain connection first: a pool retries refused connections until its timeout,
    // which would hide the reason.
    match tokio::time::timeout(PROBE_TIMEOUT, PgConnection::connect(url.expose())).await {
        Err(_) => return Err(unreachable(no_answer())),
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
        }
    }
    let db = match tokio::time::timeout(PROBE_TIMEOUT, Db::connect(url)).await {
        Err(_) => return Err(unreachable(no_answer())),
        Ok(Err(e)) => return Err(unreachable(store_reason(e))),
        Ok(Ok(db)) => db,
    };
    let result = migrations(&db, &format!("the Postgres database at {at}")).await;
    db.close().await;
    result
}

async fn sqlite(url: &DatabaseUrl) -> Result<String, Finding> {
    let options = SqliteConnectOptions::from_str(url.expose())
        .map_err(|e| Finding::error(KEY, format!("cannot read the SQLite URL: {e}")))?;
    let path = options.get_filename().to_path_buf();
    let query = url.expose().split_once('?').map_or("", |(_, q)| q);
    let mode = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "mode")
        .map(|(_, v)| v.into_owned());
    if mode.as_deref() == Some("memory") || path == Path::new(":memory:") {
        return Err(Finding::warning(
            KEY,
            "the SQLite store is in memory: everything is lost when the process stops",
        ));
    }
    if !path.exists() {
        return missing_file(&path, mode.as_deref() == Some("rwc"));
    }
    let shown = path.display();
    if let Err(e) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
    {
        return Err(Finding::error(
            KEY,
            format!("cannot open the SQLite file {shown} for writing: {e}"),
        ));
    }
    let connect = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(PROBE_TIMEOUT)
        .connect_with(options.create_if_missing(false));
    let db = match tokio::time::timeout(PROBE_TIMEOUT, connect).await {
        Err(_) => {
            return Err(Finding::error(
                KEY,
                format!("cannot open the SQLite file {shown}: {}", no_answer()),
            ));
        }
        Ok(Err(e)) => {
            return Err(Finding::error(
                KEY,
                format!("cannot open the SQLite file {shown}: {e}"),
            ));
        }
        Ok(Ok(pool)) => Db::Sqlite(pool),
    };
    let result = migrations(&db, &format!("the SQLite file {shown}")).await;
    db.close().await;
    result
}

/// A file not there yet: fine when the URL lets `serve` create it in a writable folder.
fn missing_file(path: &Path, creatable: bool) -> Result<String, Finding> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let shown = path.display();
    if !dir.is_dir() {
        return Err(Finding::error(
            KEY,
            format!(
                "the folder {} of the SQLite file {shown} does not exist",
                dir.display()
            ),
        ));
    }
    if !creatable {
        return Err(Finding::error(
            KEY,
            format!(
                "the SQLite file {shown} does not exist and the URL does not let it be created \
                 (add ?mode=rwc)"
            ),
        ));
    }
    let probe = dir.join(format!(".virbela-bot-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(format!(
                "the SQLite file {shown} does not exist yet: `serve` (or `migrate`) creates it \
                 and applies the migrations"
            ))
        }
        Err(e) => Err(Finding::error(
            KEY,
            format!(
                "the SQLite file {shown} does not exist and its folder {} is not writable: {e}",
                dir.display()
            ),
        )),
    }
}

/// Whether every migration is applied to `db` (described as `what`).
async fn migrations(db: &Db, what: &str) -> Result<String, Finding> {
    match tokio::time::timeout(PROBE_TIMEOUT, db.ready()).await {
        Ok(Ok(())) => Ok(format!("{what} answers; migrations: all applied")),
        Ok(Err(StoreError::NotMigrated)) => Err(Finding::warning(
            KEY,
            format!(
                "{what} answers, but its migrations are not all applied: `serve` applies them at \
                 start (or run `virbela-bot migrate`)"
            ),
        )),
        Ok(Err(e)) => Err(Finding::error(
            KEY,
            format!("{what} answered, then failed: {}", store_reason(e)),
        )),
        Err(_) => Err(Finding::error(KEY, format!("{what}: {}", no_answer()))),
    }
}

fn no_answer() -> String {
    format!("no answer within {} s", PROBE_TIMEOUT.as_secs())
}

fn store_reason(e: StoreError) -> String {
    match e {
        StoreError::Connect { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// `host:port/db` of a Postgres URL (no user, no password).
fn postgres_place(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => {
            let host = u
                .host_str()
                .filter(|h| !h.is_empty())
                .unwrap_or("localhost");
            let port = u.port().unwrap_or(5432);
            let db = u.path().trim_start_matches('/');
            format!("{host}:{port}/{db}")
        }
        Err(_) => "the configured address".to_string(),
    }
}

/// `text` with the URL's password (if any) replaced, in case a driver message echoes it.
fn scrub(url: &str, text: &str) -> String {
    let password = url::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(str::to_string))
        .filter(|p| !p.is_empty());
    match password {
        Some(p) => text.replace(&p, "[redacted]"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> DatabaseUrl {
        DatabaseUrl::parse(text).expect("url")
    }

    #[test]
    fn places_and_messages_never_show_the_password() {
        assert_eq!(
            postgres_place("postgres://bot:hunter2@db.internal:6543/campus"),
            "db.internal:6543/campus"
        );
        assert_eq!(postgres_place("postgres://db/x"), "db:5432/x");
        assert_eq!(
            scrub("postgres://bot:hunter2@db/x", "bad hunter2"),
            "bad [redacted]"
        );
    }

    #[tokio::test]
    async fn an_unreachable_postgres_is_named_with_its_reason() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let finding = probe(&url(&format!(
            "postgres://bot:hunter2@127.0.0.1:{port}/campus"
        )))
        .await
        .expect_err("unreachable");
        let text = finding.to_string();
        assert!(
            text.starts_with("error: DATABASE_URL: cannot reach the database at 127.0.0.1:")
                && text.contains("/campus"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[tokio::test]
    async fn sqlite_files_folders_and_migrations() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("bot.db");
        let rwc = url(&format!("sqlite://{}?mode=rwc", file.display()));
        let line = probe(&rwc).await.expect("creatable");
        assert!(line.contains("does not exist yet"), "{line}");
        assert!(!file.exists(), "config check created the file");

        let plain = url(&format!("sqlite://{}", file.display()));
        let err = probe(&plain).await.expect_err("not creatable").to_string();
        assert!(err.contains("mode=rwc"), "{err}");

        let nowhere = url(&format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("no/such/bot.db").display()
        ));
        let err = probe(&nowhere).await.expect_err("no folder").to_string();
        assert!(err.contains("does not exist"), "{err}");

        let db = Db::connect(&rwc).await.expect("create");
        db.close().await;
        let warning = probe(&rwc).await.expect_err("not migrated");
        assert_eq!(warning.severity, super::super::findings::Severity::Warning);
        assert!(warning.message.contains("virbela-bot migrate"), "{warning}");

        let db = Db::open(&rwc).await.expect("migrate");
        db.close().await;
        let line = probe(&rwc).await.expect("migrated");
        assert!(line.contains("migrations: all applied"), "{line}");
    }
}
