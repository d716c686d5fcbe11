//! Dialogs: `task/fetch` opens a form as an Adaptive Card, `task/submit` is read by the
//! grammar's parsers (errors re-show the dialog under their fields), a valid submission
//! closes it and the result is posted to the conversation; typeahead searches answer
//! `application/search`; a bare form command typed in a message offers the dialog.

use serde_json::{Value, json};

use crate::inbound::{thread_replies, wait_for};
use crate::world::{ALICE, DAVE, World, text_of};

fn fetch(w: &World, user: &str, form: &str) -> Value {
    w.fixture("task_fetch", &[("AAD", user), ("FORM", form)])
}

fn submit(w: &World, user: &str, data: &Value) -> Value {
    w.fixture("task_submit", &[("AAD", user), ("DATA", &data.to_string())])
}

#[tokio::test]
async fn task_fetch_opens_the_invite_dialog() {
    let w = World::new().await;
    let answer = w.post(&fetch(&w, ALICE, "invite")).await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert_eq!(body["task"]["type"], "continue", "{body}");
    let card = &body["task"]["value"]["card"];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    let content = card["content"].to_string();
    assert!(content.contains("\"id\":\"email\""), "{content}");
    assert!(content.contains("Input.Text"));
}

#[tokio::test]
async fn a_viewer_cannot_open_the_invite_dialog() {
    let w = World::new().await;
    let answer = w.post(&fetch(&w, DAVE, "invite")).await;
    let body = answer.json();
    assert_eq!(body["task"]["type"], "message", "{body}");
    assert!(
        body["task"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("operator"),
        "{body}"
    );
}

#[tokio::test]
async fn a_bad_email_re_shows_the_dialog_with_the_error_and_a_good_one_invites() {
    let w = World::new().await;
    let bad = w
        .post(&submit(
            &w,
            ALICE,
            &json!({"form": "invite", "email": "not-an-email"}),
        ))
        .await;
    let body = bad.json();
    assert_eq!(body["task"]["type"], "continue", "{body}");
    let text = text_of(&body);
    assert!(
        text.contains("not-an-email"),
        "the typed value is kept: {text}"
    );
    assert!(
        text.to_lowercase().contains("e-mail") || text.to_lowercase().contains("email"),
        "{text}"
    );
    assert_eq!(w.count_sandbox("POST /User/Invitation").await, 0);

    let good = w
        .post(&submit(
            &w,
            ALICE,
            &json!({"form": "invite", "email": "new.person@example.org", "first": "New", "last": "Person"}),
        ))
        .await;
    let body = good.json();
    assert_eq!(body["task"]["type"], "message", "{body}");
    let posted = thread_replies_in_personal(&w).await;
    assert!(
        text_of(&posted).contains("new.person@example.org"),
        "{}",
        text_of(&posted)
    );
    assert_eq!(w.count_sandbox("POST /User/Invitation").await, 1);
}

/// The result posted under the dialog's invoke in the personal chat.
async fn thread_replies_in_personal(w: &World) -> Value {
    wait_for(w, 1, |m, p| {
        m == "POST" && p.ends_with("/v3/conversations/a:17I0kl-personal/activities/f:task-submit")
    })
    .await
    .remove(0)
}

#[tokio::test]
async fn typeahead_searches_the_rooms() {
    let w = World::new().await;
    let mut search = fetch(&w, ALICE, "attendance");
    search["name"] = json!("application/search");
    search["value"] = json!({"queryText": "the", "dataset": "attendance.room", "queryOptions": {"top": 5, "skip": 0}});
    let body = w.post(&search).await.json();
    assert_eq!(body["statusCode"], 200, "{body}");
    assert_eq!(
        body["type"],
        "application/vnd.microsoft.search.searchResponse"
    );
    let results = body["value"]["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 5, "{body}");
    assert!(
        results
            .iter()
            .all(|r| r["title"].is_string() && r["value"].is_string())
    );
}

#[tokio::test]
async fn a_bare_form_command_offers_the_dialog() {
    let w = World::new().await;
    w.post(&w.message(ALICE, "invite", "m-bare")).await;
    let replies = thread_replies(&w, "m-bare", 1).await;
    let card = replies[0].to_string();
    assert!(
        card.contains("task/fetch") && card.contains("\"form\":\"invite\""),
        "{card}"
    );
}
