//! `config check`, secrets given as files, `REPLICAS`, and `healthcheck`, as operators
//! and the container run them: the binary with a clean environment.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use crate::harness::{self, Server};

const BIN: &str = env!("CARGO_BIN_EXE_virbela-bot");

/// `virbela-bot ARGS` in `dir` with only `vars` (plus `PATH`).
fn run(args: &[&str], vars: &[(String, String)], dir: &Path) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(dir).env_clear();
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().expect("the binary runs")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A complete configuration (credentials, Slack over HTTP, SQLite in `dir`) without a
/// sandbox: `config check` does not call Virbela.
fn good(dir: &Path) -> Vec<(String, String)> {
    [
        ("VIRBELA_CLIENT_ID", "campus-id".to_string()),
        ("VIRBELA_CLIENT_SECRET", "virbela-s3cr3t".to_string()),
        ("VIRBELA_CLIENT_NAME", "campus".to_string()),
        (
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("bot.db").display()),
        ),
        ("SLACK_SIGNING_SECRET", "signing-s3cr3t".to_string()),
        ("SLACK_BOT_TOKEN", "xoxb-1-s3cr3t".to_string()),
        ("BOOTSTRAP_ADMINS", "slack:UADMIN".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// `vars` with `name` given as `name_FILE`, a file in `dir` holding `value` + newline.
fn as_file(vars: &mut Vec<(String, String)>, dir: &Path, name: &str, value: &str) -> String {
    let path = dir.join(name.to_ascii_lowercase());
    std::fs::write(&path, format!("{value}\n")).expect("write the secret file");
    vars.retain(|(k, _)| k != name);
    let shown = path.display().to_string();
    vars.push((format!("{name}_FILE"), shown.clone()));
    shown
}

#[test]
fn a_good_sqlite_configuration_passes_and_secrets_from_files_never_print() {
    let dir = tempfile::tempdir().expect("dir");
    let mut vars = good(dir.path());
    let token_file = as_file(&mut vars, dir.path(), "SLACK_BOT_TOKEN", "xoxb-file-s3cr3t");
    as_file(
        &mut vars,
        dir.path(),
        "VIRBELA_CLIENT_SECRET",
        "virbela-file-s3cr3t",
    );
    let out = run(&["config", "check"], &vars, dir.path());
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!("SLACK_BOT_TOKEN = [redacted] (from {token_file})")),
        "{stdout}"
    );
    assert!(stdout.contains("REPLICAS = 1"), "{stdout}");
    assert!(stdout.contains("policy schedules = admin"), "{stdout}");
    assert!(stdout.contains("does not exist yet"), "{stdout}");
    assert!(stdout.contains("configuration ok"), "{stdout}");
    assert!(
        !dir.path().join("bot.db").exists(),
        "config check created the store"
    );
    assert!(
        !stdout.contains("s3cr3t") && !stderr.contains("s3cr3t"),
        "a secret leaked:\n{stdout}\n{stderr}"
    );
}

#[test]
fn an_unreachable_postgres_fails_the_check_and_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    let mut vars = good(dir.path());
    vars.retain(|(k, _)| k != "DATABASE_URL");
    vars.push((
        "DATABASE_URL".into(),
        "postgres://postgres:pg-s3cr3t@127.0.0.1:1/x".into(),
    ));
    let out = run(&["config", "check"], &vars, dir.path());
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("DATABASE_URL: cannot reach the database at 127.0.0.1:1/x"),
        "{stderr}"
    );
    assert!(
        stdout.contains("DATABASE_URL = postgres://postgres:[redacted]@127.0.0.1:1/x"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("s3cr3t") && !stderr.contains("s3cr3t"),
        "a secret leaked:\n{stdout}\n{stderr}"
    );
}

#[test]
fn half_configured_slack_and_replicas_on_sqlite_fail_the_check() {
    let dir = tempfile::tempdir().expect("dir");
    let mut vars = good(dir.path());
    vars.retain(|(k, _)| k != "SLACK_BOT_TOKEN");
    vars.push(("SLACK_APPROVALS_CHANNEL".into(), "C0123".into()));
    vars.push(("REPLICAS".into(), "2".into()));
    let out = run(&["config", "check"], &vars, dir.path());
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("error: SLACK_APPROVALS_CHANNEL"),
        "{stderr}"
    );
    assert!(stderr.contains("error: REPLICAS = 2"), "{stderr}");
    assert!(stderr.contains("warning: SLACK_BOT_TOKEN"), "{stderr}");
}

#[test]
fn a_missing_secret_file_is_named_by_config_check_and_serve() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("absent").display().to_string();
    let mut vars = good(dir.path());
    vars.retain(|(k, _)| k != "SLACK_SIGNING_SECRET");
    vars.push(("SLACK_SIGNING_SECRET_FILE".into(), missing.clone()));
    for command in [&["config", "check"][..], &["serve"][..]] {
        let out = run(command, &vars, dir.path());
        let (stdout, stderr) = text(&out);
        assert!(!out.status.success(), "{command:?}: {stdout}\n{stderr}");
        assert!(
            stderr.contains("SLACK_SIGNING_SECRET_FILE") && stderr.contains(&missing),
            "{command:?}: {stderr}"
        );
    }
    // The value and the file at once.
    vars.push(("SLACK_SIGNING_SECRET".into(), "signing-s3cr3t".into()));
    let out = run(&["config", "check"], &vars, dir.path());
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("SLACK_SIGNING_SECRET and SLACK_SIGNING_SECRET_FILE are both set"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cr3t"), "{stderr}");
}

#[tokio::test]
async fn serve_refuses_several_replicas_on_sqlite_and_says_why() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars = harness::env(&sandbox, dir.path(), port);
    vars.push(("REPLICAS".into(), "2".into()));
    let mut server = Server::start(&vars, dir.path(), port);
    let status = server
        .wait_exit(Duration::from_secs(20))
        .await
        .expect("exits");
    assert!(!status.success());
    let log = server.log();
    for words in ["REPLICAS = 2", "SQLite", "approvals", "Postgres"] {
        assert!(log.contains(words), "`{words}` not said: {log}");
    }
    assert!(
        !dir.path().join("bot.db").exists(),
        "the store was opened before the refusal"
    );
}

#[tokio::test]
async fn serve_reads_secrets_from_files_and_healthcheck_probes_it() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars = harness::env(&sandbox, dir.path(), port);
    as_file(
        &mut vars,
        dir.path(),
        "SLACK_SIGNING_SECRET",
        harness::SIGNING_SECRET,
    );
    as_file(
        &mut vars,
        dir.path(),
        "VIRBELA_CLIENT_SECRET",
        "sandbox-secret",
    );
    let mut server = Server::start(&vars, dir.path(), port);
    let http = reqwest::Client::new();
    server.wait_healthy(&http).await;

    // The signing secret read from its file verifies a signed command.
    let body = harness::slash_command("UADMIN", "help");
    let (ts, sig) = harness::signature(&body);
    let signed = http
        .post(format!("{}/slack/commands", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", sig)
        .body(body)
        .send()
        .await
        .expect("signed command");
    assert_eq!(signed.status(), 200, "{}", server.log());

    // healthcheck needs LISTEN_ADDR only; every interface means loopback.
    let probe_dir = tempfile::tempdir().expect("dir");
    for listen in [format!("127.0.0.1:{port}"), format!("0.0.0.0:{port}")] {
        let out = run(
            &["healthcheck"],
            &[("LISTEN_ADDR".into(), listen.clone())],
            probe_dir.path(),
        );
        assert!(out.status.success(), "{listen}: {:?}", text(&out));
    }
    let out = run(
        &["healthcheck", "--url", &format!("{}/healthz", server.base)],
        &[],
        probe_dir.path(),
    );
    assert!(out.status.success(), "{:?}", text(&out));

    let closed = harness::free_port();
    let out = run(
        &["healthcheck"],
        &[("LISTEN_ADDR".into(), format!("0.0.0.0:{closed}"))],
        probe_dir.path(),
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("healthcheck: ")
            && stderr.contains(&format!("127.0.0.1:{closed}"))
            && stderr.trim_end().lines().count() == 1,
        "{stderr}"
    );
    server.terminate();
    let status = server.wait_exit(Duration::from_secs(30)).await;
    assert!(status.is_some_and(|s| s.success()), "{}", server.log());
}
