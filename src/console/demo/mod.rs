//! `virbela-bot demo`: the whole bot on one machine with nothing to configure. It starts
//! the seeded sandbox in-process on a loopback port, a throw-away SQLite store (or `--db`),
//! grants roles to four demo people, and opens a prompt (or runs `--script FILE`). It
//! never reads the Virbela settings of the environment: it always talks to its sandbox.

mod people;
mod repl;
mod script;
mod session;
mod tempdb;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use tokio::sync::watch;

use self::people::{GRANTED_BY, PEOPLE};
use self::session::Session;
use self::tempdb::TempDatabase;
use super::logging;
use super::reports::ConsoleReportSink;
use crate::access::{Access, Principal, Subject};
use crate::approvals::{ApprovalSettings, Clock};
use crate::config::DatabaseUrl;
use crate::core::{Bot, BotParts, Caller};
use crate::policy::Policy;
use crate::sandbox::{self, SandboxOptions};
use crate::schedule::{ReportSinks, Runner, RunnerSettings};
use crate::store::Db;
use crate::virbela::{ClientOptions, VirbelaClient};

pub use script::{ScriptError, ScriptLine, parse as parse_script};

/// `virbela-bot demo` arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Store to use instead of a temp SQLite file (postgres://… or sqlite://…?mode=rwc).
    #[arg(long, value_name = "URL")]
    pub db: Option<String>,
    /// Run the file's lines instead of prompting (`# expect: STATUS` asserts a line's
    /// status); the exit code says whether every expectation was met.
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Seed of the generated campus (same seed, same campus).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the demo; the temp store is removed however it ends.
pub async fn main(args: DemoArgs) -> Result<ExitCode, String> {
    logging::init_quiet();
    // A bad script or URL is reported before anything starts.
    let script = match &args.script {
        Some(path) => Some((path.clone(), load_script(path)?)),
        None => None,
    };
    let given_url = args
        .db
        .as_deref()
        .map(|text| DatabaseUrl::parse(text).map_err(|e| format!("--db: {e}")))
        .transpose()?;
    let options = SandboxOptions {
        seed: Some(args.seed),
        ..SandboxOptions::default()
    };
    let sandbox = sandbox::spawn(options.clone(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    let (temp, url) = match given_url {
        Some(url) => (None, url),
        None => {
            let temp =
                TempDatabase::create().map_err(|e| format!("cannot create the temp store: {e}"))?;
            let url = temp.url()?;
            (Some(temp), url)
        }
    };
    let store_label = match &temp {
        Some(t) => format!("SQLite, temp file {} (removed on exit)", t.path().display()),
        None => url.to_string(),
    };
    let db = Db::open(&url)
        .await
        .map_err(|e| format!("cannot open the store: {e}"))?;
    let setup = Setup {
        sandbox_url: sandbox.base_url(),
        options,
        store_label,
    };
    let result = with_store(&db, &setup, script).await;
    db.close().await;
    drop(temp);
    sandbox.shutdown();
    result
}

/// What the banner shows and the client needs.
struct Setup {
    sandbox_url: String,
    options: SandboxOptions,
    store_label: String,
}

async fn with_store(
    db: &Db,
    setup: &Setup,
    script: Option<(PathBuf, Vec<ScriptLine>)>,
) -> Result<ExitCode, String> {
    let access = Access::default();
    let actor = Principal::console(GRANTED_BY);
    for person in &PEOPLE {
        access
            .grant(
                db,
                &actor,
                &Subject::Principal(person.principal()),
                person.role,
            )
            .await
            .map_err(|e| format!("cannot grant the demo roles: {e}"))?;
    }
    let bot = Bot::new(BotParts {
        virbela: sandbox_client(setup)?,
        db: db.clone(),
        access: access.clone(),
        policy: Policy::default(),
        approval_settings: ApprovalSettings::default(),
        default_timezone: chrono_tz::UTC,
    });
    let files = files_folder();
    let (stop, stopped) = watch::channel(false);
    let runner = tokio::spawn(scheduled_reports(&bot, db, &files).run(stopped));
    let mut session = Session {
        bot,
        access,
        db: db.clone(),
        caller: Caller {
            channel: Some(DEMO_CHANNEL.to_owned()),
            ..Caller::new(PEOPLE[0].principal())
        },
        files,
    };
    let outcome = match script {
        Some((path, lines)) => run_script(&mut session, &path, &lines).await,
        None => {
            println!("{}", banner(setup, &session.files));
            repl::run(&mut session).await.map(|()| ExitCode::SUCCESS)
        }
    };
    stop.send_replace(true);
    if tokio::time::timeout(Duration::from_secs(5), runner)
        .await
        .is_err()
    {
        eprintln!("the scheduled-report runner did not stop in time");
    }
    outcome
}

/// The channel the demo's commands come from: scheduled reports made in the demo go
/// there, that is into `<files>/scheduled/demo/`.
const DEMO_CHANNEL: &str = "demo";

/// The demo's scheduled-report runner: schedules made in the demo are posted by the
/// console sink into `<files>/scheduled/`, checked every 10 seconds.
fn scheduled_reports(bot: &Bot, db: &Db, files: &Path) -> Runner {
    let sinks = ReportSinks::default();
    sinks.register(
        "console",
        Arc::new(ConsoleReportSink::new(files.join("scheduled"))),
    );
    Runner::new(
        bot.clone(),
        db.clone(),
        sinks,
        Clock::system(),
        Runner::process_id(),
        RunnerSettings {
            tick: Duration::from_secs(10),
            ..RunnerSettings::default()
        },
    )
}

async fn run_script(
    session: &mut Session,
    path: &Path,
    lines: &[ScriptLine],
) -> Result<ExitCode, String> {
    let mut stdout = std::io::stdout();
    let summary = tokio::select! {
        summary = script::run(session, path, lines, &mut stdout) => {
            summary.map_err(|e| format!("cannot write the transcript: {e}"))?
        }
        _ = tokio::signal::ctrl_c() => {
            eprintln!("interrupted");
            return Ok(ExitCode::from(130));
        }
    };
    if summary.failures.is_empty() {
        eprintln!(
            "script ok: {} commands, {} expectations met",
            summary.commands, summary.checked
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for failure in &summary.failures {
            eprintln!("script failed: {failure}");
        }
        Ok(ExitCode::FAILURE)
    }
}

fn load_script(path: &Path) -> Result<Vec<ScriptLine>, String> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the script {}: {e}", path.display()))?;
    script::parse(&source).map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.message))
}

/// The Virbela client for the in-process sandbox (its default credentials).
fn sandbox_client(setup: &Setup) -> Result<VirbelaClient, String> {
    let campus = setup
        .options
        .campus(&setup.sandbox_url)
        .map_err(|e| format!("sandbox URL: {e}"))?;
    VirbelaClient::new(campus, ClientOptions::default()).map_err(|e| e.to_string())
}

/// Where attachments go: a fresh folder in the temp folder, made on first use and kept.
fn files_folder() -> PathBuf {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "virbela-bot-demo-files-{}-{stamp}",
        std::process::id()
    ))
}

fn banner(setup: &Setup, files: &Path) -> String {
    format!(
        "virbela-bot demo: a seeded Virbela sandbox at {} and a throw-away store.\n\
         Store: {}\n\
         Files (CSV, PNG; scheduled reports under scheduled/): {}\n\n\
         People (switch with :as NAME):\n{}\n\n\
         Try, in order:\n\
         \x20 help\n\
         \x20 rooms\n\
         \x20 attendance Theater last week\n\
         \x20 invite new.hire@example.com first=New last=Hire role=moderator\n\
         \x20 :as bob\n\
         \x20 approvals\n\
         \x20 approvals approve 1\n\
         \x20 :as alice\n\
         \x20 schedule add attendance Theater yesterday every daily 09:00\n\
         \x20 schedule run 1\n\n\
         :help explains the demo, :whoami says who you are, :quit or Ctrl-D leaves.\n",
        setup.sandbox_url,
        setup.store_label,
        files.display(),
        session::people_text()
    )
}
