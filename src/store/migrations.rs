//! The embedded migrations: the twin folders `migrations/postgres` and
//! `migrations/sqlite` (same file names), compiled into the binary by `sqlx::migrate!`
//! (`build.rs` makes a new file trigger a rebuild).
//!
//! Both ignore migrations the database has and this binary does not know: migrations are
//! additive, so during a rolling update (or a roll-back) an older replica that restarts
//! runs against the newer schema instead of refusing to start.

use sqlx::migrate::Migrator;

/// `migrations/postgres`, in order.
pub static POSTGRES: Migrator = tolerant(sqlx::migrate!("./migrations/postgres"));

/// `migrations/sqlite`, in order.
pub static SQLITE: Migrator = tolerant(sqlx::migrate!("./migrations/sqlite"));

/// `migrator`, accepting a database that is ahead of it.
const fn tolerant(mut migrator: Migrator) -> Migrator {
    migrator.ignore_missing = true;
    migrator
}
