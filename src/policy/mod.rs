//! The approval policy: how many approvals each [`Action`] needs. Defaults come from
//! DESIGN.md §3; the `[policy]` table of the TOML config overrides them
//! (`delete = 3`, `invite_member = 1`, …) and is validated at start: an unknown action id
//! or a value that is not a small whole number is an error naming the valid choices.
//! One key is not an action: `schedules = "admin"`, the lowest role that may list,
//! create and change scheduled reports (default `admin`).

mod action;

pub use action::{Action, UnknownAction};

use std::collections::BTreeMap;

use crate::access::Role;
use crate::config::Config;
use crate::virbela::domain::Permission;

/// The most approvals a policy may require (more could never be gathered in practice).
pub const MAX_APPROVALS: u32 = 10;

/// Why a `[policy]` table was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("[policy] {0}")]
    UnknownAction(#[from] UnknownAction),
    #[error(
        "[policy] {action} = {found}: give a whole number of approvals from 0 to {MAX_APPROVALS}"
    )]
    BadValue { action: String, found: String },
    #[error(
        "[policy] schedules = {0}: give a role: \"viewer\", \"operator\", \"approver\" or \"admin\""
    )]
    BadScheduleRole(String),
}

/// The `[policy]` key naming who may manage scheduled reports.
pub const SCHEDULES_KEY: &str = "schedules";

/// Required approvals per action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    required: BTreeMap<Action, u32>,
    schedule_role: Role,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            required: Action::ALL
                .into_iter()
                .map(|a| (a, a.default_approvals()))
                .collect(),
            schedule_role: Role::Admin,
        }
    }
}

impl Policy {
    /// The defaults with the overrides of a `[policy]` table, if any.
    pub fn from_table(table: Option<&toml::Table>) -> Result<Policy, PolicyError> {
        let mut policy = Policy::default();
        for (name, value) in table.into_iter().flatten() {
            if name == SCHEDULES_KEY {
                policy.schedule_role = value
                    .as_str()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| PolicyError::BadScheduleRole(value.to_string()))?;
                continue;
            }
            let action: Action = name.parse()?;
            let count = value
                .as_integer()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n <= MAX_APPROVALS)
                .ok_or_else(|| PolicyError::BadValue {
                    action: name.clone(),
                    found: value.to_string(),
                })?;
            policy.required.insert(action, count);
        }
        Ok(policy)
    }

    /// The policy of a loaded configuration (its `[policy]` table).
    pub fn from_config(config: &Config) -> Result<Policy, PolicyError> {
        Policy::from_table(config.sections.get("policy"))
    }

    /// Approvals `action` needs; 0 means it runs at once for an operator.
    pub fn required_approvals(&self, action: Action) -> u32 {
        self.required
            .get(&action)
            .copied()
            .unwrap_or_else(|| action.default_approvals())
    }

    /// Approvals an invitation granting `permission` needs.
    pub fn invite_approvals(&self, permission: Permission) -> u32 {
        self.required_approvals(Action::invite(permission))
    }

    /// The lowest role that may list, create and change scheduled reports.
    pub fn schedule_role(&self) -> Role {
        self.schedule_role
    }

    /// Every action with its requirement, for `config check` and help.
    pub fn entries(&self) -> impl Iterator<Item = (Action, u32)> + '_ {
        self.required.iter().map(|(a, n)| (*a, *n))
    }
}
