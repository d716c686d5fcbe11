//! `serve` refuses to start, with a precise message, rather than run half-configured.

use std::time::Duration;

use crate::harness::{self, Server};

/// A Slack Web API that refuses every token.
async fn refusing_slack() -> String {
    let app = axum::Router::new().route(
        "/api/{method}",
        axum::routing::post(|| async {
            axum::Json(serde_json::json!({"ok": false, "error": "invalid_auth"}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn a_refused_socket_mode_token_stops_serve_with_the_reason() {
    let sandbox = harness::sandbox().await;
    let slack = refusing_slack().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars = harness::env(&sandbox, dir.path(), port);
    vars.push(("SLACK_APP_TOKEN".into(), "xapp-1-A0-0-secretpart".into()));
    vars.push(("SLACK_API_URL".into(), slack));
    let mut server = Server::start(&vars, dir.path(), port);
    let status = server
        .wait_exit(Duration::from_secs(20))
        .await
        .expect("exits");
    assert!(!status.success());
    let log = server.log();
    assert!(log.contains("invalid_auth"), "{log}");
    assert!(!log.contains("secretpart"), "the token leaked: {log}");
}

#[tokio::test]
async fn a_bot_token_given_as_the_app_token_is_named() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars = harness::env(&sandbox, dir.path(), port);
    vars.push(("SLACK_APP_TOKEN".into(), "xoxb-1-secretpart".into()));
    let mut server = Server::start(&vars, dir.path(), port);
    let status = server
        .wait_exit(Duration::from_secs(20))
        .await
        .expect("exits");
    assert!(!status.success());
    let log = server.log();
    assert!(log.contains("SLACK_APP_TOKEN"), "{log}");
    assert!(log.contains("xapp-"), "{log}");
    assert!(!log.contains("secretpart"), "the token leaked: {log}");
}

#[tokio::test]
async fn missing_virbela_credentials_are_named() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let vars: Vec<_> = harness::env(&sandbox, dir.path(), port)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("VIRBELA_CLIENT_"))
        .collect();
    let mut server = Server::start(&vars, dir.path(), port);
    let status = server
        .wait_exit(Duration::from_secs(20))
        .await
        .expect("exits");
    assert!(!status.success());
    let log = server.log();
    for name in [
        "VIRBELA_CLIENT_ID",
        "VIRBELA_CLIENT_SECRET",
        "VIRBELA_CLIENT_NAME",
    ] {
        assert!(log.contains(name), "{name} not named: {log}");
    }
}

#[tokio::test]
async fn teams_settings_half_given_are_named() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars = harness::env(&sandbox, dir.path(), port);
    vars.push((
        "TEAMS_APP_ID".into(),
        "c9e8c047-2a74-40a2-b28a-b162d5f5327c".into(),
    ));
    vars.push(("TEAMS_APP_PASSWORD".into(), "teams-secretpart".into()));
    let mut server = Server::start(&vars, dir.path(), port);
    let status = server
        .wait_exit(Duration::from_secs(20))
        .await
        .expect("exits");
    assert!(!status.success());
    let log = server.log();
    assert!(log.contains("TEAMS_TENANT_ID"), "{log}");
    assert!(!log.contains("secretpart"), "the secret leaked: {log}");
}
