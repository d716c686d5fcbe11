//! [`Role`]s, ordered `viewer` < `operator` < `approver` < `admin`, and the
//! [`Capability`] each one grants (DESIGN.md §3).

use std::fmt;
use std::str::FromStr;

/// A role a binding grants. Higher roles include everything lower roles may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Viewer,
    Operator,
    Approver,
    Admin,
}

/// What a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// help, users, user, profile (read), rooms, attendance, volume, waitlist.
    View,
    /// Request invite, suspend, delete, profile edits, spaces.
    Request,
    /// Approve or deny the requests of others.
    Decide,
    /// Roles, schedules, policy, audit.
    Administer,
}

impl Capability {
    /// The lowest role holding this capability.
    pub fn min_role(self) -> Role {
        match self {
            Capability::View => Role::Viewer,
            Capability::Request => Role::Operator,
            Capability::Decide => Role::Approver,
            Capability::Administer => Role::Admin,
        }
    }
}

/// Why a role name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role: use viewer, operator, approver or admin")]
pub struct RoleError(pub String);

impl Role {
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::Approver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may do what needs `capability`.
    pub fn can(self, capability: Capability) -> bool {
        self >= capability.min_role()
    }
}

impl FromStr for Role {
    type Err = RoleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == lower)
            .ok_or_else(|| RoleError(s.to_string()))
    }
}

impl TryFrom<String> for Role {
    type Error = RoleError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_grant_the_design_capabilities() {
        use Capability::*;
        let table = [
            (Role::Viewer, [true, false, false, false]),
            (Role::Operator, [true, true, false, false]),
            (Role::Approver, [true, true, true, false]),
            (Role::Admin, [true, true, true, true]),
        ];
        for (role, expected) in table {
            let got = [View, Request, Decide, Administer].map(|c| role.can(c));
            assert_eq!(got, expected, "{role}");
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!(Role::Viewer < Role::Operator && Role::Approver < Role::Admin);
        assert!("owner".parse::<Role>().is_err());
    }
}
