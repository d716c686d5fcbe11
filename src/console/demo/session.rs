//! One demo session: who is typing, and what a line does. Lines starting with `:` are the
//! demo's own (`:as`, `:whoami`, `:help`, `:quit`); every other line goes to the bot as
//! typed. Shared by the interactive prompt and `--script`.

use std::io::{self, Write};
use std::path::PathBuf;

use super::people::{self, PEOPLE};
use crate::access::{Access, Principal};
use crate::console::{render_text, status_word, write_attachments};
use crate::core::{Bot, Caller, Status};
use crate::store::Db;

/// What a line did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOutcome {
    /// The bot answered with this status.
    Bot(Status),
    /// A demo command (`:as`, `:whoami`, `:help`) or an empty line.
    Meta,
    /// `:as` named nobody valid, or an unknown `:` command.
    MetaError,
    /// `:quit`.
    Quit,
}

/// The demo's state between lines.
pub struct Session {
    pub bot: Bot,
    pub access: Access,
    pub db: Db,
    pub caller: Caller,
    /// Where attachments are written.
    pub files: PathBuf,
}

impl Session {
    /// The prompt: `alice> `.
    pub fn prompt(&self) -> String {
        format!("{}> ", people::prompt_name(&self.caller.principal))
    }

    /// Runs one line, writing what it shows to `out`.
    pub async fn line(&mut self, line: &str, out: &mut dyn Write) -> io::Result<LineOutcome> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(LineOutcome::Meta);
        }
        match line.strip_prefix(':') {
            Some(meta) => self.meta(meta.trim(), out).await,
            None => self.ask(line, out).await,
        }
    }

    async fn ask(&mut self, text: &str, out: &mut dyn Write) -> io::Result<LineOutcome> {
        let reply = self.bot.handle(&self.caller, text).await;
        let rendered = render_text(&reply);
        if !rendered.is_empty() {
            writeln!(out, "{rendered}")?;
        }
        match write_attachments(&self.files, &reply.attachments) {
            Ok(paths) => {
                for path in paths {
                    writeln!(out, "saved {}", path.display())?;
                }
            }
            Err(e) => writeln!(out, "(attachment not saved: {e})")?,
        }
        if reply.status != Status::Ok {
            writeln!(out, "[{}]", status_word(reply.status))?;
        }
        Ok(LineOutcome::Bot(reply.status))
    }

    async fn meta(&mut self, meta: &str, out: &mut dyn Write) -> io::Result<LineOutcome> {
        let (word, rest) = meta.split_once(char::is_whitespace).unwrap_or((meta, ""));
        match word {
            "as" => self.switch(rest.trim(), out).await,
            "whoami" => {
                let principal = self.caller.principal.clone();
                let who = self.describe(&principal).await;
                writeln!(out, "you are {who}")?;
                Ok(LineOutcome::Meta)
            }
            "help" | "h" | "?" => {
                writeln!(out, "{}", help_text())?;
                Ok(LineOutcome::Meta)
            }
            "quit" | "q" | "exit" => Ok(LineOutcome::Quit),
            other => {
                writeln!(
                    out,
                    "`:{other}` is not a demo command: use :as NAME, :whoami, :help or :quit \
                     (bot commands have no colon, e.g. `help`)"
                )?;
                Ok(LineOutcome::MetaError)
            }
        }
    }

    async fn switch(&mut self, name: &str, out: &mut dyn Write) -> io::Result<LineOutcome> {
        if name.is_empty() {
            writeln!(
                out,
                ":as needs a name: alice, bob, carol, dave or a principal"
            )?;
            return Ok(LineOutcome::MetaError);
        }
        match people::resolve(name) {
            Ok(principal) => {
                self.caller = Caller::new(principal.clone());
                let who = self.describe(&principal).await;
                writeln!(out, "you are now {who}")?;
                Ok(LineOutcome::Meta)
            }
            Err(e) => {
                writeln!(out, "{e}; the demo people are alice, bob, carol and dave")?;
                Ok(LineOutcome::MetaError)
            }
        }
    }

    /// `bob (console:bob), approver`, with the role the store gives today.
    async fn describe(&self, principal: &Principal) -> String {
        let role = match self.access.role_of(&self.db, principal, &[]).await {
            Ok(Some(role)) => role.to_string(),
            Ok(None) => "no role: the bot will refuse everything".to_string(),
            Err(e) => format!("role unknown ({e})"),
        };
        let may = people::person(principal).map_or(String::new(), |p| format!(": {}", p.may));
        format!(
            "{} ({principal}), {role}{may}",
            people::prompt_name(principal)
        )
    }
}

/// The people, one line each.
pub fn people_text() -> String {
    PEOPLE
        .iter()
        .map(|p| {
            format!(
                "  {:<6} {:<14} {:<9} {}",
                p.name,
                p.principal().to_string(),
                p.role.to_string(),
                p.may
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What `:help` shows.
pub fn help_text() -> String {
    format!(
        "This demo runs the bot against a Virbela sandbox (a seeded, in-memory campus) and \
         a throw-away store. Type commands as you would after /virbela in Slack; `help` lists \
         them and `help invite` explains one.\n\n\
         People (switch with :as NAME):\n{}\n\n\
         Gated actions (suspend, invite as moderator, delete…) wait for approval: request as \
         carol or alice, then `:as bob` and `approvals approve ID`. Nobody approves their own \
         request.\n\n\
         Demo commands: :as NAME (alice, bob, carol, dave or a principal such as \
         slack:U012ABCDEF), :whoami, :help, :quit (or Ctrl-D).",
        people_text()
    )
}
