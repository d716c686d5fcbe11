//! Campus people: accepted members (with hardware and profile) and pending invitations.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::sandbox::wire::iso_z;
use crate::virbela::domain::{Permission, TeamId};

/// A member's role: a permission, or suspended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Active(Permission),
    Suspended,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Active(p) => p.as_str(),
            Role::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "suspended" => Some(Role::Suspended),
            other => other.parse().ok().map(Role::Active),
        }
    }
}

/// The `hardware` object of `GET /User`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Hardware {
    pub os: String,
    pub processor: String,
    pub gfx: String,
    pub ram: String,
    pub device: String,
    #[serde(rename = "hardwareId")]
    pub hardware_id: String,
}

/// An accepted campus member and their profile.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub id: String,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub displayname: String,
    /// The invitation's `title` (kept, not shown by the vendor's user object).
    pub title: String,
    pub team: TeamId,
    pub role: Role,
    /// `None` until the user first logs in; the key is then omitted from the user object.
    pub hardware: Option<Hardware>,
    /// Non-blank campus profile fields (string or number values).
    pub profile: IndexMap<String, Value>,
    /// `profileLastUpdatedAt` of the user object and `updatedAt` of the profile.
    pub profile_updated_at: DateTime<Utc>,
}

impl Member {
    /// The user object of `GET /User`, in the vendor's key order.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("objectId".into(), json!(self.id));
        o.insert("email".into(), json!(self.email));
        o.insert("firstname".into(), json!(self.firstname));
        o.insert("lastname".into(), json!(self.lastname));
        o.insert("displayname".into(), json!(self.displayname));
        o.insert(
            "profileLastUpdatedAt".into(),
            json!(iso_z(self.profile_updated_at)),
        );
        if let Some(h) = &self.hardware {
            o.insert("hardware".into(), json!(h));
        }
        o.insert("teamId".into(), json!(self.team.letters()));
        o.insert("role".into(), json!(self.role.as_str()));
        Value::Object(o)
    }

    /// The member profile: email, firstname, lastname, the campus fields that are not
    /// blank (in definition order), updatedAt, and userId when asked for.
    pub fn profile_json(&self, fields: &[String], with_user_id: bool) -> Value {
        let mut o = Map::new();
        o.insert("email".into(), json!(self.email));
        o.insert("firstname".into(), json!(self.firstname));
        o.insert("lastname".into(), json!(self.lastname));
        for field in fields {
            if let Some(v) = self.profile.get(field).filter(|v| !is_blank(v)) {
                o.insert(field.clone(), v.clone());
            }
        }
        o.insert("updatedAt".into(), json!(iso_z(self.profile_updated_at)));
        if with_user_id {
            o.insert("userId".into(), json!(self.id));
        }
        Value::Object(o)
    }

    /// Moves `profile_updated_at` to `now`, strictly later than before.
    pub fn touch(&mut self, now: DateTime<Utc>) {
        let floor = self.profile_updated_at + chrono::Duration::milliseconds(1);
        self.profile_updated_at = now.max(floor);
    }
}

/// Whether a profile value counts as blank (and is omitted).
pub(crate) fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A pending invitation: not a member (not listed, 404 on lookup) until accepted.
#[derive(Clone, Debug)]
pub(crate) struct Invitation {
    /// The user id the member will have.
    pub id: String,
    pub email: String,
    pub firstname: String,
    pub lastname: String,
    pub displayname: String,
    pub title: String,
    pub team: TeamId,
    pub permission: Permission,
    pub invited_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_permissions_and_suspended() {
        assert_eq!(Role::parse("suspended"), Some(Role::Suspended));
        assert_eq!(Role::parse("admin"), Some(Role::Active(Permission::Admin)));
        assert_eq!(Role::parse("Admin"), None);
    }
}
