//! Running a parsed command for a caller: authorization, the approval policy, Virbela
//! calls, and the reply. One file per capability; `actions.rs` holds the gated actions
//! (their frozen payloads, the re-check before execution, and the execution itself).

mod actions;
mod admin;
mod approvals;
mod directory;
mod failure;
mod profiles;
mod reports;
mod rooms;
mod schedules;
mod users;

pub(crate) use actions::{GatedAction, vote_buttons};
pub(crate) use directory::{Directory, matching};

use chrono_tz::Tz;

use super::bot::{BotInner, Caller};
use super::command::{ApprovalsCommand, Command, RolesCommand};
use super::grammar;
use super::reply::Reply;
use crate::access::{Capability, Principal, Role};

/// One command being handled: who asks, with which role, where in time.
pub(crate) struct Turn<'a> {
    pub bot: &'a BotInner,
    pub caller: &'a Caller,
    pub role: Option<Role>,
    pub tz: Tz,
    pub correlation_id: &'a str,
}

impl Turn<'_> {
    /// Runs `command`, authorized by [`answer_at_once`] (checked again here, cheaply,
    /// so a job can never run unauthorized).
    pub async fn run(&self, command: Command) -> Reply {
        if let Some(reply) = answer_at_once(&command, self.role, &self.caller.principal) {
            return reply;
        }
        match command {
            // Answered by `answer_at_once` above.
            Command::Help { .. } | Command::Form(_) => Reply::ok(""),
            Command::Users { filter } => self.users(filter.as_deref()).await,
            Command::UsersPending => self.users_pending().await,
            Command::User { who } => self.user(&who).await,
            Command::Invite(args) => self.invite(*args).await,
            Command::Suspend { who, reason } => self.suspend(&who, reason.as_deref()).await,
            Command::Delete { who, reason } => self.delete(&who, reason.as_deref()).await,
            Command::Profile { who } => self.profile(&who).await,
            Command::ProfileEdit { who, set, unset } => self.profile_edit(&who, set, unset).await,
            Command::Rooms { filter } => self.rooms(filter.as_deref()).await,
            Command::Attendance {
                room,
                range,
                range_label,
                clip,
            } => self.room_attendance(&room, range, &range_label, clip).await,
            Command::Volume {
                volume,
                range,
                range_label,
                clip,
            } => {
                self.volume_attendance(volume, range, &range_label, clip)
                    .await
            }
            Command::Waitlist {
                range,
                range_label,
                sfs_room,
            } => {
                self.waitlist(range, &range_label, sfs_room.as_deref())
                    .await
            }
            Command::SpaceCreate {
                email,
                first_name,
                last_name,
                pricing_id,
            } => {
                self.space_create(email, first_name, last_name, pricing_id)
                    .await
            }
            Command::Approvals(sub) => self.approvals(sub).await,
            Command::Roles(sub) => self.roles(sub).await,
            Command::AuditRecent => self.audit_recent().await,
            Command::Schedule(sub) => self.schedule(sub).await,
        }
    }

    pub fn principal(&self) -> String {
        self.caller.principal.to_string()
    }
}

/// The complete answer when one needs no Virbela call and no write: help, forms, and
/// refusals for want of a role. `None` means the command is authorized and must run.
pub(crate) fn answer_at_once(
    command: &Command,
    role: Option<Role>,
    principal: &Principal,
) -> Option<Reply> {
    match command {
        Command::Help { topic: None } => return Some(grammar::help_overview(role)),
        Command::Help { topic: Some(id) } => return Some(grammar::help_for(*id, role)),
        Command::Form(id) => {
            let mut help = grammar::help_for(*id, role);
            help.status = super::reply::Status::Usage;
            return Some(help);
        }
        _ => {}
    }
    let needed = required_capability(command)?;
    if role.is_some_and(|r| r.can(needed)) {
        return None;
    }
    let has = role.map_or("no role".to_string(), |r| format!("the {r} role"));
    Some(Reply::refused(format!(
        "You need the {} role or higher for this; you have {has}. An admin can grant it with `roles grant {principal} {}`.",
        needed.min_role(),
        needed.min_role()
    )))
}

/// What to say while a command runs in the background.
pub(crate) fn working_text(command: &Command) -> String {
    match command {
        Command::Attendance {
            room, range_label, ..
        } => format!("Fetching the attendance of {room}, {range_label}…"),
        Command::Volume {
            volume,
            range_label,
            ..
        } => format!("Fetching the attendance of private volume {volume}, {range_label}…"),
        Command::Waitlist { range_label, .. } => {
            format!("Fetching the waitlist events, {range_label}…")
        }
        Command::Users { .. } | Command::UsersPending => "Fetching the campus members…".to_string(),
        Command::Invite(_)
        | Command::Suspend { .. }
        | Command::Delete { .. }
        | Command::ProfileEdit { .. }
        | Command::SpaceCreate { .. } => {
            "Working on it: checking the policy and Virbela…".to_string()
        }
        _ => "Working on it…".to_string(),
    }
}

/// What a command needs before anything runs (the engine re-checks votes and requests).
fn required_capability(command: &Command) -> Option<Capability> {
    Some(match command {
        Command::Help { .. } | Command::Form(_) => return None,
        Command::Users { .. }
        | Command::UsersPending
        | Command::User { .. }
        | Command::Profile { .. }
        | Command::Rooms { .. }
        | Command::Attendance { .. }
        | Command::Volume { .. }
        | Command::Waitlist { .. } => Capability::View,
        Command::Invite(_)
        | Command::Suspend { .. }
        | Command::Delete { .. }
        | Command::ProfileEdit { .. }
        | Command::SpaceCreate { .. } => Capability::Request,
        Command::Approvals(sub) => match sub {
            ApprovalsCommand::Pending | ApprovalsCommand::Mine | ApprovalsCommand::Show(_) => {
                Capability::View
            }
            ApprovalsCommand::Approve(_) | ApprovalsCommand::Deny { .. } => Capability::Decide,
            ApprovalsCommand::Cancel(_) => Capability::Request,
        },
        Command::Roles(RolesCommand::List)
        | Command::Roles(RolesCommand::Grant { .. })
        | Command::Roles(RolesCommand::Revoke { .. })
        | Command::AuditRecent => Capability::Administer,
        // Any role gets this far; `[policy] schedules` (default admin) decides in
        // `schedules.rs`, as schedules post to channels as their creator.
        Command::Schedule(_) => Capability::View,
    })
}
