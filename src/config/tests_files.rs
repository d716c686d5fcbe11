//! Secrets given as `NAME_FILE` (environment) or `name_file` (TOML), and `REPLICAS`.

use std::collections::HashMap;
use std::path::Path;

use secrecy::ExposeSecret;

use super::*;

fn env(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |k: &str| map.get(k).cloned()
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write");
    path.display().to_string()
}

fn load(pairs: &[(&str, String)]) -> Result<Config, String> {
    Config::from_sources(None, &env(pairs)).map_err(|e| e.to_string())
}

#[test]
fn every_secret_can_be_read_from_a_file_with_one_line_ending_trimmed() {
    let dir = tempfile::tempdir().expect("dir");
    let c = load(&[
        (
            "SLACK_BOT_TOKEN_FILE",
            write(dir.path(), "bot", "xoxb-from-file\n"),
        ),
        (
            "SLACK_APP_TOKEN_FILE",
            write(dir.path(), "app", "xapp-from-file\r\n"),
        ),
        (
            "SLACK_SIGNING_SECRET_FILE",
            write(dir.path(), "sign", "no-newline"),
        ),
        (
            "TEAMS_APP_PASSWORD_FILE",
            write(dir.path(), "teams", "teams-pw\n"),
        ),
        ("VIRBELA_CLIENT_ID", "id".to_string()),
        ("VIRBELA_CLIENT_NAME", "campus".to_string()),
        (
            "VIRBELA_CLIENT_SECRET_FILE",
            write(dir.path(), "virbela", "v-secret\n"),
        ),
        (
            "DATABASE_URL_FILE",
            write(
                dir.path(),
                "db",
                "postgres://bot:pw-from-file@db:5432/bot\n",
            ),
        ),
    ])
    .expect("load");
    let show = |s: &Option<SecretString>| s.as_ref().map(|s| s.expose_secret().to_string());
    assert_eq!(show(&c.slack.bot_token).as_deref(), Some("xoxb-from-file"));
    assert_eq!(show(&c.slack.app_token).as_deref(), Some("xapp-from-file"));
    assert_eq!(show(&c.slack.signing_secret).as_deref(), Some("no-newline"));
    assert_eq!(show(&c.teams.app_password).as_deref(), Some("teams-pw"));
    assert_eq!(
        c.virbela
            .credentials
            .as_ref()
            .map(|c| c.secret().to_string())
            .as_deref(),
        Some("v-secret")
    );
    assert_eq!(
        c.database_url.expose(),
        "postgres://bot:pw-from-file@db:5432/bot"
    );
    let report = c.report().to_string();
    assert!(
        report.contains(&format!(
            "SLACK_BOT_TOKEN = [redacted] (from {})",
            dir.path().join("bot").display()
        )),
        "{report}"
    );
    assert!(
        report.contains("DATABASE_URL = postgres://bot:[redacted]@db:5432/bot (from "),
        "{report}"
    );
    for secret in ["from-file", "no-newline", "teams-pw", "v-secret"] {
        assert!(!report.contains(secret), "{secret} leaked:\n{report}");
        assert!(
            !format!("{c:?}").contains(secret),
            "{secret} leaked in Debug"
        );
    }
}

#[test]
fn a_value_and_a_file_for_the_same_setting_are_refused_naming_both() {
    let dir = tempfile::tempdir().expect("dir");
    let err = load(&[
        ("SLACK_BOT_TOKEN", "xoxb-direct".to_string()),
        (
            "SLACK_BOT_TOKEN_FILE",
            write(dir.path(), "bot", "xoxb-file"),
        ),
    ])
    .expect_err("both");
    assert!(
        err.contains("SLACK_BOT_TOKEN and SLACK_BOT_TOKEN_FILE are both set"),
        "{err}"
    );
    assert!(!err.contains("xoxb-"), "{err}");
    // A blank value (an image default cleared) is the same as unset.
    let c = load(&[
        ("DATABASE_URL", String::new()),
        (
            "DATABASE_URL_FILE",
            write(dir.path(), "db", "sqlite://x.db?mode=rwc"),
        ),
    ])
    .expect("blank + file");
    assert_eq!(c.database_url.kind(), DatabaseKind::Sqlite);
}

#[test]
fn a_missing_or_empty_file_is_named_without_its_content() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("absent").display().to_string();
    let err = load(&[("TEAMS_APP_PASSWORD_FILE", missing.clone())]).expect_err("missing");
    assert!(
        err.contains("TEAMS_APP_PASSWORD_FILE") && err.contains(&missing),
        "{err}"
    );
    for content in ["", "\n", "\r\n", "  \n"] {
        let path = write(dir.path(), "empty", content);
        let err = load(&[("SLACK_SIGNING_SECRET_FILE", path.clone())]).expect_err("empty");
        assert!(
            err.contains("SLACK_SIGNING_SECRET_FILE")
                && err.contains(&path)
                && err.contains("empty"),
            "{err}"
        );
    }
    // Only secrets have a _FILE form.
    let c = load(&[("TEAMS_APP_ID_FILE", missing)]).expect("ignored");
    assert!(c.teams.app_id.is_none());
}

#[test]
fn toml_file_keys_work_the_same_relative_to_the_config_file() {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "bot-token", "xoxb-toml-file\r\n");
    let config = write(
        dir.path(),
        "bot.toml",
        "slack_bot_token_file = \"bot-token\"\nSLACK_APP_TOKEN = \"xapp-1\"\n",
    );
    let c = Config::from_sources(Some(Path::new(&config)), &env(&[])).expect("load");
    assert_eq!(
        c.slack
            .bot_token
            .as_ref()
            .map(|s| s.expose_secret().to_string())
            .as_deref(),
        Some("xoxb-toml-file")
    );
    assert_eq!(
        c.secret_files.get("SLACK_BOT_TOKEN"),
        Some(&dir.path().join("bot-token"))
    );
    // The environment's value replaces the file's, and forgets where it came from.
    let c = Config::from_sources(
        Some(Path::new(&config)),
        &env(&[("SLACK_BOT_TOKEN", "xoxb-env".to_string())]),
    )
    .expect("env wins");
    assert!(c.secret_files.is_empty());

    let both = write(
        dir.path(),
        "both.toml",
        "SLACK_BOT_TOKEN = \"xoxb-1\"\nSLACK_BOT_TOKEN_FILE = \"bot-token\"\n",
    );
    let err = Config::from_sources(Some(Path::new(&both)), &env(&[]))
        .expect_err("both")
        .to_string();
    assert!(
        err.contains("SLACK_BOT_TOKEN_FILE") && err.contains("config file"),
        "{err}"
    );
    let missing = write(
        dir.path(),
        "missing.toml",
        "teams_app_password_file = \"nope\"\n",
    );
    let err = Config::from_sources(Some(Path::new(&missing)), &env(&[]))
        .expect_err("missing")
        .to_string();
    assert!(
        err.contains("TEAMS_APP_PASSWORD_FILE") && err.contains("nope"),
        "{err}"
    );
    let not_secret = write(dir.path(), "id.toml", "teams_app_id_file = \"x\"\n");
    let err = Config::from_sources(Some(Path::new(&not_secret)), &env(&[]))
        .expect_err("unknown")
        .to_string();
    assert!(err.contains("teams_app_id_file"), "{err}");
}

#[test]
fn replicas_default_to_one_and_more_need_postgres() {
    let c = load(&[]).expect("defaults");
    assert_eq!(c.replicas, 1);
    assert!(c.require_shared_store().is_ok());
    assert!(
        load(&[("REPLICAS", "0".to_string())])
            .expect_err("zero")
            .contains("REPLICAS")
    );
    let c = load(&[("REPLICAS", "2".to_string())]).expect("two");
    let err = c.require_shared_store().expect_err("sqlite").to_string();
    assert!(
        err.contains("REPLICAS = 2") && err.contains("Postgres"),
        "{err}"
    );
    let c = load(&[
        ("REPLICAS", "3".to_string()),
        ("DATABASE_URL", "postgres://db/bot".to_string()),
    ])
    .expect("pg");
    assert!(c.require_shared_store().is_ok());
    assert!(c.report().to_string().contains("REPLICAS = 3"));
}
