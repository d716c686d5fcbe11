//! `Bot`: the command core's entry point. Adapters call [`Bot::handle`] with who is
//! asking and what they typed, and render the [`Reply`].

use std::sync::Arc;

use chrono::Utc;
use chrono_tz::Tz;
use tracing::Instrument;

use super::command::ParseContext;
use super::execute::{Directory, Turn};
use super::grammar;
use super::reply::Reply;
use crate::access::{Access, Group, Principal};
use crate::approvals::{ApprovalSettings, Approvals};
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
    pub directory: Directory,
}

/// The command core. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Bot {
    inner: Arc<BotInner>,
}

impl Bot {
    pub fn new(parts: BotParts) -> Bot {
        let approvals = Approvals::new(
            parts.db.clone(),
            parts.access.clone(),
            parts.policy,
            parts.approval_settings,
        );
        Bot {
            inner: Arc::new(BotInner {
                directory: Directory::new(parts.virbela.clone()),
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

    /// Parses, authorizes and runs `text` for `caller`. Never fails: every problem is a
    /// reply that says what happened (with a correlation id when something broke).
    /// Nothing is called or stored for text that does not parse.
    pub async fn handle(&self, caller: &Caller, text: &str) -> Reply {
        let correlation_id = new_correlation_id();
        let span = tracing::info_span!(
            "command",
            principal = %caller.principal,
            correlation_id = %correlation_id
        );
        self.handle_with(caller, text, &correlation_id)
            .instrument(span)
            .await
    }

    async fn handle_with(&self, caller: &Caller, text: &str, correlation_id: &str) -> Reply {
        let tz = caller.timezone.unwrap_or(self.inner.default_timezone);
        let role = match self
            .inner
            .access
            .role_of(&self.inner.db, &caller.principal, &caller.groups)
            .await
        {
            Ok(role) => role,
            Err(e) => {
                tracing::error!(error = %e, "role lookup failed");
                return Reply::failed(format!(
                    "The bot's store is not answering, so nothing was done. Try again shortly. (correlation id {correlation_id})"
                ));
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
                return reply;
            }
        };
        let turn = Turn {
            bot: &self.inner,
            caller,
            role,
            tz,
            correlation_id,
        };
        turn.run(command).await
    }
}

/// A short id that links a command, its approval request, its Virbela calls and its
/// audit entries, and that people can quote to support.
fn new_correlation_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}
