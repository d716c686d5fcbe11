//! `Command`: what a person asked for, typed. Made once by the parser (`grammar`) from
//! the words typed in Slack, Teams or the console, and trusted by everything after it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use indexmap::IndexMap;

use crate::access::Role;
use crate::virbela::domain::{DateRange, Email, InvitationEmail, Permission, TeamId, VolumeId};

/// What the parser needs besides the text: the time ranges are relative to `now`, in `tz`.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext {
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

/// The command names of the grammar (DESIGN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CommandId {
    Help,
    Users,
    User,
    Invite,
    Suspend,
    Delete,
    Profile,
    Rooms,
    Attendance,
    Volume,
    Waitlist,
    Space,
    Approvals,
    Roles,
    Audit,
    Schedule,
}

/// A user as typed: an e-mail, or a word that is a Virbela user id or a display name
/// (the resolver decides, against the directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    Email(Email),
    /// An id or a display name (case-insensitive), e.g. `zCzMQrfRK9FR` or `KBlevins123`.
    Word(String),
}

/// `invite <email> [key=value…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteArgs {
    pub email: Email,
    /// `first=`
    pub first_name: Option<String>,
    /// `last=`
    pub last_name: Option<String>,
    /// `name=` (display name)
    pub display_name: Option<String>,
    /// `title=`
    pub title: Option<String>,
    /// `team=` (A–Z, AA–AZ, BA–BZ)
    pub team: Option<TeamId>,
    /// `role=` (member, leader, moderator, admin, owner)
    pub permission: Option<Permission>,
    /// `email=` (all, newToVirbela, newToCampus, none)
    pub send_email: Option<InvitationEmail>,
    /// `overwrite=yes|no`
    pub overwrite: Option<bool>,
}

/// `approvals …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalsCommand {
    /// `approvals` or `approvals pending`
    Pending,
    /// `approvals mine`
    Mine,
    Show(i64),
    Approve(i64),
    Deny {
        id: i64,
        reason: Option<String>,
    },
    Cancel(i64),
}

/// Who a role is granted to, as typed: a principal (`slack:U…`, a Slack mention
/// `<@U…>`, `teams:…`, `console:…`) or a group (`slack-group:S…`, `teams-group:…`).
/// Kept as text here; the access layer parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolesCommand {
    List,
    Grant { subject: String, role: Role },
    Revoke { subject: String, role: Role },
}

/// `schedule add …`: a report posted on a cadence. Checked by the parser: the window
/// reads as a range, the cadence as a phrase or cron, the zone is an IANA name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleAdd {
    /// `attendance` or `waitlist`.
    pub kind: String,
    /// The report's words besides the range (`Theater`, `"Main Hall"`, `room=SFS1`).
    pub args: String,
    /// The range phrase (`last week`), evaluated at each run.
    pub window: String,
    /// The cadence as stored (`daily 09:00`, `30 8 * * 1-5`).
    pub when: String,
    /// `tz=`: else the caller's zone.
    pub tz: Option<Tz>,
    /// `channel=`: else where the command was typed.
    pub channel: Option<String>,
    /// `grace=` in hours for a run missed while the bot was down (default 6).
    pub grace_hours: Option<u32>,
    /// `skip-empty`: post nothing for an empty report.
    pub skip_empty: bool,
}

/// `schedule …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleCommand {
    List,
    Add(Box<ScheduleAdd>),
    Remove(i64),
    Pause(i64),
    Resume(i64),
    Run(i64),
    Preview(i64),
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `help [topic]`
    Help {
        topic: Option<CommandId>,
    },
    /// `users [filter]`; `users pending` lists invitations not yet accepted.
    Users {
        filter: Option<String>,
    },
    UsersPending,
    /// `user <email|id>`
    User {
        who: UserRef,
    },
    Invite(Box<InviteArgs>),
    /// `suspend <email|id> [reason…]`
    Suspend {
        who: UserRef,
        reason: Option<String>,
    },
    /// `delete <email|id> [reason…]`
    Delete {
        who: UserRef,
        reason: Option<String>,
    },
    /// `profile <email|id>`
    Profile {
        who: UserRef,
    },
    /// `profile <email|id> set Field=Value… [unset Field…]`
    ProfileEdit {
        who: UserRef,
        set: IndexMap<String, String>,
        unset: Vec<String>,
    },
    /// `rooms [filter]`
    Rooms {
        filter: Option<String>,
    },
    /// `attendance <room name|id> [range] [clip]` (default: last 7 days). The room is as
    /// typed; the resolver matches it against names, custom labels and ids.
    Attendance {
        room: String,
        range: DateRange,
        range_label: String,
        /// `clip` / `clip=yes`: count only the parts of sessions inside the range
        /// (default: sessions count whole, as Virbela returns them).
        clip: bool,
    },
    /// `volume <volume id> [range] [clip]` (default: last 7 days)
    Volume {
        volume: VolumeId,
        range: DateRange,
        range_label: String,
        clip: bool,
    },
    /// `waitlist [range] [room=SFSROOM]` (default: last 7 days)
    Waitlist {
        range: DateRange,
        range_label: String,
        sfs_room: Option<String>,
    },
    /// `space create <email> <first> <last> <pricingId>`
    SpaceCreate {
        email: Email,
        first_name: String,
        last_name: String,
        pricing_id: u64,
    },
    Approvals(ApprovalsCommand),
    Roles(RolesCommand),
    /// `audit` or `audit recent`
    AuditRecent,
    Schedule(ScheduleCommand),
    /// A bare `invite`, `suspend`, `delete`, `attendance` or `waitlist`: adapters with
    /// forms open one; others show the command's help.
    Form(CommandId),
}

/// Why text is not a command: the message says exactly what is accepted, and names
/// the command whose help should follow, if one was recognised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    pub message: String,
    pub command: Option<CommandId>,
}

impl UsageError {
    pub fn new(message: impl Into<String>, command: Option<CommandId>) -> Self {
        UsageError {
            message: message.into(),
            command,
        }
    }
}
