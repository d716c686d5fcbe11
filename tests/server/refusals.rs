//! `serve` refuses to start, with a precise message, rather than run half-configured.

use std::time::Duration;

use crate::harness::{self, Server};

#[tokio::test]
async fn a_socket_mode_token_is_refused_with_the_reason() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars = harness::env(&sandbox, dir.path(), port);
    vars.push(("SLACK_APP_TOKEN".into(), "xapp-1-A0-0-secretpart".into()));
    let mut server = Server::start(&vars, dir.path(), port);
    let status = server
        .wait_exit(Duration::from_secs(20))
        .await
        .expect("exits");
    assert!(!status.success());
    let log = server.log();
    assert!(log.contains("Socket Mode is not available"), "{log}");
    assert!(log.contains("unset SLACK_APP_TOKEN"), "{log}");
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
