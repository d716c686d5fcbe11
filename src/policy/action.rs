//! [`Action`]: the sensitive actions the approval policy knows, with stable ids used in
//! the `[policy]` table, the store and the audit trail.

use std::fmt;
use std::str::FromStr;

use crate::virbela::domain::Permission;

/// An action that may need approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    InviteMember,
    InviteLeader,
    InviteModerator,
    InviteAdmin,
    InviteOwner,
    ProfileEdit,
    Suspend,
    Delete,
    SpaceCreate,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::InviteMember,
        Action::InviteLeader,
        Action::InviteModerator,
        Action::InviteAdmin,
        Action::InviteOwner,
        Action::ProfileEdit,
        Action::Suspend,
        Action::Delete,
        Action::SpaceCreate,
    ];

    /// The id (`delete`, `invite_owner`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::InviteMember => "invite_member",
            Action::InviteLeader => "invite_leader",
            Action::InviteModerator => "invite_moderator",
            Action::InviteAdmin => "invite_admin",
            Action::InviteOwner => "invite_owner",
            Action::ProfileEdit => "profile_edit",
            Action::Suspend => "suspend",
            Action::Delete => "delete",
            Action::SpaceCreate => "space_create",
        }
    }

    /// Inviting is as sensitive as the permission it grants.
    pub fn invite(permission: Permission) -> Action {
        match permission {
            Permission::Member => Action::InviteMember,
            Permission::Leader => Action::InviteLeader,
            Permission::Moderator => Action::InviteModerator,
            Permission::Admin => Action::InviteAdmin,
            Permission::Owner => Action::InviteOwner,
        }
    }

    /// Approvals required unless the `[policy]` table says otherwise (DESIGN.md §3).
    pub fn default_approvals(self) -> u32 {
        match self {
            Action::InviteMember | Action::InviteLeader | Action::ProfileEdit => 0,
            Action::InviteModerator
            | Action::InviteAdmin
            | Action::InviteOwner
            | Action::Suspend
            | Action::SpaceCreate => 1,
            Action::Delete => 2,
        }
    }

    /// How much harm a mistaken execution does, in words for approval cards.
    pub fn risk(self) -> &'static str {
        match self {
            Action::Delete => "high: irreversible, the member and their data are gone",
            Action::InviteOwner | Action::InviteAdmin => {
                "high: grants administration of the campus"
            }
            Action::Suspend => "medium: the member loses access until invited again",
            Action::InviteModerator => "medium: grants moderation rights",
            Action::SpaceCreate => "medium: places an order for a private space",
            Action::InviteLeader => "low: grants leader rights",
            Action::InviteMember => "low: a new member",
            Action::ProfileEdit => "low: profile fields change",
        }
    }

    /// Irreversible actions need a reason (also a CHECK in the store).
    pub fn requires_reason(self) -> bool {
        self == Action::Delete
    }

    /// Every id, comma-separated, for messages.
    pub fn all_ids() -> String {
        Action::ALL.map(Action::as_str).join(", ")
    }
}

/// Why an action id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` is not an action: use one of {valid}")]
pub struct UnknownAction {
    pub name: String,
    pub valid: String,
}

impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownAction {
                name: s.to_string(),
                valid: Action::all_ids(),
            })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
