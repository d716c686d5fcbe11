//! What `config check` finds wrong with a loaded [`Config`], as a list of [`Finding`]s:
//! errors (serve would refuse or misbehave; exit 1) and warnings (a feature is off or
//! degraded; printed, exit 0). Pure: no network, no files; the store is probed apart
//! ([`super::db_probe`]). Messages never contain a secret's value.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::access::Principal;
use crate::approvals::ApprovalSettings;
use crate::config::Config;
use crate::policy::Policy;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Printed; `config check` still exits 0.
    Warning,
    /// `config check` exits 1.
    Error,
}

/// One problem, about one setting (or table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// The setting named first, e.g. `SLACK_APP_TOKEN` or `[policy]`.
    pub setting: &'static str,
    pub message: String,
}

impl Finding {
    pub fn error(setting: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            setting,
            message: message.into(),
        }
    }

    pub fn warning(setting: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Warning,
            setting,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Some messages (`[policy] …`, `REPLICAS = …`) already start with the setting.
        if self.message.starts_with(self.setting) {
            write!(f, "{word}: {}", self.message)
        } else {
            write!(f, "{word}: {}: {}", self.setting, self.message)
        }
    }
}

/// Every problem of `config`, errors and warnings, in settings order.
pub fn findings(config: &Config) -> Vec<Finding> {
    let mut found = Vec::new();
    virbela(config, &mut found);
    store(config, &mut found);
    slack(config, &mut found);
    teams(config, &mut found);
    people_and_features(config, &mut found);
    found
}

fn virbela(config: &Config, found: &mut Vec<Finding>) {
    if config.virbela.credentials.is_none() {
        found.push(Finding::error(
            "VIRBELA_CLIENT_ID",
            "the campus credentials are not set: set VIRBELA_CLIENT_ID, VIRBELA_CLIENT_SECRET \
             and VIRBELA_CLIENT_NAME (Virbela dashboard → world → integrations); `serve` and \
             `run` need them",
        ));
    }
}

fn store(config: &Config, found: &mut Vec<Finding>) {
    if let Err(e) = config.require_shared_store() {
        found.push(Finding::error("REPLICAS", e.to_string()));
    }
}

fn slack(config: &Config, found: &mut Vec<Finding>) {
    let s = &config.slack;
    let (bot, app, signing) = (
        s.bot_token.as_ref(),
        s.app_token.as_ref(),
        s.signing_secret.is_some(),
    );
    if let Some(token) = bot
        && let Some(problem) = wrong_prefix(token, "xoxb-")
    {
        found.push(Finding::error(
            "SLACK_BOT_TOKEN",
            format!(
                "must be a bot token (xoxb-…), but {problem}; copy it from OAuth & Permissions → \
                 Bot User OAuth Token"
            ),
        ));
    }
    if let Some(token) = app
        && let Some(problem) = wrong_prefix(token, "xapp-")
    {
        found.push(Finding::error(
            "SLACK_APP_TOKEN",
            format!(
                "must be an app-level token (xapp-…), but {problem}; generate one under Basic \
                 Information → App-Level Tokens with connections:write"
            ),
        ));
    }
    if app.is_some() && bot.is_none() {
        found.push(Finding::error(
            "SLACK_APP_TOKEN",
            "is set (Socket Mode) but SLACK_BOT_TOKEN is not: replies, modals, approval cards \
             and report files need the bot token (xoxb-…)",
        ));
    }
    if bot.is_some() && app.is_none() && !signing {
        found.push(Finding::error(
            "SLACK_BOT_TOKEN",
            "is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket \
             Mode) is: Slack could not reach the bot, so Slack stays off",
        ));
    }
    if signing && bot.is_none() && app.is_none() {
        found.push(Finding::warning(
            "SLACK_BOT_TOKEN",
            "is not set: slash commands work, but modals, approval cards, app mentions and \
             report files need it",
        ));
    }
    if s.approvals_channel.is_some() && bot.is_none() {
        found.push(Finding::error(
            "SLACK_APPROVALS_CHANNEL",
            "is set but SLACK_BOT_TOKEN is not: approval cards are posted with the bot token",
        ));
    }
}

/// Why `token` does not look like `prefix…`, in words that do not reveal it.
fn wrong_prefix(token: &SecretString, prefix: &str) -> Option<String> {
    let value = token.expose_secret();
    if value.starts_with(prefix) && value.len() > prefix.len() {
        return None;
    }
    if value.starts_with(prefix) {
        return Some(format!("it is only {prefix}"));
    }
    let looks_like = ["xoxb-", "xapp-", "xoxp-", "xoxe-"]
        .into_iter()
        .find(|p| value.starts_with(p));
    Some(match looks_like {
        Some(other) => format!("it starts with {other}"),
        None => format!("it does not start with {prefix}"),
    })
}

fn teams(config: &Config, found: &mut Vec<Finding>) {
    let t = &config.teams;
    let on = t.app_id.is_some();
    for (name, value) in [
        ("TEAMS_APP_ID", t.app_id.as_deref()),
        ("TEAMS_TENANT_ID", t.tenant_id.as_deref()),
    ] {
        if let Some(value) = value
            && !is_guid(value)
        {
            found.push(Finding::error(
                name,
                format!(
                    "`{value}` is not a GUID (like 00000000-0000-0000-0000-000000000000; Azure \
                     portal → the bot's app registration → Overview)"
                ),
            ));
        }
    }
    if on {
        let missing: Vec<&str> = [
            ("TEAMS_APP_PASSWORD", t.app_password.is_none()),
            ("TEAMS_TENANT_ID", t.tenant_id.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
        .collect();
        if !missing.is_empty() {
            found.push(Finding::error(
                "TEAMS_APP_ID",
                format!(
                    "is set (Teams on) but {} {} not: the bot needs its password and its \
                     tenant to answer",
                    missing.join(" and "),
                    if missing.len() == 1 { "is" } else { "are" }
                ),
            ));
        }
        if config.public_url.is_none() {
            found.push(Finding::warning(
                "PUBLIC_URL",
                "is not set while Teams is on: report files (CSV, charts) cannot be linked \
                 from Teams cards",
            ));
        }
    } else {
        for (name, given) in [
            ("TEAMS_APP_PASSWORD", t.app_password.is_some()),
            ("TEAMS_TENANT_ID", t.tenant_id.is_some()),
            (
                "TEAMS_APPROVALS_CONVERSATION",
                t.approvals_conversation.is_some(),
            ),
        ] {
            if given {
                found.push(Finding::error(
                    name,
                    "is set but TEAMS_APP_ID is not, so Teams stays off: set TEAMS_APP_ID too \
                     (or remove this)",
                ));
            }
        }
    }
}

/// `8-4-4-4-12` hexadecimal digits, optionally in braces.
fn is_guid(value: &str) -> bool {
    let inner = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .unwrap_or(value);
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn people_and_features(config: &Config, found: &mut Vec<Finding>) {
    for entry in &config.bootstrap_admins {
        if let Err(e) = entry.parse::<Principal>() {
            found.push(Finding::error("BOOTSTRAP_ADMINS", e.to_string()));
        }
    }
    if config
        .default_timezone
        .trim()
        .parse::<chrono_tz::Tz>()
        .is_err()
    {
        found.push(Finding::error(
            "DEFAULT_TIMEZONE",
            format!(
                "`{}` is not an IANA time zone name (e.g. UTC, Europe/Berlin, America/New_York)",
                config.default_timezone
            ),
        ));
    }
    if let Err(e) = Policy::from_config(config) {
        found.push(Finding::error("[policy]", e.to_string()));
    }
    if let Err(e) = ApprovalSettings::from_config(config) {
        found.push(Finding::error("[approvals]", e.to_string()));
    }
    let slack_on = config.slack.signing_secret.is_some() || config.slack.app_token.is_some();
    if !slack_on && config.teams.app_id.is_none() {
        found.push(Finding::warning(
            "SLACK_SIGNING_SECRET",
            "neither Slack (SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) nor Teams (TEAMS_APP_ID) \
             is configured: `serve` would answer health checks only",
        ));
    }
}

#[cfg(test)]
mod tests;
