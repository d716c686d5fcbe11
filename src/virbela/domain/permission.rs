//! `Permission` (the role an invitation grants) and `UserRole` (the role a user has).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The permission an invitation grants. Virbela accepts exactly these five words, in lower
/// case only (`Moderator` is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    Member,
    Leader,
    Moderator,
    Admin,
    Owner,
}

/// Why a permission was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a permission: use one of member, leader, moderator, admin, owner (lower case)"
)]
pub struct PermissionError(pub String);

impl Permission {
    pub const ALL: [Permission; 5] = [
        Permission::Member,
        Permission::Leader,
        Permission::Moderator,
        Permission::Admin,
        Permission::Owner,
    ];

    /// The wire word.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Member => "member",
            Permission::Leader => "leader",
            Permission::Moderator => "moderator",
            Permission::Admin => "admin",
            Permission::Owner => "owner",
        }
    }
}

impl FromStr for Permission {
    type Err = PermissionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| PermissionError(s.to_string()))
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Permission {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The role Virbela reports for a user: a permission, `suspended`, or a word this
/// client does not know yet (kept as sent rather than failing the whole page).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UserRole {
    Permission(Permission),
    Suspended,
    Other(String),
}

impl UserRole {
    pub fn as_str(&self) -> &str {
        match self {
            UserRole::Permission(p) => p.as_str(),
            UserRole::Suspended => "suspended",
            UserRole::Other(s) => s,
        }
    }

    pub fn is_suspended(&self) -> bool {
        matches!(self, UserRole::Suspended)
    }
}

impl From<&str> for UserRole {
    fn from(s: &str) -> Self {
        match s {
            "suspended" => UserRole::Suspended,
            other => other
                .parse()
                .map(UserRole::Permission)
                .unwrap_or_else(|_| UserRole::Other(other.to_string())),
        }
    }
}

impl fmt::Display for UserRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UserRole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UserRole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(UserRole::from(String::deserialize(d)?.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_lower_case_words_parse_and_print_back() {
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
            assert_eq!(p.to_string(), p.as_str());
        }
    }

    #[test]
    fn capitalised_or_unknown_words_are_refused() {
        for bad in [
            "Moderator",
            "ADMIN",
            "Member",
            "suspended",
            "guest",
            "",
            " member",
        ] {
            let err = bad.parse::<Permission>().expect_err(bad);
            assert!(err.to_string().contains("lower case"), "{err}");
        }
        assert!(serde_json::from_str::<Permission>("\"Moderator\"").is_err());
    }

    #[test]
    fn user_roles_keep_unknown_words() {
        assert_eq!(UserRole::from("suspended"), UserRole::Suspended);
        assert_eq!(
            UserRole::from("admin"),
            UserRole::Permission(Permission::Admin)
        );
        assert_eq!(UserRole::from("guest"), UserRole::Other("guest".into()));
    }
}
