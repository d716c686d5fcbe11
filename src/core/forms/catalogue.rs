//! The forms: their fields, in the order people fill them in. Field ids are stable (they
//! key submissions, errors and the adapters' blocks); where a field stands for a typed
//! option, its id is that option's key (`first`, `last`, `name`, `title`, `team`, `role`).

use chrono::Days;

use super::{Choice, FieldKind, Form, FormField, FormId, SearchSource};
use crate::core::command::ParseContext;
use crate::virbela::domain::{InvitationEmail, Permission, TeamId};

/// Longest name, display name or title.
pub(super) const NAME_CHARS: usize = 200;
/// Longest reason.
pub(super) const REASON_CHARS: usize = 2000;
/// Days the report forms cover at first (as the commands' default `last 7 days`).
const DEFAULT_DAYS: u64 = 7;

/// The form `id`, with dates relative to `ctx` (today in the caller's time zone).
pub fn describe(id: FormId, ctx: &ParseContext) -> Form {
    match id {
        FormId::Invite => invite(),
        FormId::Suspend => suspend(),
        FormId::Delete => delete(),
        FormId::Attendance => attendance(ctx),
        FormId::Waitlist => waitlist(ctx),
        FormId::DenyReason => deny_reason(),
    }
}

fn form(id: FormId, title: &str, submit_label: &str, fields: Vec<FormField>) -> Form {
    let mut form = Form {
        id,
        title: title.to_string(),
        submit_label: submit_label.to_string(),
        intro: None,
        fields,
        status: None,
        hidden: Vec::new(),
    };
    form.status = loading_note(&form.searches());
    form
}

/// What the form says while its searches load.
fn loading_note(sources: &[SearchSource]) -> Option<String> {
    sources.first().map(|source| {
        let what = match source {
            SearchSource::Rooms | SearchSource::SfsRooms => "the rooms",
            SearchSource::Members => "the campus members",
        };
        format!("Loading {what}…")
    })
}

fn field(id: &'static str, label: &str, kind: FieldKind, required: bool) -> FormField {
    FormField {
        id,
        label: label.to_string(),
        kind,
        required,
        hint: None,
        placeholder: None,
        initial: None,
    }
}

impl FormField {
    fn hint(mut self, hint: &str) -> FormField {
        self.hint = Some(hint.to_string());
        self
    }

    fn placeholder(mut self, placeholder: &str) -> FormField {
        self.placeholder = Some(placeholder.to_string());
        self
    }

    fn initial(mut self, initial: String) -> FormField {
        self.initial = Some(initial);
        self
    }
}

fn text(max_chars: usize) -> FieldKind {
    FieldKind::Text {
        multiline: false,
        max_chars,
    }
}

fn long_text() -> FieldKind {
    FieldKind::Text {
        multiline: true,
        max_chars: REASON_CHARS,
    }
}

fn invite() -> Form {
    let teams = TeamId::all()
        .map(|t| Choice::new(t.letters(), format!("Team {t}")))
        .collect();
    let roles = Permission::ALL
        .into_iter()
        .map(|p| Choice::new(p.as_str(), p.as_str()))
        .collect();
    let emails = InvitationEmail::ALL
        .into_iter()
        .map(|o| {
            let label = match o {
                InvitationEmail::All => "all: always send it",
                InvitationEmail::NewToVirbela => "newToVirbela: only to people new to Virbela",
                InvitationEmail::NewToCampus => "newToCampus: only to people new to this campus",
                InvitationEmail::None => "none: never send it",
            };
            Choice::new(o.as_str(), label)
        })
        .collect();
    let mut form = form(
        FormId::Invite,
        "Invite to the campus",
        "Invite",
        vec![
            field("email", "E-mail address", FieldKind::Email, true)
                .placeholder("name@example.com"),
            field("first", "First name", text(NAME_CHARS), false),
            field("last", "Last name", text(NAME_CHARS), false),
            field("name", "Display name", text(NAME_CHARS), false)
                .hint("Left empty, Virbela chooses one."),
            field("title", "Title", text(NAME_CHARS), false).placeholder("Head of Sales"),
            field("team", "Team", FieldKind::Select { options: teams }, false)
                .hint("A–Z, AA–AZ or BA–BZ."),
            field("role", "Role", FieldKind::Select { options: roles }, false)
                .hint("Member when left empty. Moderator and above need approval."),
            field(
                "send_email",
                "Invitation e-mail",
                FieldKind::Select { options: emails },
                false,
            )
            .hint("When Virbela e-mails the invitation; all when left empty."),
            field(
                "overwrite",
                "Existing user",
                FieldKind::Checkbox {
                    text: "Replace the details of an existing user".to_string(),
                },
                false,
            )
            .hint("Left unticked, Virbela's default applies."),
        ],
    );
    form.intro = Some(
        "Invites a person, or updates an existing member's details. Same as `invite <email> \
         [key=value…]`."
            .to_string(),
    );
    form
}

fn member() -> FormField {
    field(
        "user",
        "Member",
        FieldKind::Search {
            source: SearchSource::Members,
        },
        true,
    )
    .placeholder("Type part of a name or e-mail")
}

fn suspend() -> Form {
    let mut form = form(
        FormId::Suspend,
        "Suspend a member",
        "Suspend",
        vec![
            member(),
            field("reason", "Reason", long_text(), false)
                .hint("For the approvers and the audit trail."),
        ],
    );
    form.intro = Some(
        "Suspending is reversible: a later invitation restores the member. It may need \
         approval."
            .to_string(),
    );
    form
}

fn delete() -> Form {
    let mut form = form(
        FormId::Delete,
        "Delete a user",
        "Request deletion",
        vec![
            member(),
            field("reason", "Reason", long_text(), true)
                .hint("Required: a deletion cannot be undone."),
            field(
                "confirm",
                "Type the member's e-mail address again",
                FieldKind::Email,
                true,
            )
            .hint("To confirm: it must be the e-mail address of the member chosen above."),
        ],
    );
    form.intro = Some(
        "*Deleting a user cannot be undone.* The request needs approval before anything is \
         deleted."
            .to_string(),
    );
    form
}

/// The report forms' dates: the last seven days, today included, in the caller's zone.
fn dates(ctx: &ParseContext) -> [FormField; 2] {
    let today = ctx.now.with_timezone(&ctx.tz).date_naive();
    let first = today
        .checked_sub_days(Days::new(DEFAULT_DAYS - 1))
        .unwrap_or(today);
    [
        field("from", "From", FieldKind::Date, true).initial(first.to_string()),
        field("to", "To (included)", FieldKind::Date, true)
            .initial(today.to_string())
            .hint(&format!("Days in {}.", ctx.tz.name())),
    ]
}

fn attendance(ctx: &ParseContext) -> Form {
    let [from, to] = dates(ctx);
    form(
        FormId::Attendance,
        "Attendance report",
        "Get report",
        vec![
            field(
                "room",
                "Room",
                FieldKind::Search {
                    source: SearchSource::Rooms,
                },
                true,
            )
            .placeholder("Type part of a room name"),
            from,
            to,
        ],
    )
}

fn waitlist(ctx: &ParseContext) -> Form {
    let [from, to] = dates(ctx);
    form(
        FormId::Waitlist,
        "Waitlist report",
        "Get report",
        vec![
            from,
            to,
            field(
                "room",
                "SFS room",
                FieldKind::Search {
                    source: SearchSource::SfsRooms,
                },
                false,
            )
            .placeholder("Every room")
            .hint("Leave empty for every room."),
        ],
    )
}

fn deny_reason() -> Form {
    form(
        FormId::DenyReason,
        "Deny request",
        "Deny",
        vec![
            field("reason", "Reason", long_text(), true)
                .hint("The requester and the other approvers see it."),
        ],
    )
}
