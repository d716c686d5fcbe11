//! A working `serve`: probes, a signed and an unsigned slash command, SIGTERM.

use std::time::Duration;

use crate::harness::{self, Server};

#[tokio::test]
async fn serves_probes_and_slack_then_exits_cleanly_on_sigterm() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut server = Server::start(&harness::env(&sandbox, dir.path(), port), dir.path(), port);
    let http = reqwest::Client::new();
    server.wait_healthy(&http).await;

    let healthz = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(healthz.status(), 200);
    assert_eq!(healthz.text().await.expect("body"), "ok");

    let readyz = http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .expect("readyz");
    assert_eq!(readyz.status(), 200, "{}", server.log());

    let body = harness::slash_command("UADMIN", "help");
    let (ts, sig) = harness::signature(&body);
    let signed = http
        .post(format!("{}/slack/commands", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", sig)
        .body(body.clone())
        .send()
        .await
        .expect("signed command");
    assert_eq!(signed.status(), 200, "{}", server.log());
    let text = signed.text().await.expect("body");
    for word in ["invite", "suspend", "attendance", "approvals"] {
        assert!(text.contains(word), "help should list `{word}`: {text}");
    }

    let unsigned = http
        .post(format!("{}/slack/commands", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("unsigned command");
    assert_eq!(unsigned.status(), 401);

    server.terminate();
    let status = server.wait_exit(Duration::from_secs(10)).await;
    let status =
        status.unwrap_or_else(|| panic!("still running 10 s after SIGTERM:\n{}", server.log()));
    assert!(status.success(), "exit {status}:\n{}", server.log());
    let log = server.log();
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("start-up recovery"), "{log}");
}

#[tokio::test]
async fn without_a_signing_secret_slack_is_disabled_with_a_warning() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let vars: Vec<_> = harness::env(&sandbox, dir.path(), port)
        .into_iter()
        .filter(|(k, _)| k != "SLACK_SIGNING_SECRET")
        .collect();
    let mut server = Server::start(&vars, dir.path(), port);
    let http = reqwest::Client::new();
    server.wait_healthy(&http).await;
    let response = http
        .post(format!("{}/slack/commands", server.base))
        .body("text=help")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 404);
    let log = server.log();
    assert!(
        log.contains("Slack is disabled") && log.contains("SLACK_SIGNING_SECRET"),
        "{log}"
    );
    server.terminate();
    let status = server.wait_exit(Duration::from_secs(10)).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "{:?}\n{}",
        status,
        server.log()
    );
}
