//! The gate in front of every endpoint: signature, replay window, body size, SSL check.

use std::time::Duration;

use crate::fixtures::{Signed, slash_command, ssl_check};
use crate::world::{DAVE, NOW, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_stale_or_missing_signatures_get_401_and_do_nothing() {
    let w = World::new().await;
    w.clear_sandbox_log().await;
    let url = w.slack.response_url();
    let body = slash_command(DAVE, "attendance Theater last week", &url);

    let mut tampered = Signed::form(body.clone(), NOW);
    tampered.body.extend_from_slice(b"&text=users");
    let stale = Signed::form(body.clone(), NOW - 301);
    let future = Signed::form(body.clone(), NOW + 301);
    let mut unsigned = Signed::form(body.clone(), NOW);
    unsigned.headers.clear();
    let mut wrong_secret = Signed::form(body.clone(), NOW);
    wrong_secret.headers[1].1 =
        virbela_bot::slack::verify::sign(&"another-secret".into(), NOW, body.as_bytes());

    for (name, request) in [
        ("tampered", tampered),
        ("stale", stale),
        ("future", future),
        ("unsigned", unsigned),
        ("wrong secret", wrong_secret),
    ] {
        for path in ["/slack/commands", "/slack/interactions", "/slack/events"] {
            let copy = Signed {
                body: request.body.clone(),
                content_type: request.content_type,
                headers: request.headers.clone(),
            };
            let answer = w.send(path, copy).await;
            assert_eq!(answer.status, 401, "{name} at {path}: {}", answer.body);
            assert!(!answer.body.contains(crate::fixtures::SIGNING_SECRET));
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(w.slack.calls().is_empty());
    assert!(w.sandbox_calls().await.is_empty());

    let fresh = w
        .send("/slack/commands", Signed::form(body, NOW - 299))
        .await;
    assert_eq!(fresh.status, 200, "inside the window: {}", fresh.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_gets_413() {
    let w = World::new().await;
    let url = w.slack.response_url();
    let text = "x".repeat(300 * 1024);
    let body = slash_command(DAVE, &text, &url);
    let answer = w.send("/slack/commands", Signed::form(body, NOW)).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"], "body too large");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssl_check_gets_an_empty_200() {
    let w = World::new().await;
    let answer = w
        .send("/slack/commands", Signed::form(ssl_check(), NOW))
        .await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_without_a_valid_user_is_a_bad_request() {
    let w = World::new().await;
    let url = w.slack.response_url();
    let body = slash_command("not a user", "help", &url);
    let answer = w.send("/slack/commands", Signed::form(body, NOW)).await;
    assert_eq!(answer.status, 400);
}
