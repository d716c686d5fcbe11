//! Approvals from Teams: the card posted to the approvals channel, `Action.Execute` votes
//! answered with the resolved card, concurrent clicks acting once with one `PUT`, the
//! `Action.Submit` fallback, refusals, denial with a reason, requesters told 1:1.

use std::time::Duration;

use serde_json::{Value, json};

use crate::inbound::{personal_replies, wait_for};
use crate::world::{BOB, CAROL, ERIN, World, text_of};

/// The request id an approval card's buttons carry.
fn request_id_in(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => {
            if let Some(id) = map.get("requestId").and_then(Value::as_str) {
                return Some(id.to_owned());
            }
            map.values().find_map(request_id_in)
        }
        Value::Array(items) => items.iter().find_map(request_id_in),
        _ => None,
    }
}

/// Carol asks to suspend a member; returns (request id, card activity id).
async fn suspension_requested(w: &World) -> (String, String) {
    let (_, email) = w.member().await;
    let answer = w
        .post(&w.personal(CAROL, &format!("suspend {email} course ended"), "m-request"))
        .await;
    assert_eq!(answer.status, 200);
    let cards = wait_for(w, 1, |m, p| m == "POST" && p == "/v3/conversations").await;
    let card = cards
        .iter()
        .find(|c| c["channelData"]["channel"]["id"] == "19:approvals@thread.tacv2")
        .expect("a card in the approvals channel")
        .clone();
    let id = request_id_in(&card).expect("the card names the request");
    let text = text_of(&card);
    assert!(text.contains(&email), "the card shows the target: {text}");
    // The requester hears it is pending.
    let pending = personal_replies(w, CAROL, "m-request", 1).await;
    assert!(text_of(&pending[0]).contains(&format!("#{id}")));
    let stored = w
        .bot
        .approvals()
        .messages(id.parse().expect("numeric id"))
        .await
        .expect("card messages");
    let activity_id = stored
        .iter()
        .find(|m| m.platform == "teams")
        .map(|m| m.message_id.clone())
        .expect("the card is remembered");
    assert!(!activity_id.is_empty(), "the card's activity id is known");
    (id, activity_id)
}

fn execute(w: &World, user: &str, verb: &str, id: &str, card: &str) -> Value {
    let mut activity = w.fixture(
        "action_execute",
        &[("AAD", user), ("REPLY_TO", card), ("REQUEST", id)],
    );
    activity["value"]["action"]["verb"] = json!(verb);
    activity
}

/// The card in an `adaptiveCard/action` answer.
fn answered_card(body: &Value) -> &Value {
    assert_eq!(body["statusCode"], 200, "{body}");
    assert_eq!(
        body["type"], "application/vnd.microsoft.card.adaptive",
        "{body}"
    );
    &body["value"]
}

fn has_votes(card: &Value) -> bool {
    card.to_string().contains("\"verb\":\"approve\"")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_concurrent_approvals_act_once_with_one_put_and_both_see_the_outcome() {
    let w = World::new().await;
    let (id, card_id) = suspension_requested(&w).await;
    let puts_before = w
        .connector
        .calls()
        .iter()
        .filter(|c| c.method == "PUT")
        .count();
    assert_eq!(puts_before, 0);

    let (bob, erin) = (
        execute(&w, BOB, "approve", &id, &card_id),
        execute(&w, ERIN, "approve", &id, &card_id),
    );
    let (first, second) = tokio::join!(w.post(&bob), w.post(&erin));
    for answer in [&first, &second] {
        assert_eq!(answer.status, 200, "{}", answer.body);
        let card = answered_card(&answer.json()).clone();
        assert!(!has_votes(&card), "resolved card, no buttons: {card}");
        let text = text_of(&card);
        assert!(
            text.to_lowercase().contains("succeeded") || text.contains("Suspended"),
            "{text}"
        );
    }
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let puts: Vec<_> = w
        .connector
        .calls()
        .into_iter()
        .filter(|c| c.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 1, "one replacement of the card: {puts:#?}");
    assert!(puts[0].path.ends_with(&format!("/activities/{card_id}")));
    assert!(!has_votes(&puts[0].body));
    // The requester is told in their 1:1 chat.
    let chat = format!(
        "/v3/conversations/{}/activities",
        crate::world::personal_chat(CAROL)
    );
    let dm = wait_for(&w, 1, |m, p| m == "POST" && p == chat).await;
    assert!(dm.iter().any(|m| text_of(m).contains(&format!("#{id}"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_requester_cannot_approve_and_the_card_stays() {
    let w = World::new().await;
    let (id, card_id) = suspension_requested(&w).await;
    let answer = w.post(&execute(&w, CAROL, "approve", &id, &card_id)).await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_eq!(
        body["type"], "application/vnd.microsoft.activity.message",
        "{body}"
    );
    assert!(
        body["value"]
            .as_str()
            .unwrap_or_default()
            .contains("approver"),
        "{body}"
    );
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
    // Refresh shows the card, still with its buttons.
    let refreshed = w.post(&execute(&w, BOB, "refresh", &id, &card_id)).await;
    assert!(has_votes(answered_card(&refreshed.json())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denial_with_a_reason_ends_the_request() {
    let w = World::new().await;
    let (id, card_id) = suspension_requested(&w).await;
    let mut deny = execute(&w, BOB, "deny", &id, &card_id);
    deny["value"]["action"]["data"]["reason"] = json!("not this week");
    let answer = w.post(&deny).await;
    let card = answered_card(&answer.json()).clone();
    assert!(!has_votes(&card));
    assert!(text_of(&card).contains("not this week"), "{card}");
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_action_submit_fallback_votes_too() {
    let w = World::new().await;
    let (id, card_id) = suspension_requested(&w).await;
    let submit = w.fixture(
        "action_submit",
        &[("AAD", BOB), ("REPLY_TO", &card_id), ("REQUEST", &id)],
    );
    assert_eq!(w.post(&submit).await.status, 200);
    let answer = wait_for(&w, 1, |m, p| {
        m == "POST" && p.ends_with("/v3/conversations/a:17I0kl-personal/activities/1732790100456")
    })
    .await;
    assert!(
        text_of(&answer[0]).contains("Suspended"),
        "{}",
        text_of(&answer[0])
    );
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 1);
}
