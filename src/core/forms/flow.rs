//! The [`Bot`] methods adapters with forms call: which text opens a form, opening one
//! (the caller's role checked first), submitting one (validated, then authorized exactly as
//! the typed command), searching a field's options, and loading what a form searches.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use tracing::Instrument;

use super::search::{self, counted};
use super::submit::REQUEST;
use super::{
    Choice, FieldError, FieldKind, Form, FormId, SearchSource, canonical_text, describe, submit,
};
use crate::access::Role;
use crate::core::bot::{Bot, Caller, Parsed, Prepared, authorized, new_correlation_id, store_down};
use crate::core::command::{ApprovalsCommand, Command, ParseContext, UserRef};
use crate::core::execute::matching;
use crate::core::grammar;
use crate::core::reply::{Reply, Status};
use crate::store::StoreError;
use crate::virbela::VirbelaError;
use crate::virbela::domain::Email;

/// How long a submission waits for the campus (the delete form's member lookup) before
/// asking to submit again. The lookup carries on and fills the directory's cache, so the
/// next try is fast. Slack gives a submission 3 seconds in all.
const LOOKUP_DEADLINE: Duration = Duration::from_secs(2);

/// What typed text asks of an adapter that has forms.
// Made once per command and matched at once: boxing the common variant would only add
// an allocation to the acknowledgement path.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Opening {
    /// A bare form command the caller may run: show this form.
    Form(Box<Form>),
    /// Anything else, exactly as [`Bot::prepare`] answers it.
    Prepared(Prepared),
}

/// What a form submission gave.
#[allow(clippy::large_enum_variant)] // as `Opening`: made once, matched at once
#[derive(Debug)]
pub enum Submission {
    /// Problems to show on their fields; nothing was run or stored.
    Invalid(Vec<FieldError>),
    /// As for typed text: a refusal ([`Prepared::Done`]) or the [`crate::core::Job`] to run.
    Prepared(Prepared),
}

/// Why a search gave no options.
#[derive(Debug, thiserror::Error)]
pub enum ChoicesError {
    #[error("the form `{form}` has no searchable field `{field}`")]
    NoSuchField { form: FormId, field: String },
    #[error("the caller's role may not use the form `{0}`")]
    NotAllowed(FormId),
    #[error("the bot's store is not answering: {0}")]
    Store(#[from] StoreError),
    #[error("Virbela did not answer: {0}")]
    Virbela(#[from] VirbelaError),
    #[error("the search stopped before it finished")]
    Stopped,
}

impl Bot {
    /// [`Bot::prepare`] for adapters that have forms: a bare `invite`, `suspend`, `delete`,
    /// `attendance` or `waitlist` the caller's role may run comes back as the form to
    /// show; everything else (including those commands for people who may not run them,
    /// who get the help saying which role is needed) exactly as `prepare` answers it.
    pub async fn prepare_with_forms(&self, caller: &Caller, text: &str) -> Opening {
        let correlation_id = new_correlation_id();
        let span = tracing::debug_span!(
            "command",
            principal = %caller.principal,
            correlation_id = %correlation_id
        );
        async {
            let parsed = match self.parse_for(caller, text, &correlation_id).await {
                Ok(parsed) => parsed,
                Err(reply) => return Opening::Prepared(Prepared::Done(reply)),
            };
            if let Command::Form(command) = parsed.command
                && let Some(id) = FormId::of_command(command)
                && may_open(parsed.role, id)
            {
                let ctx = ParseContext {
                    now: Utc::now(),
                    tz: parsed.tz,
                };
                return Opening::Form(Box::new(describe(id, &ctx)));
            }
            Opening::Prepared(authorized(caller, parsed, correlation_id))
        }
        .instrument(span)
        .await
    }

    /// The form `id` for `caller` (dates in their time zone), or the reply refusing it
    /// when their role may not run its command. One store read at most (the role).
    pub async fn open_form(&self, caller: &Caller, id: FormId) -> Result<Form, Reply> {
        let role = self.form_role(caller).await?;
        if !may_open(role, id) {
            return Err(refusal(id, role, caller));
        }
        let ctx = ParseContext {
            now: Utc::now(),
            tz: caller.timezone.unwrap_or(self.inner.default_timezone),
        };
        Ok(describe(id, &ctx))
    }

    /// The reason form for denying request `request` (as a button carries it), or the
    /// reply refusing it (not a request id, or the caller may not decide).
    pub async fn open_deny_form(&self, caller: &Caller, request: &str) -> Result<Form, Reply> {
        let request = request.trim();
        let id = request
            .strip_prefix('#')
            .unwrap_or(request)
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0 && request.len() <= 20)
            .ok_or_else(|| {
                Reply::usage("This button does not name an approval request; nothing was done.")
            })?;
        let mut form = self.open_form(caller, FormId::DenyReason).await?;
        form.title = format!("Deny request #{id}");
        form.intro = Some(format!(
            "Request #{id} will be denied: any denial ends the request, and nothing is done."
        ));
        form.hidden.push((REQUEST.to_string(), id.to_string()));
        Ok(form)
    }

    /// Reads a submitted form (`field id → value`, hidden values included) for `caller`.
    /// Each field is read with the grammar's parsers; the command is authorized exactly as
    /// typed text is. The delete form's retyped e-mail is then checked against the chosen
    /// member (a lookup bounded by a short deadline, so adapters can answer in time).
    pub async fn submit_form(
        &self,
        caller: &Caller,
        id: FormId,
        values: &HashMap<String, String>,
    ) -> Submission {
        let correlation_id = new_correlation_id();
        let span = tracing::debug_span!(
            "form",
            form = %id,
            principal = %caller.principal,
            correlation_id = %correlation_id
        );
        async {
            let tz = caller.timezone.unwrap_or(self.inner.default_timezone);
            let role = match self.role_of(caller).await {
                Ok(role) => role,
                Err(e) => {
                    tracing::error!(error = %e, "role lookup failed");
                    return Submission::Prepared(Prepared::Done(store_down(&correlation_id)));
                }
            };
            let ctx = ParseContext {
                now: Utc::now(),
                tz,
            };
            let valid = match submit(id, values, &ctx) {
                Ok(valid) => valid,
                Err(errors) => return Submission::Invalid(errors),
            };
            if let Some(text) = canonical_text(&valid.command) {
                tracing::debug!(command = %text, "form submitted");
            }
            let command = valid.command;
            let prepared = authorized(caller, Parsed { role, tz, command }, correlation_id);
            if let (Prepared::Run(job), Some(typed)) = (&prepared, &valid.confirm_email) {
                if let Command::Delete { who, .. } = job.command() {
                    if let Err(error) = self.confirm_email(who, typed).await {
                        return Submission::Invalid(vec![error]);
                    }
                }
            }
            Submission::Prepared(prepared)
        }
        .instrument(span)
        .await
    }

    /// The options of the searchable field `field` of form `id` matching `query`, best
    /// first, at most [`super::MAX_CHOICES`]. Only for callers who may use the form.
    pub async fn form_choices(
        &self,
        caller: &Caller,
        id: FormId,
        field: &str,
        query: &str,
    ) -> Result<Vec<Choice>, ChoicesError> {
        let role = self.role_of(caller).await?;
        if !may_open(role, id) {
            return Err(ChoicesError::NotAllowed(id));
        }
        let source = search_source(id, field).ok_or_else(|| ChoicesError::NoSuchField {
            form: id,
            field: field.to_string(),
        })?;
        let inner = self.inner.clone();
        let query = query.to_string();
        // A task of its own: if the adapter stops waiting, the fetch still fills the cache.
        let task = tokio::spawn(async move {
            Ok::<_, VirbelaError>(match source {
                SearchSource::Rooms => search::rooms(&inner.rooms.rooms().await?, &query),
                SearchSource::SfsRooms => search::sfs_rooms(&inner.rooms.rooms().await?, &query),
                SearchSource::Members => search::members(&inner.directory.users().await?, &query),
            })
        });
        Ok(task.await.map_err(|_| ChoicesError::Stopped)??)
    }

    /// Loads what `form`'s searches read (so the first search is fast) and returns the
    /// form with its status line saying how many there are, or why they could not be
    /// loaded. `None` when the form searches nothing.
    pub async fn load_form(&self, form: &Form) -> Option<Form> {
        let sources = form.searches();
        if sources.is_empty() {
            return None;
        }
        let mut notes = Vec::new();
        for source in sources {
            let note = match source {
                SearchSource::Rooms | SearchSource::SfsRooms => {
                    match self.inner.rooms.rooms().await {
                        Ok(rooms) if source == SearchSource::Rooms => format!(
                            "{} on this campus: type part of a name to search.",
                            counted(rooms.len(), "room", "rooms")
                        ),
                        Ok(rooms) => {
                            let mut sfs: Vec<&str> =
                                rooms.iter().filter_map(|r| r.sfs_room.as_deref()).collect();
                            sfs.sort_unstable();
                            sfs.dedup();
                            format!(
                                "{} on this campus: type part of a name to search.",
                                counted(sfs.len(), "SFS room", "SFS rooms")
                            )
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "could not load the rooms for a form");
                            format!("The rooms could not be loaded ({e}); searching tries again.")
                        }
                    }
                }
                SearchSource::Members => match self.inner.directory.users().await {
                    Ok(users) => format!(
                        "{} on this campus: type part of a name or e-mail to search.",
                        counted(users.len(), "member", "members")
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, "could not load the members for a form");
                        format!("The members could not be loaded ({e}); searching tries again.")
                    }
                },
            };
            notes.push(note);
        }
        let mut loaded = form.clone();
        loaded.status = Some(notes.join(" "));
        Some(loaded)
    }

    /// The caller's role, or the reply saying the store is down.
    async fn form_role(&self, caller: &Caller) -> Result<Option<Role>, Reply> {
        self.role_of(caller).await.map_err(|e| {
            tracing::error!(error = %e, "role lookup failed");
            store_down(&new_correlation_id())
        })
    }

    /// Checks that `typed` is the e-mail of the member `who` names, in the directory.
    async fn confirm_email(&self, who: &UserRef, typed: &Email) -> Result<(), FieldError> {
        let inner = self.inner.clone();
        let lookup = tokio::spawn(async move { inner.directory.users().await });
        let users = match tokio::time::timeout(LOOKUP_DEADLINE, lookup).await {
            Ok(Ok(Ok(users))) => users,
            Ok(Ok(Err(e))) => {
                tracing::warn!(error = %e, "member lookup for the delete form failed");
                return Err(FieldError::new(
                    "user",
                    format!("The member could not be looked up ({e}). Submit again in a moment."),
                ));
            }
            Ok(Err(_)) | Err(_) => {
                return Err(FieldError::new(
                    "user",
                    "Virbela is slow to answer, so the member could not be checked yet. Submit again in a moment.",
                ));
            }
        };
        match matching(&users, who).as_slice() {
            [one] if one.email.as_deref().is_some_and(|e| typed.same_address(e)) => Ok(()),
            [_] => Err(FieldError::new(
                "confirm",
                "This is not the e-mail address of the member chosen above.",
            )),
            [] => Err(FieldError::new(
                "user",
                "No campus member matches this any more: choose one from the list.",
            )),
            _ => Err(FieldError::new(
                "user",
                "Several members match: choose one from the list.",
            )),
        }
    }
}

/// Whether `role` may open form `id`.
fn may_open(role: Option<Role>, id: FormId) -> bool {
    role.is_some_and(|r| r.can(id.capability()))
}

/// What someone who may not open form `id` is told: what typing its command would say.
fn refusal(id: FormId, role: Option<Role>, caller: &Caller) -> Reply {
    let probe = match id {
        FormId::DenyReason => Command::Approvals(ApprovalsCommand::Deny {
            id: 1,
            reason: None,
        }),
        other => Command::Form(other.command()),
    };
    match crate::core::execute::answer_at_once(&probe, role, &caller.principal) {
        Some(reply) if reply.status == Status::Refused => reply,
        _ => {
            let mut help = grammar::help_for(id.command(), role);
            help.status = Status::Refused;
            help
        }
    }
}

/// The source of the searchable field `field` of form `id`.
fn search_source(id: FormId, field: &str) -> Option<SearchSource> {
    let ctx = ParseContext {
        now: Utc::now(),
        tz: chrono_tz::UTC,
    };
    match describe(id, &ctx).field(field)?.kind {
        FieldKind::Search { source } => Some(source),
        _ => None,
    }
}
