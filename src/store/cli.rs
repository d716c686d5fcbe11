//! `virbela-bot migrate`: apply the store migrations to `DATABASE_URL`.

use std::io::Write;

use super::Db;
use crate::config::Config;

/// Connects to the configured store and applies the pending migrations.
pub async fn migrate(config: &Config, out: &mut dyn Write) -> Result<(), String> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let result = db.migrate().await.map_err(|e| e.to_string());
    db.close().await;
    result?;
    writeln!(out, "migrations applied to {}", config.database_url).map_err(|e| e.to_string())
}
