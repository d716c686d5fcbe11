//! Approval cards in the approvals channel: posted when a request needs votes, updated
//! with `chat.update` after every vote and on the outcome (buttons gone once decided or
//! expired), votes and outcomes in the card's thread, and DMs to the requester.

use std::time::Duration;

use serde_json::Value;

use crate::fake_slack::{Call, path_of};
use crate::world::{ALICE, APPROVALS_CHANNEL, BOB, CAROL, World, button_value, message_text};

/// `CAROL` asks to suspend a member; returns the posted card and the member's email.
async fn card_for_a_suspension(w: &World) -> (Value, String) {
    let (_, email) = w.member(&[]).await;
    let (ack, response_url) = w
        .command(CAROL, &format!("suspend {email} course ended"))
        .await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    w.slack.wait_for(&path_of(&response_url), 1).await;
    let posts = w.slack.wait_for("/api/chat.postMessage", 1).await;
    let card = posts[0].body.clone();
    assert_eq!(card["channel"], APPROVALS_CHANNEL, "{card}");
    (card, email)
}

/// Web API calls to `path` whose `channel` is `channel`.
fn calls_in(w: &World, path: &str, channel: &str) -> Vec<Call> {
    w.slack
        .calls_to(path)
        .into_iter()
        .filter(|c| c.body["channel"] == channel)
        .collect()
}

/// Waits until `check` holds for the calls to `path` in `channel` (up to 10 s).
async fn wait_until(
    w: &World,
    path: &str,
    channel: &str,
    check: impl Fn(&[Call]) -> bool,
) -> Vec<Call> {
    for _ in 0..500 {
        let calls = calls_in(w, path, channel);
        if check(&calls) {
            return calls;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "{path} in {channel}: condition not met; calls: {:#?}",
        w.slack.calls()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_gets_a_card_that_follows_it_to_execution() {
    let w = World::new().await;
    let (card, email) = card_for_a_suspension(&w).await;
    let text = message_text(&card);
    for expected in [
        "Approval request #",
        "Risk",
        "medium",
        "Requested by",
        "slack:UCAROL",
        "course ended",
        "Target now",
        "active",
        "Will run",
        &email,
    ] {
        assert!(text.contains(expected), "card lacks {expected:?}: {text}");
    }
    let id = button_value(&card, "approval.approve").expect("Approve button");
    assert_eq!(
        button_value(&card, "approval.deny").as_deref(),
        Some(id.as_str())
    );

    let url = w.slack.response_url();
    assert_eq!(
        w.click(BOB, "approval.approve", &id, &url).await.status,
        200
    );

    // The card is updated in place, without buttons, saying it ran.
    let updates = wait_until(&w, "/api/chat.update", APPROVALS_CHANNEL, |calls| {
        calls
            .iter()
            .any(|c| message_text(&c.body).contains("Approved and executed"))
    })
    .await;
    let last = &updates.last().expect("an update").body;
    let ts = card_ts(&w, &id).await;
    assert_eq!(
        last["ts"],
        ts.as_str(),
        "the posted card is the one updated"
    );
    assert!(
        button_value(last, "approval.approve").is_none(),
        "buttons gone: {last}"
    );

    // The thread has the vote and the outcome.
    let thread = wait_until(&w, "/api/chat.postMessage", APPROVALS_CHANNEL, |calls| {
        calls
            .iter()
            .filter(|c| c.body.get("thread_ts").is_some())
            .count()
            >= 2
    })
    .await;
    let notes: Vec<String> = thread
        .iter()
        .filter(|c| c.body["thread_ts"] == ts.as_str())
        .map(|c| message_text(&c.body))
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("slack:UBOB approved")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Executed") && n.contains("Suspended")),
        "{notes:#?}"
    );

    // Carol hears that it was approved, and the result.
    let dms = wait_until(&w, "/api/chat.postMessage", CAROL, |calls| calls.len() >= 2).await;
    let dms: Vec<String> = dms.iter().map(|c| message_text(&c.body)).collect();
    assert!(
        dms.iter().any(|d| d.contains("approved your request")),
        "{dms:#?}"
    );
    assert!(dms.iter().any(|d| d.contains("Suspended")), "{dms:#?}");
}

/// The `ts` of request `id`'s card, as the store remembers it.
async fn card_ts(w: &World, id: &str) -> String {
    let id: i64 = id.parse().expect("request id");
    let messages = w.bot.approvals().messages(id).await.expect("messages");
    assert_eq!(messages.len(), 1, "one card: {messages:?}");
    assert_eq!(messages[0].platform, "slack");
    assert_eq!(messages[0].channel, APPROVALS_CHANNEL);
    messages[0].message_id.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denial_with_a_reason_closes_the_card_and_tells_the_requester() {
    let w = World::new().await;
    let (card, _) = card_for_a_suspension(&w).await;
    let id = button_value(&card, "approval.approve").expect("Approve button");
    let (_, url) = w
        .command(
            ALICE,
            &format!("approvals deny {id} reason=\"wrong member\""),
        )
        .await;
    w.slack.wait_for(&path_of(&url), 1).await;
    let updates = wait_until(&w, "/api/chat.update", APPROVALS_CHANNEL, |calls| {
        !calls.is_empty()
    })
    .await;
    let update = message_text(&updates[0].body);
    assert!(update.contains("Denied by slack:UALICE"), "{update}");
    assert!(update.contains("wrong member"), "{update}");
    assert!(button_value(&updates[0].body, "approval.deny").is_none());
    let dms = wait_until(&w, "/api/chat.postMessage", CAROL, |calls| {
        !calls.is_empty()
    })
    .await;
    let dm = message_text(&dms[0].body);
    assert!(
        dm.contains("denied your request") && dm.contains("wrong member"),
        "{dm}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_updates_the_card_and_tells_the_requester() {
    let w = World::with_approval_ttl(chrono::TimeDelta::seconds(1)).await;
    let (card, _) = card_for_a_suspension(&w).await;
    assert!(button_value(&card, "approval.approve").is_some());
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let (counts, errors) = virbela_bot::server::sweeper::sweep_once(&w.bot).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(counts.expired, 1);
    let updates = wait_until(&w, "/api/chat.update", APPROVALS_CHANNEL, |calls| {
        !calls.is_empty()
    })
    .await;
    let update = &updates[0].body;
    assert!(message_text(update).contains("Expired"), "{update}");
    assert!(
        button_value(update, "approval.approve").is_none(),
        "buttons gone: {update}"
    );
    let dms = wait_until(&w, "/api/chat.postMessage", CAROL, |calls| {
        !calls.is_empty()
    })
    .await;
    assert!(
        message_text(&dms[0].body).contains("expired"),
        "{:?}",
        dms[0].body
    );

    // A click on the expired card changes nothing and says why.
    let id = button_value(&card, "approval.approve").expect("id");
    let url = w.slack.response_url();
    w.click(BOB, "approval.approve", &id, &url).await;
    let answer = message_text(&w.slack.wait_for(&path_of(&url), 1).await[0].body);
    assert!(answer.contains("expired"), "{answer}");
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
}
