//! Graceful shutdown: work in flight when SIGTERM arrives (a slash command acknowledged,
//! its Virbela call slowed down by the sandbox) is finished and delivered, readiness
//! turns 503 at once, and the process exits 0 within the bound.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::routing::post;
use serde_json::json;
use virbela_bot::sandbox::SandboxControl;

use crate::harness::{self, Server};

/// A response URL that records what is posted to it.
async fn recorder() -> (String, Arc<Mutex<Vec<String>>>) {
    let posts = Arc::new(Mutex::new(Vec::new()));
    let seen = posts.clone();
    let app = axum::Router::new().route(
        "/respond",
        post(move |body: String| {
            let seen = seen.clone();
            async move {
                seen.lock().expect("lock").push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/respond", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, posts)
}

#[tokio::test]
async fn work_in_flight_at_sigterm_is_finished_and_the_exit_is_clean() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars = harness::env(&sandbox, dir.path(), port);
    // Plain-http response URLs are accepted only with a plain-http Web API (tests).
    vars.push(("SLACK_API_URL".into(), "http://127.0.0.1:9/api/".into()));
    let mut server = Server::start(&vars, dir.path(), port);
    let http = reqwest::Client::new();
    server.wait_healthy(&http).await;

    // Every Virbela call now takes 3 s.
    SandboxControl::new(sandbox.base_url())
        .post("faults", &json!({"latencyMs": 3000}))
        .await
        .expect("fault");
    let (response_url, posts) = recorder().await;
    let body = harness::slash_command_to("UADMIN", "rooms", &response_url);
    let (ts, sig) = harness::signature(&body);
    let ack = http
        .post(format!("{}/slack/commands", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", sig)
        .body(body)
        .send()
        .await
        .expect("command");
    assert_eq!(ack.status(), 200, "{}", server.log());

    let stopping = Instant::now();
    server.terminate();
    // Readiness turns 503 while the work finishes (the listener may already be closed:
    // then the request fails, which a load balancer reads the same way).
    tokio::time::sleep(Duration::from_millis(300)).await;
    if let Ok(readyz) = http.get(format!("{}/readyz", server.base)).send().await {
        assert_eq!(readyz.status(), 503);
    }
    let status = server
        .wait_exit(Duration::from_secs(30))
        .await
        .unwrap_or_else(|| panic!("still running 30 s after SIGTERM:\n{}", server.log()));
    let took = stopping.elapsed();
    assert!(
        took >= Duration::from_secs(2),
        "it waited for the slowed-down work: {took:?}"
    );
    assert!(status.success(), "exit {status}:\n{}", server.log());
    assert!(
        took < Duration::from_secs(26),
        "within the 25 s bound: {took:?}"
    );
    let posts = posts.lock().expect("lock").clone();
    assert!(
        posts.iter().any(|p| p.contains("Rooms")),
        "the command's result was delivered before the exit: {posts:?}\n{}",
        server.log()
    );
}
