//! `virbela-bot teams …`: Microsoft Teams tools. `teams package` writes the app package
//! (manifest and icons, zipped) to upload to Teams; see `docs/teams.md`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum TeamsCommand {
    /// Write the Teams app package (manifest.json, color.png, outline.png) to upload as a
    /// custom app or to the organisation's app catalogue.
    Package(PackageArgs),
}

#[derive(Debug, Args)]
pub struct PackageArgs {
    /// The Azure Bot's Microsoft App ID (TEAMS_APP_ID), a GUID.
    #[arg(long, value_name = "GUID")]
    pub app_id: String,
    /// The public host name the bot is served at (messaging endpoint
    /// https://<host>/api/messages), without scheme or path.
    #[arg(long, value_name = "HOST")]
    pub host: String,
    /// Where to write the zip.
    #[arg(long, value_name = "FILE", default_value = "app.zip")]
    pub out: PathBuf,
    /// The app's display name in Teams (30 characters at most).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

/// Runs a `teams` subcommand, printing what it did.
pub fn run(command: TeamsCommand) -> Result<(), String> {
    match command {
        TeamsCommand::Package(args) => {
            crate::teams::package::package(
                &args.app_id,
                &args.host,
                args.name.as_deref(),
                &args.out,
            )
            .map_err(|e| e.to_string())?;
            println!("Wrote the Teams app package to {}.", args.out.display());
            println!(
                "Next: in Teams, Apps → Manage your apps → Upload an app → Upload a custom app (or, \
                 as a Teams admin, upload it to your organisation's app catalogue in the Teams admin \
                 center), then add the bot to a chat or team. The Azure Bot's messaging endpoint must \
                 be https://{}/api/messages.",
                args.host.trim().trim_end_matches('.').to_ascii_lowercase()
            );
            Ok(())
        }
    }
}
