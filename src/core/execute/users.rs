//! Users: list, pending invitations (the ledger reconciled with Virbela), one user, and
//! the requests to invite, suspend and delete.

use chrono::Utc;

use super::Turn;
use super::actions::GatedAction;
use super::directory::Found;
use crate::core::command::{InviteArgs, UserRef};
use crate::core::reply::{Reply, Table};
use crate::store::invitations;
use crate::virbela::domain::Email;
use crate::virbela::models::{Invitation, User};

/// Most rows a listing shows.
const MAX_ROWS: usize = 50;

impl Turn<'_> {
    /// The user `who` names, or the reply explaining why there is none.
    pub(super) async fn resolve_user(&self, who: &UserRef) -> Result<User, Reply> {
        match self.bot.directory.find(who).await {
            Ok(Found::One(user)) => Ok(*user),
            Ok(Found::Several(users)) => {
                let mut table = Table::new(["Display name", "Email", "Id"]);
                for u in &users {
                    table.push([
                        u.displayname.clone().unwrap_or_default(),
                        u.email.clone().unwrap_or_default(),
                        u.user_id.to_string(),
                    ]);
                }
                Err(Reply::usage("Several users match; name one by e-mail or id.").table(table))
            }
            Ok(Found::None { suggestions }) => {
                let typed = match who {
                    UserRef::Email(e) => e.to_string(),
                    UserRef::Word(w) => w.clone(),
                };
                let hint = if suggestions.is_empty() {
                    " Try `users <part of a name>` to search.".to_string()
                } else {
                    format!(
                        " Did you mean {}?",
                        suggestions
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                Err(Reply::refused(format!(
                    "No campus member matches `{typed}` (by e-mail, id or display name; pending invitations are listed by `users pending`).{hint}"
                )))
            }
            Err(e) => Err(self.virbela_failed("look up the user", &e)),
        }
    }

    pub(super) async fn users(&self, filter: Option<&str>) -> Reply {
        let users = match self.bot.directory.users().await {
            Ok(users) => users,
            Err(e) => return self.virbela_failed("list the users", &e),
        };
        let needle = filter.map(str::to_lowercase);
        let matching: Vec<&User> = users
            .iter()
            .filter(|u| match &needle {
                None => true,
                Some(n) => {
                    [&u.email, &u.firstname, &u.lastname, &u.displayname]
                        .into_iter()
                        .flatten()
                        .any(|f| f.to_lowercase().contains(n.as_str()))
                        || u.user_id.as_str() == n
                }
            })
            .collect();
        let mut table = Table::new(["Display name", "Name", "Email", "Team", "Role", "Id"]);
        for u in matching.iter().take(MAX_ROWS) {
            table.push(user_row(u));
        }
        let mut text = match filter {
            Some(f) => format!("{} of {} members match `{f}`.", matching.len(), users.len()),
            None => format!("{} members.", users.len()),
        };
        if matching.len() > MAX_ROWS {
            text.push_str(&format!(
                " Showing the first {MAX_ROWS}; narrow with `users <filter>`."
            ));
        }
        Reply::ok(text).titled("Campus members").table(table)
    }

    /// Invitations the bot sent that Virbela does not list as accepted yet. Those now
    /// listed are marked accepted in the ledger first.
    pub(super) async fn users_pending(&self) -> Reply {
        self.bot.directory.invalidate().await;
        let users = match self.bot.directory.users().await {
            Ok(users) => users,
            Err(e) => return self.virbela_failed("list the users", &e),
        };
        let pending = async {
            let mut tx = self.bot.db.begin().await?;
            let mut still = Vec::new();
            for inv in invitations::list_pending(&mut tx).await? {
                let member = users.iter().find(|u| {
                    u.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(&inv.email))
                        || inv.virbela_user_id.as_deref() == Some(u.user_id.as_str())
                });
                match member {
                    Some(u) => {
                        invitations::mark_accepted(
                            &mut tx,
                            &inv.email,
                            Some(u.user_id.as_str()),
                            Utc::now(),
                        )
                        .await?;
                    }
                    None => still.push(inv),
                }
            }
            tx.commit().await?;
            Ok::<_, crate::store::StoreError>(still)
        };
        let still = match pending.await {
            Ok(still) => still,
            Err(e) => return self.store_failed(&e),
        };
        if still.is_empty() {
            return Reply::ok("No invitation is waiting to be accepted.");
        }
        let mut table = Table::new(["Email", "Display name", "Role", "Invited by", "Sent"]);
        for inv in &still {
            table.push([
                inv.email.clone(),
                inv.display_name.clone().unwrap_or_default(),
                inv.permission.clone(),
                inv.invited_by.clone(),
                inv.sent_at
                    .with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            ]);
        }
        Reply::ok(format!("{} invitation(s) not accepted yet.", still.len()))
            .titled("Pending invitations")
            .table(table)
    }

    pub(super) async fn user(&self, who: &UserRef) -> Reply {
        let user = match self.resolve_user(who).await {
            Ok(u) => u,
            Err(reply) => return reply,
        };
        let mut reply = Reply::ok("")
            .titled(user.label())
            .field("Id", user.user_id.to_string())
            .field("Email", user.email.clone().unwrap_or_default())
            .field("Name", full_name(&user))
            .field(
                "Team",
                user.team_id.map(|t| t.to_string()).unwrap_or_default(),
            )
            .field(
                "Role",
                user.role
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            );
        if let Some(at) = user.profile_last_updated_at {
            reply = reply.field(
                "Profile updated",
                at.with_timezone(&self.tz)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string(),
            );
        }
        if let Some(hw) = &user.hardware {
            let device = [hw.device.as_deref(), hw.os.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            if !device.is_empty() {
                reply = reply.field("Device", device);
            }
        }
        reply
    }

    pub(super) async fn invite(&self, args: InviteArgs) -> Reply {
        let invitation = Invitation {
            email: args.email,
            display_name: args.display_name,
            first_name: args.first_name,
            last_name: args.last_name,
            title: args.title,
            team_id: args.team,
            permission: args.permission,
            send_invitation_email: args.send_email,
            overwrite_data: args.overwrite,
        };
        self.request(GatedAction::Invite { invitation }, None).await
    }

    pub(super) async fn suspend(&self, who: &UserRef, reason: Option<&str>) -> Reply {
        let user = match self.resolve_user(who).await {
            Ok(u) => u,
            Err(reply) => return reply,
        };
        if user.is_suspended() {
            return Reply::refused(format!("{} is already suspended.", user.label()));
        }
        let action = GatedAction::Suspend {
            user_id: user.user_id.clone(),
            email: user.email.clone(),
            name: user.label(),
        };
        self.request(action, reason).await
    }

    /// Virbela needs both the id and the e-mail: whichever was not typed is looked up.
    pub(super) async fn delete(&self, who: &UserRef, reason: Option<&str>) -> Reply {
        let user = match self.resolve_user(who).await {
            Ok(u) => u,
            Err(reply) => return reply,
        };
        let Some(email) = user.email.as_deref().and_then(|e| e.parse::<Email>().ok()) else {
            return Reply::refused(format!(
                "{} has no usable e-mail in Virbela, and deleting needs both the id and the e-mail.",
                user.label()
            ));
        };
        let action = GatedAction::Delete {
            user_id: user.user_id.clone(),
            email,
            name: user.label(),
        };
        self.request(action, reason).await
    }
}

fn full_name(u: &User) -> String {
    [u.firstname.as_deref(), u.lastname.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

fn user_row(u: &User) -> [String; 6] {
    [
        u.displayname.clone().unwrap_or_default(),
        full_name(u),
        u.email.clone().unwrap_or_default(),
        u.team_id.map(|t| t.to_string()).unwrap_or_default(),
        u.role.as_ref().map(ToString::to_string).unwrap_or_default(),
        u.user_id.to_string(),
    ]
}
