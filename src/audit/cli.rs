//! `virbela-bot audit export [--since T] [--format csv|jsonl]`: the trail to stdout.

use std::io::Write;

use clap::Subcommand;

use super::{AuditError, ExportFormat, export, parse_since};
use crate::config::Config;
use crate::store::Db;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Write the audit trail to standard output, oldest first.
    Export {
        /// Only events at or after this time (2024-05-01 or 2024-05-01T09:00:00Z).
        #[arg(long, value_name = "T")]
        since: Option<String>,
        /// csv or jsonl.
        #[arg(long, default_value = "csv")]
        format: String,
    },
}

/// Runs an `audit` subcommand against the configured store.
pub async fn run(
    config: &Config,
    command: AuditCommand,
    out: &mut dyn Write,
) -> Result<(), String> {
    let AuditCommand::Export { since, format } = command;
    let since = since
        .as_deref()
        .map(parse_since)
        .transpose()
        .map_err(|e| e.to_string())?;
    let format: ExportFormat = format.parse().map_err(|e: AuditError| e.to_string())?;
    let db = Db::open(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let result = export(&db, since, format, out).await;
    db.close().await;
    match result {
        Ok(_) => Ok(()),
        // The reader went away (`| head`): not an error of ours.
        Err(AuditError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}
