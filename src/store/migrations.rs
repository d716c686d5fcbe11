//! The embedded migrations: the twin folders `migrations/postgres` and
//! `migrations/sqlite` (same file names), compiled into the binary by `sqlx::migrate!`
//! (`build.rs` makes a new file trigger a rebuild).

use sqlx::migrate::Migrator;

/// `migrations/postgres`, in order.
pub static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// `migrations/sqlite`, in order.
pub static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
