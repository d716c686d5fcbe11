//! [`ApprovalSettings`] from the `[approvals]` table: `ttl_hours` (how long a request
//! waits for votes, default 24) and `interrupt_after_minutes` (how old an execution
//! claim must be before recovery calls it interrupted, default 10).

use chrono::TimeDelta;

use crate::config::Config;

/// Timing of the approval engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalSettings {
    /// A pending request expires this long after it was made.
    pub ttl: TimeDelta,
    /// An `executing` claim older than this is a crashed execution. It is not zero so
    /// that a replica starting while another one is mid-call does not mislabel that
    /// call; a Virbela call never takes nearly this long.
    pub interrupt_after: TimeDelta,
}

impl Default for ApprovalSettings {
    fn default() -> Self {
        ApprovalSettings {
            ttl: TimeDelta::hours(24),
            interrupt_after: TimeDelta::minutes(10),
        }
    }
}

/// Why an `[approvals]` table was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("[approvals] has no setting `{0}`: use ttl_hours or interrupt_after_minutes")]
    UnknownKey(String),
    #[error("[approvals] {key} = {found}: give a whole number from {min} to {max}")]
    BadValue {
        key: String,
        found: String,
        min: i64,
        max: i64,
    },
}

impl ApprovalSettings {
    pub fn from_table(table: Option<&toml::Table>) -> Result<Self, SettingsError> {
        let mut settings = ApprovalSettings::default();
        for (key, value) in table.into_iter().flatten() {
            let (min, max) = match key.as_str() {
                "ttl_hours" => (1, 24 * 90),
                "interrupt_after_minutes" => (0, 24 * 60),
                other => return Err(SettingsError::UnknownKey(other.to_string())),
            };
            let n = value
                .as_integer()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| SettingsError::BadValue {
                    key: key.clone(),
                    found: value.to_string(),
                    min,
                    max,
                })?;
            if key == "ttl_hours" {
                settings.ttl = TimeDelta::hours(n);
            } else {
                settings.interrupt_after = TimeDelta::minutes(n);
            }
        }
        Ok(settings)
    }

    pub fn from_config(config: &Config) -> Result<Self, SettingsError> {
        ApprovalSettings::from_table(config.sections.get("approvals"))
    }
}
