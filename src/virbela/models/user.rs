//! Users: `GET /User`, `GET /User/{userId}`, the invitation request and answer, and
//! the suspend / delete bodies.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::virbela::domain::{
    Email, InvitationEmail, Lenient, Permission, TeamId, UserId, UserRole,
};

/// An accepted campus user as `GET /User` lists them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct User {
    #[serde(rename = "objectId")]
    pub user_id: UserId,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
    #[serde(default)]
    pub displayname: Option<String>,
    #[serde(rename = "profileLastUpdatedAt", default)]
    pub profile_last_updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub hardware: Option<Hardware>,
    #[serde(rename = "teamId", default, deserialize_with = "optional_team")]
    pub team_id: Option<TeamId>,
    #[serde(default)]
    pub role: Option<UserRole>,
    /// Fields this client does not know yet, kept in order.
    #[serde(flatten)]
    pub extra: IndexMap<String, serde_json::Value>,
}

impl User {
    /// The best name to show: display name, else first and last name, else e-mail, else id.
    pub fn label(&self) -> String {
        let full = [self.firstname.as_deref(), self.lastname.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        self.displayname
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| Some(full).filter(|s| !s.trim().is_empty()))
            .or_else(|| self.email.clone())
            .unwrap_or_else(|| self.user_id.to_string())
    }

    pub fn is_suspended(&self) -> bool {
        self.role.as_ref().is_some_and(UserRole::is_suspended)
    }
}

/// The hardware a user last logged in with.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hardware {
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub processor: Option<String>,
    #[serde(default)]
    pub gfx: Option<String>,
    /// Megabytes, sent as a string.
    #[serde(default)]
    pub ram: Option<Lenient<u64>>,
    #[serde(default)]
    pub device: Option<String>,
    #[serde(default)]
    pub hardware_id: Option<String>,
}

/// Team ids of users are letters; an empty string or null means none.
fn optional_team<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<TeamId>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => TeamId::deserialize(v)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// `POST /User/Invitation`: create or update one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub email: Email,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<TeamId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<Permission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_invitation_email: Option<InvitationEmail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overwrite_data: Option<bool>,
}

impl Invitation {
    /// An invitation with only the e-mail; Virbela's defaults apply to the rest.
    pub fn new(email: Email) -> Self {
        Invitation {
            email,
            display_name: None,
            first_name: None,
            last_name: None,
            title: None,
            team_id: None,
            permission: None,
            send_invitation_email: None,
            overwrite_data: None,
        }
    }

    /// The permission Virbela will grant (`member` when none is given).
    pub fn effective_permission(&self) -> Permission {
        self.permission.unwrap_or(Permission::Member)
    }
}

/// Whether the invitee still has to accept.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Pending,
    Member,
    #[serde(other)]
    Other,
}

/// What Virbela answered to an invitation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationResult {
    #[serde(default)]
    pub user_id: Option<UserId>,
    #[serde(default)]
    pub email: Option<String>,
    /// The display name Virbela actually gave (digits may have been appended).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Reported as the 0-based integer; decoded back to letters.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    #[serde(default)]
    pub role: Option<UserRole>,
    #[serde(default)]
    pub status: Option<InvitationStatus>,
    #[serde(default)]
    pub invitation_email_sent: Option<bool>,
    #[serde(flatten)]
    pub extra: IndexMap<String, serde_json::Value>,
}

/// The invitation answer with the envelope's `requestId`.
#[derive(Debug, Clone, PartialEq)]
pub struct Invited {
    pub result: InvitationResult,
    pub request_id: Option<String>,
}

/// Who to suspend: by id, by e-mail, or both (then Virbela uses the id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuspendTarget {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
}

impl SuspendTarget {
    pub fn by_id(user_id: UserId) -> Self {
        SuspendTarget {
            user_id: Some(user_id),
            email: None,
        }
    }

    pub fn by_email(email: Email) -> Self {
        SuspendTarget {
            user_id: None,
            email: Some(email),
        }
    }
}

/// Who to delete: Virbela requires both keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteTarget {
    pub user_id: UserId,
    pub email: Email,
}
