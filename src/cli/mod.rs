//! The command line: `virbela-bot <command>`, as the design's contract names them.

mod config_check;
mod db_probe;
pub mod findings;
pub mod healthcheck;
pub mod teams;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, LogFormat};
use crate::sandbox::{self, SandboxOptions};
use crate::telemetry;

/// Run a Virbela campus from Slack, Microsoft Teams and the console.
#[derive(Debug, Parser)]
#[command(name = "virbela-bot", version, about)]
pub struct Cli {
    /// Optional TOML file with settings (environment variable names as keys, plus
    /// [policy] and [approvals] tables); the environment overrides it.
    #[arg(long, global = true, env = "VIRBELA_BOT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The Virbela sandbox: an in-memory stand-in for the customer API.
    Sandbox(SandboxArgs),
    /// Configuration tools.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Apply the store migrations to DATABASE_URL.
    Migrate,
    /// Manage role bindings from the shell (bootstrap, break-glass).
    #[command(subcommand)]
    Roles(crate::access::cli::RolesCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(crate::audit::cli::AuditCommand),
    /// One command through the console adapter, its reply printed as text; exit code 0
    /// done or pending, 1 refused or failed, 2 usage.
    Run(crate::console::RunArgs),
    /// The sandbox in-process, a temp SQLite store and an interactive console as four
    /// demo people; no credentials needed.
    Demo(crate::console::DemoArgs),
    /// Microsoft Teams tools (the app package).
    #[command(subcommand)]
    Teams(teams::TeamsCommand),
    /// The HTTP server: Slack endpoints, /healthz and /readyz, the approval sweeper;
    /// stops gracefully on SIGINT/SIGTERM.
    Serve,
    /// GET /healthz on LISTEN_ADDR's port over loopback (2 s); exit 0 on 200, else 1.
    /// For the container's HEALTHCHECK; reads no other setting.
    Healthcheck(healthcheck::HealthcheckArgs),
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Start with an empty campus instead of seed data.
    #[arg(long, conflicts_with = "seed")]
    pub empty: bool,
    /// Seed of the generated campus (same seed, same campus).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Client id the sandbox accepts.
    #[arg(long, default_value = "sandbox-client")]
    pub client_id: String,
    /// Client secret the sandbox accepts.
    #[arg(long, default_value = "sandbox-secret", hide_default_value = true)]
    pub client_secret: String,
    /// Campus client name (Rooms URL, waitlist header).
    #[arg(long, default_value = "sandboxcampus")]
    pub client_name: String,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate every setting (and reach the store, without migrating it), print them
    /// with secrets redacted; exit 1 on an error, warnings are printed.
    Check,
}

/// Parses the command line and runs it.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Config(ConfigCommand::Check) => config_check::main(cli.config.as_deref()).await,
        Command::Healthcheck(args) => Ok(healthcheck::main(cli.config.as_deref(), args).await),
        Command::Sandbox(args) => {
            // The sandbox needs no bot settings; log as configured if that parses.
            let format = Config::load(cli.config.as_deref())
                .map(|c| c.log_format)
                .unwrap_or(LogFormat::Pretty);
            telemetry::init(format);
            run_sandbox(args).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
            crate::store::cli::migrate(&config, &mut std::io::stdout())
                .await
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Roles(command) => {
            let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
            let actor = crate::access::cli::shell_principal();
            crate::access::cli::run(&config, command, &actor, &mut std::io::stdout())
                .await
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Audit(command) => {
            let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
            crate::audit::cli::run(&config, command, &mut std::io::stdout().lock())
                .await
                .map(|()| ExitCode::SUCCESS)
        }
        Command::Run(args) => crate::console::run::main(cli.config.as_deref(), args).await,
        Command::Demo(args) => crate::console::demo::main(args).await,
        Command::Teams(command) => teams::run(command).map(|()| ExitCode::SUCCESS),
        Command::Serve => crate::server::main(cli.config.as_deref()).await,
    }
}

async fn run_sandbox(args: SandboxArgs) -> Result<(), String> {
    let options = SandboxOptions {
        client_id: args.client_id,
        client_secret: args.client_secret,
        client_name: args.client_name,
        seed: (!args.empty).then_some(args.seed),
        anchor: None,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, seeded = options.seed.is_some(), "Virbela sandbox listening; base URL http://{addr}/");
    sandbox::serve(options, listener, shutdown_signal())
        .await
        .map_err(|e| format!("sandbox stopped: {e}"))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
