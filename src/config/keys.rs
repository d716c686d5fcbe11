//! The settings the bot reads, by name: environment variables, and the same names as
//! top-level keys of the optional TOML file.

/// One setting: its name, whether it holds a secret, its default, and what it means.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub secret: bool,
    pub default: &'static str,
    pub meaning: &'static str,
}

const fn key(name: &'static str, default: &'static str, meaning: &'static str) -> Key {
    Key {
        name,
        secret: false,
        default,
        meaning,
    }
}

const fn secret(name: &'static str, meaning: &'static str) -> Key {
    Key {
        name,
        secret: true,
        default: "",
        meaning,
    }
}

/// Every setting, in the order `config check` prints them.
pub const KEYS: &[Key] = &[
    key("VIRBELA_REGION", "us", "`us`, `eu` or `aus`"),
    key(
        "VIRBELA_BASE_URL",
        "from region",
        "override the region's API base URL (sandbox, proxies)",
    ),
    key(
        "VIRBELA_PRODUCT_URL",
        "from region",
        "override the region's Product API URL",
    ),
    key(
        "VIRBELA_CLIENT_ID",
        "",
        "campus client id (dashboard → world → integrations)",
    ),
    secret("VIRBELA_CLIENT_SECRET", "campus client secret"),
    key(
        "VIRBELA_CLIENT_NAME",
        "",
        "campus client name (Rooms URL, waitlist header)",
    ),
    key(
        "VIRBELA_TIMEOUT_SECS",
        "30",
        "timeout of one Virbela call, in seconds",
    ),
    key(
        "VIRBELA_RETRY_ATTEMPTS",
        "4",
        "attempts per retryable Virbela call",
    ),
    key(
        "VIRBELA_ATTENDANCE_CONCURRENCY",
        "8",
        "attendance pages fetched at once",
    ),
    secret("DATABASE_URL", "`postgres://…` or `sqlite://…`"),
    key(
        "LISTEN_ADDR",
        "0.0.0.0:8080",
        "HTTP listen address for `serve`",
    ),
    key(
        "REPLICAS",
        "1",
        "how many instances of the bot share this store (above 1 needs Postgres)",
    ),
    secret("SLACK_SIGNING_SECRET", "Slack signing secret"),
    secret("SLACK_BOT_TOKEN", "Slack bot token (xoxb-…)"),
    secret(
        "SLACK_APP_TOKEN",
        "Slack app-level token (xapp-…); set ⇒ Socket Mode",
    ),
    key(
        "SLACK_API_URL",
        "https://slack.com/api/",
        "Slack Web API base",
    ),
    key(
        "SLACK_APPROVALS_CHANNEL",
        "",
        "channel id where approval requests are posted",
    ),
    key("TEAMS_APP_ID", "", "Bot Framework app id"),
    secret("TEAMS_APP_PASSWORD", "Bot Framework app password"),
    key("TEAMS_TENANT_ID", "", "Azure AD tenant (single tenant)"),
    key(
        "TEAMS_OPENID_METADATA_URL",
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        "where inbound token keys come from",
    ),
    key(
        "TEAMS_TOKEN_URL",
        "from tenant",
        "where the bot's own token comes from",
    ),
    key(
        "TEAMS_ALLOWED_SERVICE_HOSTS",
        "",
        "extra connector hosts allowed besides Microsoft's",
    ),
    key(
        "TEAMS_APPROVALS_CONVERSATION",
        "",
        "Teams conversation id for approval cards",
    ),
    key("PUBLIC_URL", "", "the bot's public base URL"),
    key(
        "BOOTSTRAP_ADMINS",
        "",
        "comma-separated principals that are always admins",
    ),
    key(
        "DEFAULT_TIMEZONE",
        "UTC",
        "IANA zone for dates users type and for schedules",
    ),
    key(
        "LOG_FORMAT",
        "pretty on a terminal, else json",
        "`pretty` or `json`",
    ),
];

/// TOML tables (besides the top-level keys) that features read for themselves.
pub const SECTIONS: &[&str] = &["policy", "approvals"];

pub fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name.eq_ignore_ascii_case(name))
}

/// The suffix of the setting that names a file holding another setting's value
/// (`SLACK_BOT_TOKEN_FILE`).
pub const FILE_SUFFIX: &str = "_FILE";

/// Name endings of the settings that may be given as a file instead.
const SECRET_SUFFIXES: &[&str] = &["_SECRET", "_TOKEN", "_PASSWORD"];

/// Settings besides those that may come from a file: the database URL carries a password.
const FILE_ALSO: &[&str] = &["DATABASE_URL"];

impl Key {
    /// Whether `NAME_FILE` may name a file holding this setting's value: every
    /// `*_SECRET`, `*_TOKEN` and `*_PASSWORD`, and `DATABASE_URL`.
    pub fn from_file_allowed(&self) -> bool {
        SECRET_SUFFIXES.iter().any(|s| self.name.ends_with(s)) || FILE_ALSO.contains(&self.name)
    }
}

/// The settings that may be given as `NAME_FILE`, in [`KEYS`] order.
pub fn file_keys() -> impl Iterator<Item = &'static Key> {
    KEYS.iter().filter(|k| k.from_file_allowed())
}

/// The setting whose `NAME_FILE` form `name` is (any case), if any.
pub fn find_file_key(name: &str) -> Option<&'static Key> {
    let cut = name.len().checked_sub(FILE_SUFFIX.len())?;
    let (base, suffix) = (name.get(..cut)?, name.get(cut..)?);
    if !suffix.eq_ignore_ascii_case(FILE_SUFFIX) {
        return None;
    }
    find(base).filter(|k| k.from_file_allowed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_tokens_passwords_and_the_database_url_may_come_from_files() {
        let names: Vec<&str> = file_keys().map(|k| k.name).collect();
        assert_eq!(
            names,
            [
                "VIRBELA_CLIENT_SECRET",
                "DATABASE_URL",
                "SLACK_SIGNING_SECRET",
                "SLACK_BOT_TOKEN",
                "SLACK_APP_TOKEN",
                "TEAMS_APP_PASSWORD",
            ]
        );
        assert!(
            file_keys().all(|k| k.secret),
            "only secrets come from files"
        );
        assert_eq!(
            find_file_key("slack_bot_token_file").map(|k| k.name),
            Some("SLACK_BOT_TOKEN")
        );
        assert!(find_file_key("TEAMS_APP_ID_FILE").is_none());
        assert!(find_file_key("_FILE").is_none());
        assert!(find_file_key("SLACK_BOT_TOKEN").is_none());
    }
}
