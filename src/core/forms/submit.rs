//! A submitted form, read field by field with the grammar's own domain parsers, into the
//! [`Command`] the typed text would give — or the problems, each on its field. Pure: no
//! store, no Virbela (the delete form's e-mail check against the chosen member is done by
//! [`crate::core::Bot::submit_form`]).

use std::collections::HashMap;
use std::fmt::Display;
use std::str::FromStr;

use chrono::NaiveDate;

use super::catalogue::{NAME_CHARS, REASON_CHARS};
use super::{FieldError, FormId};
use crate::core::command::{ApprovalsCommand, Command, InviteArgs, ParseContext, UserRef};
use crate::core::grammar::parse_range;
use crate::virbela::domain::{Email, InvitationEmail, Permission, TeamId};

/// The hidden value of [`FormId::DenyReason`]: the request id.
pub(crate) const REQUEST: &str = "request";

/// A valid submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    /// Exactly what the typed command would give ([`canonical_text`] writes it).
    pub command: Command,
    /// The delete form's retyped address: the chosen member's e-mail must be this one.
    /// Checked against the campus after authorization; a mismatch is an error on `confirm`.
    pub confirm_email: Option<Email>,
}

/// Reads the values of `form` (`field id → value`, hidden values included) as the typed
/// command would be read, relative to `ctx`. Errors name fields the form shows.
pub fn submit(
    form: FormId,
    values: &HashMap<String, String>,
    ctx: &ParseContext,
) -> Result<Valid, Vec<FieldError>> {
    let mut r = Reader {
        values,
        errors: Vec::new(),
    };
    let mut confirm_email = None;
    let command = match form {
        FormId::Invite => r.invite(),
        FormId::Suspend => {
            let who = r.user("user");
            let reason = r.reason("reason", false);
            who.map(|who| Command::Suspend { who, reason })
        }
        FormId::Delete => {
            let who = r.user("user");
            let reason = r.reason("reason", true);
            confirm_email = r.parsed::<Email>(
                "confirm",
                Some("Type the member's e-mail address to confirm."),
            );
            match (who, reason) {
                (Some(who), Some(reason)) => Some(Command::Delete {
                    who,
                    reason: Some(reason),
                }),
                _ => None,
            }
        }
        FormId::Attendance => {
            let room = r.required("room", "Choose a room.").map(str::to_string);
            let range = r.range(ctx);
            match (room, range) {
                (Some(room), Some((range, range_label))) => Some(Command::Attendance {
                    room,
                    range,
                    range_label,
                    clip: false,
                }),
                _ => None,
            }
        }
        FormId::Waitlist => {
            let range = r.range(ctx);
            let sfs_room = r.optional("room").map(str::to_string);
            range.map(|(range, range_label)| Command::Waitlist {
                range,
                range_label,
                sfs_room,
            })
        }
        FormId::DenyReason => {
            let id = r.request_id();
            let reason = r.reason("reason", true);
            match (id, reason) {
                (Some(id), Some(reason)) => Some(Command::Approvals(ApprovalsCommand::Deny {
                    id,
                    reason: Some(reason),
                })),
                _ => None,
            }
        }
    };
    match command {
        Some(command) if r.errors.is_empty() => Ok(Valid {
            command,
            confirm_email,
        }),
        _ => Err(r.errors),
    }
}

/// Reads values, collecting one error per field.
struct Reader<'a> {
    values: &'a HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError::new(field, message));
        }
    }

    /// The value, trimmed; `None` when absent or blank.
    fn optional(&self, field: &str) -> Option<&'a str> {
        self.values
            .get(field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn required(&mut self, field: &str, missing: &str) -> Option<&'a str> {
        let value = self.optional(field);
        if value.is_none() {
            self.fail(field, missing);
        }
        value
    }

    /// Text of at most `max` characters.
    fn text(&mut self, field: &str, max: usize) -> Option<String> {
        let value = self.optional(field)?;
        if value.chars().count() > max {
            self.fail(field, format!("At most {max} characters, please."));
            return None;
        }
        Some(value.to_string())
    }

    /// A value read with the domain parser `T`, whose error is the message. Required
    /// when `missing` (the message for an absent value) is given.
    fn parsed<T>(&mut self, field: &str, missing: Option<&str>) -> Option<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        let value = match missing {
            Some(missing) => self.required(field, missing)?,
            None => self.optional(field)?,
        };
        match value.parse::<T>() {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                self.fail(field, sentence(&e.to_string()));
                None
            }
        }
    }

    /// A reason as the typed command reads one: words separated by single spaces.
    fn reason(&mut self, field: &str, required: bool) -> Option<String> {
        let text = self.text(field, REASON_CHARS);
        let words = text.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
        if required && words.is_none() && !self.errors.iter().any(|e| e.field == field) {
            self.fail(field, "Say why: the reason is required.");
        }
        words
    }

    /// A user as the typed command reads one: an e-mail when it contains `@`, else a
    /// Virbela user id or display name.
    fn user(&mut self, field: &str) -> Option<UserRef> {
        let value = self.required(field, "Choose a member.")?;
        if value.contains('@') {
            match value.parse::<Email>() {
                Ok(email) => Some(UserRef::Email(email)),
                Err(e) => {
                    self.fail(field, sentence(&e.to_string()));
                    None
                }
            }
        } else {
            Some(UserRef::Word(value.to_string()))
        }
    }

    fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let value = self.required(field, "Pick a date.")?;
        let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .filter(|_| value.len() == 10);
        if date.is_none() {
            self.fail(field, "Pick a date (YYYY-MM-DD).");
        }
        date
    }

    /// `from` and `to`, both days included, read as the typed `FROM..TO` range is.
    fn range(&mut self, ctx: &ParseContext) -> Option<(crate::virbela::domain::DateRange, String)> {
        let from = self.date("from");
        let to = self.date("to");
        let (from, to) = (from?, to?);
        if to < from {
            self.fail("to", "The last day is before the first day.");
            return None;
        }
        match parse_range(&format!("{from}..{to}"), ctx) {
            Ok(found) => Some(found),
            Err(e) => {
                self.fail("to", e.message);
                None
            }
        }
    }

    /// The hidden request id of the deny form (its errors go on `reason`, the field shown).
    fn request_id(&mut self) -> Option<i64> {
        let id = self
            .optional(REQUEST)
            .filter(|v| v.len() <= 18 && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|id| *id > 0);
        if id.is_none() {
            self.fail(
                "reason",
                "This form does not name an approval request, so nothing can be denied.",
            );
        }
        id
    }

    fn invite(&mut self) -> Option<Command> {
        // Every field is read, so every problem is shown at once.
        let email = self.parsed::<Email>("email", Some("Enter the person's e-mail address."));
        let first_name = self.text("first", NAME_CHARS);
        let last_name = self.text("last", NAME_CHARS);
        let display_name = self.text("name", NAME_CHARS);
        let title = self.text("title", NAME_CHARS);
        let team = self.parsed::<TeamId>("team", None);
        let permission = self.parsed::<Permission>("role", None);
        let send_email = self.parsed::<InvitationEmail>("send_email", None);
        let overwrite = (self.optional("overwrite") == Some("true")).then_some(true);
        Some(Command::Invite(Box::new(InviteArgs {
            email: email?,
            first_name,
            last_name,
            display_name,
            title,
            team,
            permission,
            send_email,
            overwrite,
        })))
    }
}

/// A parser's message as a sentence (capitalised, with a full stop).
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The text that, typed, gives `command` — for the form commands (invite, suspend,
/// delete, attendance, waitlist, approvals deny). `None` for other commands, and when a
/// value cannot be written as typed text (it contains a double quote).
pub fn canonical_text(command: &Command) -> Option<String> {
    let text = match command {
        Command::Invite(args) => {
            let mut text = format!("invite {}", word(args.email.as_str())?);
            let options = [
                ("first", args.first_name.clone()),
                ("last", args.last_name.clone()),
                ("name", args.display_name.clone()),
                ("title", args.title.clone()),
                ("team", args.team.map(|t| t.letters())),
                ("role", args.permission.map(|p| p.as_str().to_string())),
                ("email", args.send_email.map(|o| o.as_str().to_string())),
                (
                    "overwrite",
                    args.overwrite
                        .map(|o| if o { "yes" } else { "no" }.to_string()),
                ),
            ];
            for (key, value) in options {
                if let Some(value) = value {
                    text.push_str(&format!(" {key}={}", word(&value)?));
                }
            }
            text
        }
        Command::Suspend { who, reason } => {
            with_reason(format!("suspend {}", who_text(who)?), reason)?
        }
        Command::Delete { who, reason } => {
            with_reason(format!("delete {}", who_text(who)?), reason)?
        }
        Command::Attendance { room, .. } => {
            format!("attendance {} {}", quoted(room)?, days_of(command)?)
        }
        Command::Waitlist { sfs_room, .. } => {
            let mut text = format!("waitlist {}", days_of(command)?);
            if let Some(room) = sfs_room {
                text.push_str(&format!(" room={}", word(room)?));
            }
            text
        }
        Command::Approvals(ApprovalsCommand::Deny { id, reason }) => {
            with_reason(format!("approvals deny {id}"), reason)?
        }
        _ => return None,
    };
    Some(text)
}

/// The `FROM..TO` days of a report command, from its label (`2023-01-01 – 2023-01-07 (…)`
/// or `2023-01-01 (…)`).
fn days_of(command: &Command) -> Option<String> {
    let label = match command {
        Command::Attendance { range_label, .. } | Command::Waitlist { range_label, .. } => {
            range_label
        }
        _ => return None,
    };
    let dates: Vec<&str> = label
        .split(|c: char| c.is_whitespace() || c == '(')
        .filter(|w| w.len() == 10 && NaiveDate::parse_from_str(w, "%Y-%m-%d").is_ok())
        .collect();
    match dates.as_slice() {
        [one] => Some(format!("{one}..{one}")),
        [first, last] => Some(format!("{first}..{last}")),
        _ => None,
    }
}

fn who_text(who: &UserRef) -> Option<String> {
    match who {
        UserRef::Email(email) => word(email.as_str()),
        UserRef::Word(w) => word(w),
    }
}

fn with_reason(head: String, reason: &Option<String>) -> Option<String> {
    match reason {
        Some(reason) if has_quote(reason) => None,
        Some(reason) => Some(format!("{head} {reason}")),
        None => Some(head),
    }
}

fn has_quote(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}'))
}

/// A value as one typed word: quoted when it has spaces or is empty.
fn word(value: &str) -> Option<String> {
    if has_quote(value) {
        None
    } else if value.is_empty() || value.contains(char::is_whitespace) {
        Some(format!("\"{value}\""))
    } else {
        Some(value.to_string())
    }
}

/// A value always quoted (a room is never read as a range then).
fn quoted(value: &str) -> Option<String> {
    (!has_quote(value)).then(|| format!("\"{value}\""))
}
