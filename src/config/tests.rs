//! Configuration loading: defaults, file + environment precedence, precise refusals,
//! and secrets that never print.

use std::collections::HashMap;
use std::io::Write;

use super::*;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k: &str| map.get(k).cloned()
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(text.as_bytes()).expect("write");
    f
}

#[test]
fn defaults_follow_the_design_contract() {
    let c = Config::from_sources(None, &env(&[])).expect("defaults");
    assert_eq!(c.virbela.region, Region::Us);
    assert_eq!(
        c.virbela.endpoints.api.as_str(),
        "https://gateway-us.virbela.com/"
    );
    assert_eq!(
        c.virbela.endpoints.product.as_str(),
        "https://virbela-product-api.herokuapp.com/"
    );
    assert!(c.virbela.credentials.is_none());
    assert_eq!(c.virbela.options.attendance_concurrency, 8);
    assert_eq!(c.database_url.to_string(), DEFAULT_DATABASE_URL);
    assert_eq!(c.listen_addr.to_string(), "0.0.0.0:8080");
    assert_eq!(c.slack.api_url.as_str(), "https://slack.com/api/");
    assert_eq!(c.default_timezone, "UTC");
    assert!(c.bootstrap_admins.is_empty());
}

#[test]
fn region_picks_urls_and_overrides_win() {
    let c = Config::from_sources(None, &env(&[("VIRBELA_REGION", "eu")])).expect("eu");
    assert_eq!(
        c.virbela.endpoints.api.as_str(),
        "https://gateway-eu.virbela.com/"
    );
    assert_eq!(
        c.virbela.endpoints.product.as_str(),
        "https://virbela-product-api-eu.herokuapp.com/"
    );
    let c = Config::from_sources(
        None,
        &env(&[
            ("VIRBELA_REGION", "aus"),
            ("VIRBELA_BASE_URL", "http://127.0.0.1:8787"),
        ]),
    )
    .expect("override");
    assert_eq!(c.virbela.endpoints.api.as_str(), "http://127.0.0.1:8787/");
    assert_eq!(
        c.virbela.endpoints.product.as_str(),
        "https://virbela-product-api.herokuapp.com/"
    );
}

#[test]
fn the_environment_overrides_the_file_and_keys_are_case_insensitive() {
    let f = file(
        "virbela_region = \"eu\"\nVIRBELA_TIMEOUT_SECS = 5\nBOOTSTRAP_ADMINS = [\"slack:U1\", \"console:alice\"]\n\n[policy]\ndelete = 3\n",
    );
    let c = Config::from_sources(Some(f.path()), &env(&[("VIRBELA_REGION", "aus")])).expect("load");
    assert_eq!(c.virbela.region, Region::Aus);
    assert_eq!(c.virbela.options.timeout, Duration::from_secs(5));
    assert_eq!(c.bootstrap_admins, vec!["slack:U1", "console:alice"]);
    assert_eq!(
        c.sections["policy"]
            .get("delete")
            .and_then(toml::Value::as_integer),
        Some(3)
    );
}

#[test]
fn mistakes_are_refused_with_the_setting_named() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("VIRBELA_REGION", "asia")], "VIRBELA_REGION"),
        (&[("DATABASE_URL", "postgress://x/y")], "DATABASE_URL"),
        (&[("LISTEN_ADDR", "localhost")], "LISTEN_ADDR"),
        (&[("LOG_FORMAT", "xml")], "LOG_FORMAT"),
        (&[("VIRBELA_BASE_URL", "ftp://x")], "VIRBELA_BASE_URL"),
        (
            &[("VIRBELA_ATTENDANCE_CONCURRENCY", "0")],
            "VIRBELA_ATTENDANCE_CONCURRENCY",
        ),
        (
            &[("VIRBELA_CLIENT_ID", "id")],
            "VIRBELA_CLIENT_SECRET and VIRBELA_CLIENT_NAME",
        ),
    ];
    for (vars, expected) in cases {
        let err = Config::from_sources(None, &env(vars))
            .expect_err(expected)
            .to_string();
        assert!(err.contains(expected), "{err} should mention {expected}");
    }
}

#[test]
fn unknown_file_settings_and_tables_are_refused() {
    let typo = file("VIRBELA_REGOIN = \"eu\"\n");
    let err = Config::from_sources(Some(typo.path()), &env(&[]))
        .expect_err("typo")
        .to_string();
    assert!(err.contains("VIRBELA_REGOIN"), "{err}");
    let table = file("[polcy]\ndelete = 2\n");
    let err = Config::from_sources(Some(table.path()), &env(&[]))
        .expect_err("table")
        .to_string();
    assert!(err.contains("[polcy]"), "{err}");
    let broken = file("VIRBELA_REGION = \n");
    let err = Config::from_sources(Some(broken.path()), &env(&[]))
        .expect_err("toml")
        .to_string();
    assert!(err.contains("not valid TOML"), "{err}");
}

#[test]
fn secrets_are_redacted_in_debug_and_in_the_report() {
    let c = Config::from_sources(
        None,
        &env(&[
            ("VIRBELA_CLIENT_ID", "campus-id"),
            ("VIRBELA_CLIENT_SECRET", "s3cr3t-virbela"),
            ("VIRBELA_CLIENT_NAME", "campus"),
            ("SLACK_SIGNING_SECRET", "s3cr3t-signing"),
            ("SLACK_BOT_TOKEN", "xoxb-s3cr3t"),
            ("TEAMS_APP_PASSWORD", "s3cr3t-teams"),
            ("DATABASE_URL", "postgres://bot:s3cr3t-db@db:5432/bot"),
        ]),
    )
    .expect("load");
    let shown = format!("{c:?}\n{}", c.report());
    assert!(!shown.contains("s3cr3t"), "a secret leaked:\n{shown}");
    assert!(
        shown.contains("VIRBELA_CLIENT_SECRET = [redacted]"),
        "{shown}"
    );
    assert!(shown.contains("VIRBELA_CLIENT_ID = campus-id"), "{shown}");
}
