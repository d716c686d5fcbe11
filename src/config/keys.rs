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
