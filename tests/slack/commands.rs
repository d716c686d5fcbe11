//! Slash commands: fast answers in the ack, slow ones delivered to the response URL.

use std::time::Duration;

use crate::fake_slack::path_of;
use crate::fixtures::CHANNEL;
use crate::world::{CAROL, DAVE, World, message_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_answered_in_the_ack_without_virbela_or_a_response_url() {
    let w = World::new().await;
    w.clear_sandbox_log().await;
    let (ack, response_url) = w.command(DAVE, "help").await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    let message = ack.json();
    assert_eq!(message["response_type"], "ephemeral");
    let text = message_text(&message);
    assert!(
        text.contains("attendance") && text.contains("viewer"),
        "the help for a viewer: {text}"
    );
    assert!(message["blocks"].as_array().is_some_and(|b| !b.is_empty()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(w.slack.calls_to(&path_of(&response_url)).is_empty());
    // Only the caller's time zone was looked up: nothing was posted.
    let calls: Vec<String> = w.slack.calls().into_iter().map(|c| c.path).collect();
    assert!(calls.iter().all(|p| p == "/api/users.info"), "{calls:?}");
    assert!(w.sandbox_calls().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_is_acknowledged_then_delivered_to_the_response_url() {
    let w = World::new().await;
    w.clear_sandbox_log().await;
    let (ack, response_url) = w
        .command(CAROL, "invite new.hire@example.com first=New last=Hire")
        .await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    let ack = ack.json();
    assert_eq!(ack["response_type"], "ephemeral");
    assert!(
        ack["text"]
            .as_str()
            .is_some_and(|t| t.contains("Working on it")),
        "{ack}"
    );

    let posts = w.slack.wait_for(&path_of(&response_url), 1).await;
    let result = &posts[0].body;
    let text = message_text(result);
    assert!(text.contains("new.hire@example.com"), "{text}");
    assert!(result["blocks"].is_array(), "Block Kit: {result}");
    assert_eq!(w.count_sandbox("POST /User/Invitation").await, 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        w.slack.calls_to(&path_of(&response_url)).len(),
        1,
        "one post"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attendance_report_goes_to_the_channel_with_its_csv() {
    let w = World::new().await;
    let (ack, response_url) = w.command(DAVE, "attendance Theater last week").await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    assert!(
        message_text(&ack.json()).contains("Theater"),
        "{}",
        ack.body
    );

    let posts = w.slack.wait_for(&path_of(&response_url), 1).await;
    let report = &posts[0].body;
    assert_eq!(report["response_type"], "in_channel", "{report}");
    let text = message_text(report);
    assert!(
        text.contains("Theater") && text.contains("Sessions"),
        "{text}"
    );

    let complete = w
        .slack
        .wait_for("/api/files.completeUploadExternal", 1)
        .await;
    assert_eq!(complete[0].body["channel_id"], CHANNEL);
    assert_eq!(
        complete[0].authorization.as_deref(),
        Some("Bearer xoxb-test-token")
    );
    // The CSV of every session and the PNG chart of attendees per day.
    let reserved = w.slack.calls_to("/api/files.getUploadURLExternal");
    let names: Vec<&str> = reserved
        .iter()
        .filter_map(|c| c.body["filename"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].ends_with(".csv"), "{names:?}");
    assert!(names[1].ends_with(".png"), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_bot_token_the_report_says_files_need_one() {
    let w = World::without_bot_token().await;
    let (ack, response_url) = w.command(DAVE, "attendance Theater last week").await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    let posts = w.slack.wait_for(&path_of(&response_url), 1).await;
    let text = message_text(&posts[0].body);
    assert!(text.contains("SLACK_BOT_TOKEN"), "{text}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        w.slack.calls().iter().all(|c| !c.path.starts_with("/api/")),
        "no Web API call without a token: {:?}",
        w.slack.calls()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_asking_to_invite_is_refused_in_the_ack() {
    let w = World::new().await;
    w.clear_sandbox_log().await;
    let (ack, response_url) = w.command(DAVE, "invite x@example.com").await;
    assert_eq!(ack.status, 200);
    let message = ack.json();
    assert_eq!(message["response_type"], "ephemeral");
    assert!(message_text(&message).contains("operator"), "{message}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(w.slack.calls_to(&path_of(&response_url)).is_empty());
    assert!(w.sandbox_calls().await.is_empty());
}
