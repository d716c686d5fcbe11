//! `Bot`: the command core's entry point. Adapters call [`Bot::handle`] with who is
//! asking and what they typed, and render the [`Reply`].

use std::sync::Arc;

use chrono::Utc;
use chrono_tz::Tz;
use tracing::Instrument;

use super::background::Background;
use super::command::{Command, ParseContext};
use super::execute::{self, Directory, Turn};
use super::forms::RoomCache;
use super::grammar;
use super::notices::{ApprovalEvent, ApprovalNotifier, CardSource, Change, Notifiers};
use super::reply::Reply;
use super::role_cache::RoleCache;
use crate::access::{Access, Group, Principal, Role};
use crate::approvals::{ApprovalError, ApprovalRequest, ApprovalSettings, Approvals, Sweep};
use crate::policy::Policy;
use crate::store::Db;
use crate::virbela::VirbelaClient;

/// Who is asking, as the adapter knows them. Identity is always the immutable platform
/// user id (`slack:U…`), never a display name.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    /// Groups the platform reports for the caller (Slack user groups, AAD groups).
    pub groups: Vec<Group>,
    /// The caller's time zone when the adapter knows it; else `DEFAULT_TIMEZONE`.
    pub timezone: Option<Tz>,
    /// Where the command was typed (channel or conversation id), if anywhere.
    pub channel: Option<String>,
}

impl Caller {
    pub fn new(principal: Principal) -> Caller {
        Caller {
            principal,
            groups: Vec::new(),
            timezone: None,
            channel: None,
        }
    }
}

/// What the bot is made of.
#[derive(Debug, Clone)]
pub struct BotParts {
    pub virbela: VirbelaClient,
    pub db: Db,
    pub access: Access,
    pub policy: Policy,
    pub approval_settings: ApprovalSettings,
    pub default_timezone: Tz,
}

/// Shared by every turn.
#[derive(Debug)]
pub(crate) struct BotInner {
    pub virbela: VirbelaClient,
    pub db: Db,
    pub access: Access,
    pub approvals: Approvals,
    pub default_timezone: Tz,
    pub directory: Arc<Directory>,
    pub roles: RoleCache,
    pub notifiers: Notifiers,
    pub cards: CardSource,
    /// The room list, cached for the forms' room searches.
    pub rooms: RoomCache,
    /// Work adapters run after answering, waited for at shutdown.
    pub background: Background,
}

impl BotInner {
    /// Tells the registered notifiers that `request` changed.
    pub async fn announce(&self, request: ApprovalRequest, change: Change) {
        self.notifiers
            .emit(&self.cards, ApprovalEvent { request, change })
            .await;
    }
}

/// The command core. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Bot {
    pub(super) inner: Arc<BotInner>,
}

impl Bot {
    pub fn new(parts: BotParts) -> Bot {
        let approvals = Approvals::new(
            parts.db.clone(),
            parts.access.clone(),
            parts.policy,
            parts.approval_settings,
        );
        let directory = Arc::new(Directory::new(parts.virbela.clone()));
        let cards = CardSource::new(approvals.clone(), directory.clone(), parts.default_timezone);
        Bot {
            inner: Arc::new(BotInner {
                directory,
                roles: RoleCache::default(),
                notifiers: Notifiers::default(),
                cards,
                rooms: RoomCache::new(parts.virbela.clone()),
                background: Background::default(),
                virbela: parts.virbela,
                db: parts.db,
                access: parts.access,
                approvals,
                default_timezone: parts.default_timezone,
            }),
        }
    }

    /// The approval engine (adapters sweep it and update cards).
    pub fn approvals(&self) -> &Approvals {
        &self.inner.approvals
    }

    /// Registers an adapter's notifier: it hears of every change to approval requests.
    pub fn add_notifier(&self, notifier: Arc<dyn ApprovalNotifier>) {
        self.inner.notifiers.add(notifier);
    }

    /// Runs `work` after an adapter has answered (a command's result, a vote, a card
    /// update), tracked so that shutdown waits for it.
    pub fn spawn<F>(&self, work: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.background.spawn(work)
    }

    /// The background work of [`Bot::spawn`] (shutdown drains it).
    pub fn background(&self) -> &Background {
        &self.inner.background
    }

    /// Builds approval cards (adapters re-render a request's card with it).
    pub fn cards(&self) -> &CardSource {
        &self.inner.cards
    }

    /// Expires overdue requests and marks stale executions interrupted, telling the
    /// notifiers about each (so cards lose their buttons and requesters hear of it).
    pub async fn sweep_approvals(&self) -> Result<Sweep, ApprovalError> {
        let sweep = self.inner.approvals.sweep().await?;
        for request in &sweep.expired {
            self.inner.announce(request.clone(), Change::Expired).await;
        }
        for request in &sweep.interrupted {
            self.inner
                .announce(request.clone(), Change::Interrupted)
                .await;
        }
        Ok(sweep)
    }

    /// Parses, authorizes and runs `text` for `caller`. Never fails: every problem is a
    /// reply that says what happened (with a correlation id when something broke).
    /// Nothing is called or stored for text that does not parse.
    pub async fn handle(&self, caller: &Caller, text: &str) -> Reply {
        match self.prepare(caller, text).await {
            Prepared::Done(reply) => reply,
            Prepared::Run(job) => self.run(job).await,
        }
    }

    /// The fast half of [`Bot::handle`], for adapters that must answer at once (Slack's
    /// 3-second ack): looks up the caller's role (one store read), parses and authorizes.
    /// Help, usage errors and refusals come back as [`Prepared::Done`]; anything that calls
    /// Virbela or writes comes back as a [`Job`] to [`Bot::run`], in the background if need be.
    pub async fn prepare(&self, caller: &Caller, text: &str) -> Prepared {
        let correlation_id = new_correlation_id();
        // Debug level: this is the acknowledgement path; `run` has the info-level span.
        let span = tracing::debug_span!(
            "command",
            principal = %caller.principal,
            correlation_id = %correlation_id
        );
        self.prepare_with(caller, text, correlation_id)
            .instrument(span)
            .await
    }

    async fn prepare_with(&self, caller: &Caller, text: &str, correlation_id: String) -> Prepared {
        match self.parse_for(caller, text, &correlation_id).await {
            Ok(parsed) => authorized(caller, parsed, correlation_id),
            Err(reply) => Prepared::Done(reply),
        }
    }

    /// The caller's role and the parsed command, or the complete answer (the store is
    /// down, the text is not a command). Shared by [`Bot::prepare`] and the forms.
    pub(super) async fn parse_for(
        &self,
        caller: &Caller,
        text: &str,
        correlation_id: &str,
    ) -> Result<Parsed, Reply> {
        let tz = caller.timezone.unwrap_or(self.inner.default_timezone);
        let role = match self.role_of(caller).await {
            Ok(role) => role,
            Err(e) => {
                tracing::error!(error = %e, "role lookup failed");
                return Err(store_down(correlation_id));
            }
        };
        let command = match grammar::parse(
            text,
            &ParseContext {
                now: Utc::now(),
                tz,
            },
        ) {
            Ok(command) => command,
            Err(usage) => {
                let mut reply = Reply::usage(usage.message.clone());
                if let Some(id) = usage.command {
                    let help = grammar::help_for(id, role);
                    reply.text = format!("{}\n\n{}", usage.message, help.text);
                }
                return Err(reply);
            }
        };
        Ok(Parsed { role, tz, command })
    }

    /// The caller's role, from the short-lived cache when fresh.
    pub(super) async fn role_of(
        &self,
        caller: &Caller,
    ) -> Result<Option<Role>, crate::store::StoreError> {
        if let Some(role) = self.inner.roles.get(&caller.principal, &caller.groups) {
            return Ok(role);
        }
        let role = self
            .inner
            .access
            .role_of(&self.inner.db, &caller.principal, &caller.groups)
            .await?;
        self.inner
            .roles
            .put(&caller.principal, &caller.groups, role);
        Ok(role)
    }

    /// Runs a prepared job: Virbela calls, approvals, store writes.
    pub async fn run(&self, job: Job) -> Reply {
        let span = tracing::info_span!(
            "command",
            principal = %job.caller.principal,
            correlation_id = %job.correlation_id
        );
        let turn = Turn {
            bot: &self.inner,
            caller: &job.caller,
            role: job.role,
            tz: job.tz,
            correlation_id: &job.correlation_id,
        };
        turn.run(job.command).instrument(span).await
    }
}

/// What [`Bot::prepare`] decided.
#[derive(Debug)]
pub enum Prepared {
    /// The answer, already complete (help, usage error, not allowed).
    Done(Reply),
    /// Authorized work to run.
    Run(Job),
}

/// An authorized command waiting to run. Owns everything it needs, so an adapter can
/// move it into a background task after acknowledging.
#[derive(Debug, Clone)]
pub struct Job {
    caller: Caller,
    role: Option<Role>,
    tz: Tz,
    command: Command,
    correlation_id: String,
}

impl Job {
    pub fn correlation_id(&self) -> &str {
        &self.correlation_id
    }

    pub fn command(&self) -> &Command {
        &self.command
    }

    /// What to tell the person while the job runs ("Working on `attendance`…").
    pub fn working_text(&self) -> String {
        execute::working_text(&self.command)
    }
}

/// A parsed command with the caller's role and time zone, not authorized yet.
pub(super) struct Parsed {
    pub role: Option<Role>,
    pub tz: Tz,
    pub command: Command,
}

/// Authorizes a parsed command exactly as typed text is: the complete answer when one
/// needs nothing more (help, forms, refusals), else the [`Job`] to run.
pub(super) fn authorized(caller: &Caller, parsed: Parsed, correlation_id: String) -> Prepared {
    let Parsed { role, tz, command } = parsed;
    match execute::answer_at_once(&command, role, &caller.principal) {
        Some(reply) => Prepared::Done(reply),
        None => Prepared::Run(Job {
            caller: caller.clone(),
            role,
            tz,
            command,
            correlation_id,
        }),
    }
}

/// The answer when the caller's role cannot be read.
pub(super) fn store_down(correlation_id: &str) -> Reply {
    Reply::failed(format!(
        "The bot's store is not answering, so nothing was done. Try again shortly. (correlation id {correlation_id})"
    ))
}

/// A short id that links a command, its approval request, its Virbela calls and its
/// audit entries, and that people can quote to support.
pub(super) fn new_correlation_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}
