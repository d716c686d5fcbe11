//! The store: one [`Db`] over a Postgres or an SQLite pool, chosen from the
//! `DATABASE_URL` scheme, its embedded migrations (`migrations/postgres`,
//! `migrations/sqlite`, twin files), transactions ([`Tx`]) and the query functions,
//! grouped by table (one module per table).
//!
//! Every query is one SQL text with `$N` placeholders, which both sqlx drivers bind by
//! number, run with runtime `query`/`query_as` and `FromRow`; the few dialect forks are
//! marked where they happen. Timestamps are always bound from the application (see
//! [`now`]), never taken from the database clock, so both backends hold the same values
//! and SQLite's RFC 3339 text compares in time order.

pub mod approval_messages;
pub mod approval_requests;
pub mod approval_votes;
pub mod audit_events;
pub mod cli;
pub mod inbound_deliveries;
pub mod invitations;
pub mod migrations;
pub mod role_bindings;
pub mod schedules;
pub mod shared_files;
pub mod teams_conversations;
pub mod teams_users;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Postgres, Sqlite, Transaction};

use crate::config::{DatabaseKind, DatabaseUrl};

/// How long an SQLite writer waits for the file lock before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A store failure. Messages never include the database URL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the {kind} store: {source}")]
    Connect {
        kind: &'static str,
        source: sqlx::Error,
    },
    #[error("cannot apply the store migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the store has no migrations applied yet or is behind: run `virbela-bot migrate`")]
    NotMigrated,
    #[error("store query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("the store holds a value this version cannot read: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// True when the failure is a unique-constraint violation (a duplicate row).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Query(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// Whether a database error says the table queried does not exist (Postgres `42P01`,
/// SQLite "no such table").
fn is_missing_table(e: &dyn sqlx::error::DatabaseError) -> bool {
    e.code().as_deref() == Some("42P01") || e.message().contains("no such table")
}

/// The store: a pool over one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Pg(PgPool),
    Sqlite(SqlitePool),
}

/// Runs `$body` with `$p` bound to the backend's pool; the body is type-checked once
/// per backend, so both arms must produce the same type.
macro_rules! on_db {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            $crate::store::Db::Pg($p) => $body,
            $crate::store::Db::Sqlite($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection (`&mut PgConnection` or
/// `&mut SqliteConnection`).
macro_rules! on_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::store::Tx::Pg(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::store::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

pub(crate) use on_tx;

/// An open transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub enum Tx {
    Pg(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Pg(t) => t.commit().await?,
            Tx::Sqlite(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Tx::Pg(t) => t.rollback().await?,
            Tx::Sqlite(t) => t.rollback().await?,
        }
        Ok(())
    }

    /// Whether this transaction runs on Postgres (for the few dialect forks).
    pub fn is_pg(&self) -> bool {
        matches!(self, Tx::Pg(_))
    }
}

impl Db {
    /// Opens a pool for the URL's backend. SQLite runs in WAL mode with a busy timeout and
    /// foreign keys on; whether a missing file is created is the URL's `mode=` (the
    /// default URL has `mode=rwc`). Postgres URLs never fall back to SQLite: the scheme was
    /// checked when the URL was parsed.
    pub async fn connect(url: &DatabaseUrl) -> Result<Db, StoreError> {
        match url.kind() {
            DatabaseKind::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url.expose())
                    .await
                    .map_err(|source| StoreError::Connect {
                        kind: "Postgres",
                        source,
                    })?;
                Ok(Db::Pg(pool))
            }
            DatabaseKind::Sqlite => {
                let connect_error = |source| StoreError::Connect {
                    kind: "SQLite",
                    source,
                };
                let options = SqliteConnectOptions::from_str(url.expose())
                    .map_err(connect_error)?
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true);
                // A file on this machine: no network to fail between uses, so no ping
                // on every acquire (it costs a round trip to the connection's thread).
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .map_err(connect_error)?;
                Ok(Db::Sqlite(pool))
            }
        }
    }

    /// Connects and applies the migrations: what start-up does.
    pub async fn open(url: &DatabaseUrl) -> Result<Db, StoreError> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Applies the embedded migrations that are not applied yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = self.migrator();
        on_db!(self, |pool| migrator.run(pool).await)?;
        Ok(())
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self {
            Db::Pg(_) => &migrations::POSTGRES,
            Db::Sqlite(_) => &migrations::SQLITE,
        }
    }

    /// Readiness: the store answers and every embedded migration is applied.
    pub async fn ready(&self) -> Result<(), StoreError> {
        const SQL: &str = "select version from _sqlx_migrations where success order by version";
        let applied: Vec<i64> =
            match on_db!(self, |pool| sqlx::query_scalar(SQL).fetch_all(pool).await) {
                Ok(applied) => applied,
                // The migrations table does not exist: nothing was ever applied.
                Err(sqlx::Error::Database(e)) if is_missing_table(e.as_ref()) => {
                    return Err(StoreError::NotMigrated);
                }
                // Unreachable, refused, timed out, closed…: say so, not "not migrated".
                Err(e) => return Err(StoreError::Query(e)),
            };
        let migrator = self.migrator();
        let all_applied = migrator.iter().all(|m| applied.contains(&m.version));
        if all_applied {
            Ok(())
        } else {
            Err(StoreError::NotMigrated)
        }
    }

    /// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: it takes
    /// the write lock up front (waiting up to the busy timeout), so concurrent writers
    /// queue instead of failing when a read lock would have to be upgraded.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Pg(pool) => Tx::Pg(pool.begin().await?),
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
        })
    }

    /// Begins a read-only (deferred) transaction: a consistent snapshot for reads.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Pg(pool) => Tx::Pg(pool.begin().await?),
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
        })
    }

    /// Which backend this is.
    pub fn kind(&self) -> DatabaseKind {
        match self {
            Db::Pg(_) => DatabaseKind::Postgres,
            Db::Sqlite(_) => DatabaseKind::Sqlite,
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        on_db!(self, |pool| pool.close().await);
    }
}

/// The current time at the precision both backends keep (microseconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Lets an enum stored as a text word (`Role`, `ApprovalState`, …) be decoded from a
/// column on either backend, through its `FromStr`.
macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl<DB: sqlx::Database> sqlx::Type<DB> for $ty
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $ty
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<String as sqlx::Decode<'r, DB>>::decode(value)?.parse::<$ty>()?)
            }
        }
    )+};
}

text_column!(
    crate::access::Role,
    crate::approvals::ApprovalState,
    crate::approvals::Decision,
);

/// Turns a stored word into its type, or a [`StoreError::Corrupt`] naming the column.
pub(crate) fn parse_column<T: FromStr>(column: &str, value: &str) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{column} = `{value}`")))
}
