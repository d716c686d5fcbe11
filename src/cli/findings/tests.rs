//! Each finding `config check` reports, from a configuration built in memory.

use std::collections::HashMap;

use super::*;

const APP_ID: &str = "c9e8c047-2a74-40a2-b28a-b162d5f5327c";
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/// A configuration with the campus credentials and Slack over HTTP, plus `extra`
/// (an empty value removes a setting).
fn config(extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = [
        ("VIRBELA_CLIENT_ID", "id"),
        ("VIRBELA_CLIENT_SECRET", "secret"),
        ("VIRBELA_CLIENT_NAME", "campus"),
        ("SLACK_SIGNING_SECRET", "signing"),
        ("SLACK_BOT_TOKEN", "xoxb-1-s3cr3t"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Config::from_sources(None, &move |k: &str| {
        vars.get(k).cloned().filter(|v| !v.is_empty())
    })
    .expect("config")
}

/// `(severity, setting)` of each finding, with the message checked to hold no secret.
fn found(extra: &[(&str, &str)]) -> Vec<(Severity, &'static str, String)> {
    findings(&config(extra))
        .into_iter()
        .map(|f| {
            assert!(!f.to_string().contains("s3cr3t"), "a secret leaked: {f}");
            (f.severity, f.setting, f.message)
        })
        .collect()
}

fn has(list: &[(Severity, &'static str, String)], severity: Severity, setting: &str, words: &str) {
    assert!(
        list.iter()
            .any(|(s, k, m)| *s == severity && *k == setting && m.contains(words)),
        "expected {severity:?} {setting} mentioning `{words}` in {list:#?}"
    );
}

#[test]
fn a_complete_configuration_has_no_findings() {
    assert_eq!(found(&[]), vec![]);
    assert_eq!(
        found(&[
            ("SLACK_APP_TOKEN", "xapp-1-A1-s3cr3t"),
            ("SLACK_APPROVALS_CHANNEL", "C0123"),
            ("TEAMS_APP_ID", APP_ID),
            ("TEAMS_APP_PASSWORD", "pw-s3cr3t"),
            ("TEAMS_TENANT_ID", TENANT),
            ("TEAMS_APPROVALS_CONVERSATION", "19:abc@thread.tacv2"),
            ("PUBLIC_URL", "https://bot.example.org"),
            ("BOOTSTRAP_ADMINS", "slack:U1,console:alice"),
            ("REPLICAS", "3"),
            ("DATABASE_URL", "postgres://bot:s3cr3t@db:5432/bot"),
        ]),
        vec![]
    );
}

#[test]
fn missing_virbela_credentials_are_an_error() {
    let list = found(&[
        ("VIRBELA_CLIENT_ID", ""),
        ("VIRBELA_CLIENT_SECRET", ""),
        ("VIRBELA_CLIENT_NAME", ""),
    ]);
    has(
        &list,
        Severity::Error,
        "VIRBELA_CLIENT_ID",
        "VIRBELA_CLIENT_SECRET",
    );
}

#[test]
fn several_replicas_on_sqlite_are_an_error() {
    let list = found(&[("REPLICAS", "2")]);
    has(&list, Severity::Error, "REPLICAS", "Postgres");
    assert!(found(&[("REPLICAS", "1")]).is_empty());
}

#[test]
fn half_configured_slack_is_named() {
    let list = found(&[
        ("SLACK_BOT_TOKEN", ""),
        ("SLACK_APP_TOKEN", "xapp-1-s3cr3t"),
    ]);
    has(
        &list,
        Severity::Error,
        "SLACK_APP_TOKEN",
        "SLACK_BOT_TOKEN is not",
    );

    let list = found(&[("SLACK_SIGNING_SECRET", "")]);
    has(
        &list,
        Severity::Error,
        "SLACK_BOT_TOKEN",
        "neither SLACK_SIGNING_SECRET",
    );

    let list = found(&[("SLACK_BOT_TOKEN", ""), ("SLACK_APPROVALS_CHANNEL", "C1")]);
    has(
        &list,
        Severity::Error,
        "SLACK_APPROVALS_CHANNEL",
        "SLACK_BOT_TOKEN",
    );
    has(&list, Severity::Warning, "SLACK_BOT_TOKEN", "modals");

    let list = found(&[("SLACK_BOT_TOKEN", "")]);
    assert_eq!(list.len(), 1, "{list:?}");
    has(&list, Severity::Warning, "SLACK_BOT_TOKEN", "is not set");
}

#[test]
fn slack_tokens_with_the_wrong_prefix_are_named() {
    let list = found(&[("SLACK_BOT_TOKEN", "xapp-1-s3cr3t")]);
    has(
        &list,
        Severity::Error,
        "SLACK_BOT_TOKEN",
        "starts with xapp-",
    );
    let list = found(&[("SLACK_APP_TOKEN", "xoxb-1-s3cr3t")]);
    has(
        &list,
        Severity::Error,
        "SLACK_APP_TOKEN",
        "starts with xoxb-",
    );
    let list = found(&[("SLACK_APP_TOKEN", "s3cr3t")]);
    has(
        &list,
        Severity::Error,
        "SLACK_APP_TOKEN",
        "does not start with xapp-",
    );
    let list = found(&[("SLACK_BOT_TOKEN", "xoxb-")]);
    has(&list, Severity::Error, "SLACK_BOT_TOKEN", "only xoxb-");
}

#[test]
fn half_configured_teams_is_named() {
    let list = found(&[("TEAMS_APP_ID", APP_ID)]);
    has(
        &list,
        Severity::Error,
        "TEAMS_APP_ID",
        "TEAMS_APP_PASSWORD and TEAMS_TENANT_ID are not",
    );
    has(&list, Severity::Warning, "PUBLIC_URL", "Teams");

    let list = found(&[
        ("TEAMS_APP_ID", APP_ID),
        ("TEAMS_APP_PASSWORD", "pw-s3cr3t"),
    ]);
    has(
        &list,
        Severity::Error,
        "TEAMS_APP_ID",
        "TEAMS_TENANT_ID is not",
    );

    let list = found(&[
        ("TEAMS_APP_ID", "my-bot"),
        ("TEAMS_APP_PASSWORD", "pw-s3cr3t"),
        ("TEAMS_TENANT_ID", "contoso.onmicrosoft.com"),
        ("PUBLIC_URL", "https://bot.example.org"),
    ]);
    has(
        &list,
        Severity::Error,
        "TEAMS_APP_ID",
        "`my-bot` is not a GUID",
    );
    has(&list, Severity::Error, "TEAMS_TENANT_ID", "is not a GUID");

    let list = found(&[("TEAMS_APPROVALS_CONVERSATION", "19:x@thread.tacv2")]);
    has(
        &list,
        Severity::Error,
        "TEAMS_APPROVALS_CONVERSATION",
        "TEAMS_APP_ID is not",
    );
    let list = found(&[("TEAMS_APP_PASSWORD", "pw-s3cr3t")]);
    has(
        &list,
        Severity::Error,
        "TEAMS_APP_PASSWORD",
        "TEAMS_APP_ID is not",
    );
}

#[test]
fn a_missing_public_url_with_teams_on_is_only_a_warning() {
    let list = findings(&config(&[
        ("TEAMS_APP_ID", APP_ID),
        ("TEAMS_APP_PASSWORD", "pw-s3cr3t"),
        ("TEAMS_TENANT_ID", &format!("{{{TENANT}}}")),
    ]));
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].severity, Severity::Warning);
    assert_eq!(list[0].setting, "PUBLIC_URL");
}

#[test]
fn bootstrap_admins_that_are_not_principals_are_named() {
    let list = found(&[("BOOTSTRAP_ADMINS", "slack:U1, alice, irc:bob")]);
    has(
        &list,
        Severity::Error,
        "BOOTSTRAP_ADMINS",
        "`alice` is not a principal",
    );
    has(
        &list,
        Severity::Error,
        "BOOTSTRAP_ADMINS",
        "`irc` is not a platform",
    );
    assert_eq!(list.len(), 2, "{list:?}");
}

#[test]
fn a_bad_time_zone_is_named() {
    let list = found(&[("DEFAULT_TIMEZONE", "Mars/Olympus")]);
    has(&list, Severity::Error, "DEFAULT_TIMEZONE", "Mars/Olympus");
}

#[test]
fn nothing_to_serve_is_a_warning() {
    let list = found(&[("SLACK_SIGNING_SECRET", ""), ("SLACK_BOT_TOKEN", "")]);
    assert_eq!(list.len(), 1, "{list:?}");
    has(
        &list,
        Severity::Warning,
        "SLACK_SIGNING_SECRET",
        "health checks only",
    );
}

#[test]
fn messages_that_name_their_setting_are_not_prefixed_twice() {
    let f = Finding::error("[policy]", "[policy] frobnicate: unknown");
    assert_eq!(f.to_string(), "error: [policy] frobnicate: unknown");
    let f = Finding::warning("PUBLIC_URL", "is not set");
    assert_eq!(f.to_string(), "warning: PUBLIC_URL: is not set");
}
