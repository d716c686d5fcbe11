//! `virbela-bot run [--as PRINCIPAL] [--out DIR] -- TEXT…`: one command through the bot,
//! its reply as text on stdout, attachments written to `--out`, and the status as the
//! exit code (0 done or pending, 1 refused or failed, 2 usage).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{exit_code, logging, render_text, setup, status_word, write_attachments};
use crate::access::Principal;
use crate::config::Config;
use crate::core::{Caller, Status};

/// `virbela-bot run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Who is asking (platform:id, e.g. console:alice or slack:U012ABCDEF); default
    /// console:$USER.
    #[arg(long = "as", value_name = "PRINCIPAL")]
    pub as_principal: Option<String>,
    /// Folder for the reply's attachments (CSV, PNG); default the current directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The command, as typed in Slack (e.g. `attendance Theater last week`).
    #[arg(
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "TEXT"
    )]
    pub text: Vec<String>,
}

/// Runs one command. Configuration and start-up problems are errors (exit 1 from the
/// command line); the command's own outcome is the exit code.
pub async fn main(config_file: Option<&Path>, args: RunArgs) -> Result<ExitCode, String> {
    let principal = match args.as_principal.as_deref() {
        Some(text) => match text.parse::<Principal>() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: --as: {e}");
                return Ok(ExitCode::from(2));
            }
        },
        None => default_principal(),
    };
    let config = Config::load(config_file).map_err(|e| e.to_string())?;
    logging::init_quiet();
    let bot = setup::bot_from_config(&config).await?;
    let text = args.text.join(" ");
    let reply = bot.handle(&Caller::new(principal), &text).await;

    let mut stdout = std::io::stdout().lock();
    let rendered = render_text(&reply);
    let written = if rendered.is_empty() {
        Ok(())
    } else {
        writeln!(stdout, "{rendered}")
    };
    written.map_err(|e| format!("cannot write the reply: {e}"))?;
    let out_dir = args.out.unwrap_or_else(|| PathBuf::from("."));
    let paths = write_attachments(&out_dir, &reply.attachments).map_err(|e| e.to_string())?;
    for path in paths {
        writeln!(stdout, "saved {}", path.display())
            .map_err(|e| format!("cannot write the reply: {e}"))?;
    }
    if reply.status != Status::Ok {
        eprintln!("[{}]", status_word(reply.status));
    }
    Ok(ExitCode::from(exit_code(reply.status)))
}

/// `console:$USER` (or `$LOGNAME`, `%USERNAME%`), else `console:operator`.
pub fn default_principal() -> Principal {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .map_or_else(
            || Principal::console("operator"),
            |name| Principal::console(&name),
        )
}
