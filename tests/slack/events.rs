//! Events API: URL verification, and an app mention retried by Slack processed once.

use std::time::Duration;

use crate::fixtures::{CHANNEL, Signed, app_mention, url_verification};
use crate::world::{DAVE, NOW, World, message_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_verification_answers_the_challenge() {
    let w = World::new().await;
    let challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P";
    let answer = w
        .send(
            "/slack/events",
            Signed::json(&url_verification(challenge), NOW),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["challenge"], challenge);

    let unsigned = Signed::json(&url_verification(challenge), NOW - 3600);
    assert_eq!(w.send("/slack/events", unsigned).await.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_mention_is_answered_once_in_its_thread() {
    let w = World::new().await;
    let event = app_mention("Ev0MENTION1", DAVE, "<@U0BOT> help", "1700000000.000100");
    let first = w.send("/slack/events", Signed::json(&event, NOW)).await;
    assert_eq!((first.status, first.body.as_str()), (200, ""));
    let retry = Signed::json(&event, NOW)
        .header("x-slack-retry-num", "1")
        .header("x-slack-retry-reason", "http_timeout");
    let second = w.send("/slack/events", retry).await;
    assert_eq!((second.status, second.body.as_str()), (200, ""));

    // help is for the caller only: an ephemeral message in the thread.
    let posts = w.slack.wait_for("/api/chat.postEphemeral", 1).await;
    let post = &posts[0].body;
    assert_eq!(post["channel"], CHANNEL);
    assert_eq!(post["thread_ts"], "1700000000.000100");
    assert_eq!(post["user"], DAVE);
    assert!(message_text(post).contains("attendance"), "{post}");
    assert_eq!(
        posts[0].authorization.as_deref(),
        Some("Bearer xoxb-test-token")
    );

    tokio::time::sleep(Duration::from_millis(400)).await;
    let answers: Vec<_> = w
        .slack
        .calls()
        .into_iter()
        .filter(|c| c.path.starts_with("/api/chat."))
        .collect();
    assert_eq!(answers.len(), 1, "processed once: {answers:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_with_a_channel_report_is_posted_in_the_thread() {
    let w = World::new().await;
    let event = app_mention(
        "Ev0MENTION2",
        DAVE,
        "<@U0BOT> attendance Theater last week",
        "1700000000.000200",
    );
    let ack = w.send("/slack/events", Signed::json(&event, NOW)).await;
    assert_eq!(ack.status, 200);
    let posts = w.slack.wait_for("/api/chat.postMessage", 1).await;
    let post = &posts[0].body;
    assert_eq!(post["thread_ts"], "1700000000.000200");
    assert!(post.get("response_type").is_none(), "{post}");
    assert!(message_text(post).contains("Theater"), "{post}");
    let complete = w
        .slack
        .wait_for("/api/files.completeUploadExternal", 1)
        .await;
    assert_eq!(complete[0].body["thread_ts"], "1700000000.000200");
}
