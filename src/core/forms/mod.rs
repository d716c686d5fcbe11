//! Forms: the platform-neutral description of the forms a bare `invite`, `suspend`,
//! `delete`, `attendance` or `waitlist` opens (and the reason asked for when an approval is
//! denied with a button), and the validation of what comes back.
//!
//! An adapter renders a [`Form`] as its platform does (Slack modals, Teams Adaptive
//! Cards): every field has a stable id (use it as the block or input id), a label, a kind,
//! whether it is required, a hint and an initial value. Values the adapter must carry
//! unchanged ([`Form::hidden`]) come back with the submission.
//!
//! A submission (`field id → value`) goes through [`Bot::submit_form`]: each field is read
//! with the same domain parsers the text grammar uses ([`Email`], [`TeamId`],
//! [`Permission`], [`InvitationEmail`], [`grammar::parse_range`]), the result is exactly the
//! [`Command`] the typed text would give ([`canonical_text`] writes that text), and it is
//! authorized as typed text is, by the caller's role. Problems come back per field
//! ([`FieldError`]), for the adapter to show on the field.
//!
//! Searchable fields ([`FieldKind::Search`]: rooms, SFS rooms, campus members) are served by
//! [`Bot::form_choices`] from short-lived caches; [`Bot::load_form`] fills them after the
//! form is open and says how many there are.
//!
//! - `catalogue`: the forms themselves.
//! - `submit`: values → [`Command`] or field errors (pure).
//! - `search`: the room cache and the option searches.
//! - `flow`: the [`Bot`] methods adapters call.
//!
//! [`Bot`]: crate::core::Bot
//! [`Bot::submit_form`]: crate::core::Bot::submit_form
//! [`Bot::form_choices`]: crate::core::Bot::form_choices
//! [`Bot::load_form`]: crate::core::Bot::load_form
//! [`Command`]: crate::core::Command
//! [`Email`]: crate::virbela::domain::Email
//! [`TeamId`]: crate::virbela::domain::TeamId
//! [`Permission`]: crate::virbela::domain::Permission
//! [`InvitationEmail`]: crate::virbela::domain::InvitationEmail
//! [`grammar::parse_range`]: crate::core::grammar::parse_range

mod catalogue;
mod flow;
mod search;
mod submit;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

pub use catalogue::describe;
pub use flow::{ChoicesError, Opening, Submission};
pub(crate) use search::RoomCache;
pub use submit::{Valid, canonical_text, submit};

use crate::access::Capability;
use crate::core::command::CommandId;
use crate::core::grammar;

/// The forms there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormId {
    Invite,
    Suspend,
    Delete,
    Attendance,
    Waitlist,
    /// The reason for denying an approval request (`approvals deny ID reason…`).
    DenyReason,
}

impl FormId {
    pub const ALL: [FormId; 6] = [
        FormId::Invite,
        FormId::Suspend,
        FormId::Delete,
        FormId::Attendance,
        FormId::Waitlist,
        FormId::DenyReason,
    ];

    /// The stable id (Slack `callback_id`, Teams card id).
    pub fn as_str(self) -> &'static str {
        match self {
            FormId::Invite => "invite",
            FormId::Suspend => "suspend",
            FormId::Delete => "delete",
            FormId::Attendance => "attendance",
            FormId::Waitlist => "waitlist",
            FormId::DenyReason => "deny_reason",
        }
    }

    /// The form a bare command opens, if it opens one.
    pub fn of_command(id: CommandId) -> Option<FormId> {
        match id {
            CommandId::Invite => Some(FormId::Invite),
            CommandId::Suspend => Some(FormId::Suspend),
            CommandId::Delete => Some(FormId::Delete),
            CommandId::Attendance => Some(FormId::Attendance),
            CommandId::Waitlist => Some(FormId::Waitlist),
            _ => None,
        }
    }

    /// The command the form fills in.
    pub fn command(self) -> CommandId {
        match self {
            FormId::Invite => CommandId::Invite,
            FormId::Suspend => CommandId::Suspend,
            FormId::Delete => CommandId::Delete,
            FormId::Attendance => CommandId::Attendance,
            FormId::Waitlist => CommandId::Waitlist,
            FormId::DenyReason => CommandId::Approvals,
        }
    }

    /// What the caller needs for the form to open (its submission is authorized again,
    /// exactly as the typed command).
    pub fn capability(self) -> Capability {
        match self {
            FormId::DenyReason => Capability::Decide,
            other => grammar::spec(other.command()).capability,
        }
    }
}

impl fmt::Display for FormId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a form id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a form")]
pub struct FormIdError(pub String);

impl FromStr for FormId {
    type Err = FormIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FormId::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| FormIdError(s.to_string()))
    }
}

/// A form to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub id: FormId,
    /// Short (Slack allows 24 characters).
    pub title: String,
    /// The submit button's label (24 characters at most).
    pub submit_label: String,
    /// A sentence above the fields (markdown as in [`crate::core::Reply`] text).
    pub intro: Option<String>,
    pub fields: Vec<FormField>,
    /// A line under the fields about what was loaded ("Loading the rooms…", "42 rooms").
    pub status: Option<String>,
    /// Values carried unchanged and handed back with the submission, e.g. the request id
    /// of [`FormId::DenyReason`]. Never shown.
    pub hidden: Vec<(String, String)>,
}

impl Form {
    /// The field `id`, if the form has it.
    pub fn field(&self, id: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The sources of the form's searchable fields (what [`crate::core::Bot::load_form`] loads).
    pub fn searches(&self) -> Vec<SearchSource> {
        let mut sources: Vec<SearchSource> = Vec::new();
        for field in &self.fields {
            if let FieldKind::Search { source } = field.kind {
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
        }
        sources
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// Stable: the key of the value in a submission and of its [`FieldError`].
    pub id: &'static str,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Help under the field.
    pub hint: Option<String>,
    /// Shown in an empty field.
    pub placeholder: Option<String>,
    /// The value the field starts with: text, a `YYYY-MM-DD` date, an option's value, or
    /// `true` for a ticked checkbox.
    pub initial: Option<String>,
}

/// What kind of input a field is, and what its value looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text, trimmed; at most `max_chars` characters.
    Text { multiline: bool, max_chars: usize },
    /// An e-mail address.
    Email,
    /// A calendar day, `YYYY-MM-DD`, in the caller's time zone.
    Date,
    /// One of a few options (at most 100); the value is the option's value.
    Select { options: Vec<Choice> },
    /// One of many options found by typing (served by [`crate::core::Bot::form_choices`]);
    /// the value is the chosen option's value.
    Search { source: SearchSource },
    /// A single tick box; the value is `true` when ticked, absent (or anything else) when not.
    Checkbox { text: String },
}

/// An option of a select or a search.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// What a searchable field searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchSource {
    /// The campus rooms; the value is the room id.
    Rooms,
    /// The rooms' SFS room names (the waitlist's `room=`); the value is the SFS room name.
    SfsRooms,
    /// The campus members; the value is the Virbela user id.
    Members,
}

/// A problem with one field, to show on that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The [`FormField::id`]; always a field the form shows.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// The most options a search answers with (Slack's limit for external selects).
pub const MAX_CHOICES: usize = 100;
