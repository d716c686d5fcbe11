//! The words of the approval state machine: [`ApprovalState`] and a vote's [`Decision`].
//!
//! ```text
//! pending ──> approved ──> executing ──> succeeded | failed
//!    │                         └──> interrupted (found executing after a crash)
//!    └──> denied | cancelled | expired
//! ```

use std::fmt;
use std::str::FromStr;

/// Where a request is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApprovalState {
    Pending,
    Approved,
    Executing,
    Succeeded,
    Failed,
    Denied,
    Cancelled,
    Expired,
    Interrupted,
}

impl ApprovalState {
    pub const ALL: [ApprovalState; 9] = [
        ApprovalState::Pending,
        ApprovalState::Approved,
        ApprovalState::Executing,
        ApprovalState::Succeeded,
        ApprovalState::Failed,
        ApprovalState::Denied,
        ApprovalState::Cancelled,
        ApprovalState::Expired,
        ApprovalState::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Executing => "executing",
            ApprovalState::Succeeded => "succeeded",
            ApprovalState::Failed => "failed",
            ApprovalState::Denied => "denied",
            ApprovalState::Cancelled => "cancelled",
            ApprovalState::Expired => "expired",
            ApprovalState::Interrupted => "interrupted",
        }
    }

    /// True when nothing more will happen to the request.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            ApprovalState::Pending | ApprovalState::Approved | ApprovalState::Executing
        )
    }
}

/// Why a stored state word was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an approval state")]
pub struct StateError(pub String);

impl FromStr for ApprovalState {
    type Err = StateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApprovalState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| StateError(s.to_string()))
    }
}

impl TryFrom<String> for ApprovalState {
    type Error = StateError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for ApprovalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An approver's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Approve,
    Deny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Deny => "deny",
        }
    }
}

impl FromStr for Decision {
    type Err = StateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "approve" => Ok(Decision::Approve),
            "deny" => Ok(Decision::Deny),
            other => Err(StateError(other.to_string())),
        }
    }
}

impl TryFrom<String> for Decision {
    type Error = StateError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
