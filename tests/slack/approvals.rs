//! Approval buttons: acknowledged at once, the vote runs in the background as the person
//! who clicked, the outcome comes back to them alone, and a double click acts once.

use std::time::Duration;

use serde_json::Value;

use crate::fake_slack::path_of;
use crate::world::{BOB, CAROL, DAVE, World, button_value, message_text};

/// `requester` asks to suspend a member; returns the request id from the card's buttons.
async fn suspension_requested_by(w: &World, requester: &str) -> String {
    let (_, email) = w.member(&[]).await;
    let (ack, response_url) = w
        .command(requester, &format!("suspend {email} course ended"))
        .await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    let posts = w.slack.wait_for(&path_of(&response_url), 1).await;
    let card = &posts[0].body;
    let approve = button_value(card, "approval.approve").expect("an Approve button");
    let deny = button_value(card, "approval.deny").expect("a Deny button");
    assert_eq!(approve, deny, "both buttons name the request");
    approve
}

/// The single ephemeral follow-up posted to `response_url`.
async fn follow_up(w: &World, response_url: &str) -> Value {
    let posts = w.slack.wait_for(&path_of(response_url), 1).await;
    let post = posts[0].body.clone();
    assert_eq!(post["response_type"], "ephemeral", "{post}");
    assert_eq!(post["replace_original"], false, "the card stays: {post}");
    post
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_click_on_approve_suspends_once() {
    let w = World::new().await;
    let id = suspension_requested_by(&w, CAROL).await;
    w.clear_sandbox_log().await;

    let (first_url, second_url) = (w.slack.response_url(), w.slack.response_url());
    let (first, second) = tokio::join!(
        w.click(BOB, "approval.approve", &id, &first_url),
        w.click(BOB, "approval.approve", &id, &second_url),
    );
    for ack in [&first, &second] {
        assert_eq!(ack.status, 200);
        assert!(
            ack.body.is_empty(),
            "acked with an empty body: {}",
            ack.body
        );
    }
    let outcomes = [
        message_text(&follow_up(&w, &first_url).await),
        message_text(&follow_up(&w, &second_url).await),
    ];
    let done = outcomes.iter().filter(|t| t.contains("Suspended")).count();
    let explained = outcomes.iter().filter(|t| t.contains("already")).count();
    assert_eq!((done, explained), (1, 1), "{outcomes:#?}");

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_requester_and_a_viewer_cannot_approve() {
    let w = World::new().await;
    let id = suspension_requested_by(&w, CAROL).await;
    w.clear_sandbox_log().await;

    let carol_url = w.slack.response_url();
    let ack = w.click(CAROL, "approval.approve", &id, &carol_url).await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""));
    let own = message_text(&follow_up(&w, &carol_url).await);
    assert!(own.contains("approver"), "carol is an operator: {own}");

    let dave_url = w.slack.response_url();
    let ack = w.click(DAVE, "approval.approve", &id, &dave_url).await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""));
    let viewer = message_text(&follow_up(&w, &dave_url).await);
    assert!(viewer.contains("approver"), "{viewer}");

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
    let (_, show_url) = w.command(DAVE, &format!("approvals show {id}")).await;
    let shown = message_text(&w.slack.wait_for(&path_of(&show_url), 1).await[0].body);
    assert!(shown.contains("pending"), "still pending: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approver_cannot_approve_their_own_request() {
    let w = World::new().await;
    let id = suspension_requested_by(&w, BOB).await;
    w.clear_sandbox_log().await;
    let url = w.slack.response_url();
    let ack = w.click(BOB, "approval.approve", &id, &url).await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""));
    let own = message_text(&follow_up(&w, &url).await);
    assert!(own.contains("your own request"), "{own}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_interactions_are_acknowledged_and_ignored() {
    let w = World::new().await;
    let body = crate::fixtures::view_submission(BOB);
    let ack = w
        .send(
            "/slack/interactions",
            crate::fixtures::Signed::form(body, crate::world::NOW),
        )
        .await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""));
    let url = w.slack.response_url();
    let ack = w.click(BOB, "something.else", "1", &url).await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(w.slack.calls().is_empty(), "{:?}", w.slack.calls());
}
