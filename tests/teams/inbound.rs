//! `/api/messages`: the gate (token, channel, tenant, connector host, body limit), the
//! golden activities round-tripping and handled, commands from messages answered in their
//! thread, redeliveries handled once, installation and uninstallation.

use std::time::Duration;

use serde_json::{Value, json};
use virbela_bot::teams::activity::Activity;

use crate::authority;
use crate::world::{
    ALICE, APP_ID, APPROVALS, DAVE, OTHER_TENANT, TENANT, World, personal_chat, text_of,
};

/// Waits until the connector has recorded `n` calls matching `pred`; returns their bodies.
pub async fn wait_for(w: &World, n: usize, pred: impl Fn(&str, &str) -> bool) -> Vec<Value> {
    for _ in 0..100 {
        let found: Vec<Value> = w
            .connector
            .calls()
            .into_iter()
            .filter(|c| pred(&c.method, &c.path))
            .map(|c| c.body.clone())
            .collect();
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "expected {n} matching connector calls; got {:#?}",
        w.connector
            .calls()
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect::<Vec<_>>()
    );
}

/// Replies to message `id` in `user`'s 1:1 chat.
pub async fn personal_replies(w: &World, user: &str, id: &str, n: usize) -> Vec<Value> {
    let path = format!("/v3/conversations/{}/activities/{id}", personal_chat(user));
    wait_for(w, n, |method, p| method == "POST" && p == path).await
}

/// Replies posted in the ops channel thread of message `id`.
pub async fn thread_replies(w: &World, id: &str, n: usize) -> Vec<Value> {
    let suffix = format!("/activities/{id}");
    wait_for(w, n, |method, path| {
        method == "POST" && path.contains("19:ops@thread.tacv2") && path.ends_with(&suffix)
    })
    .await
}

#[tokio::test]
async fn requests_without_a_valid_token_channel_tenant_or_host_are_refused() {
    let w = World::new().await;
    let activity = w.message(ALICE, "help", "m-gate");
    assert_eq!(w.post_with(&activity, None).await.status, 401);
    assert_eq!(w.post_with(&activity, Some("Basic abc")).await.status, 401);
    // A token for another serviceUrl.
    let other = authority::token(APP_ID, "https://smba.trafficmanager.net/emea/");
    assert_eq!(
        w.post_with(&activity, Some(&format!("Bearer {other}")))
            .await
            .status,
        401
    );
    // A token for another bot.
    let stranger = authority::token("00000000-0000-4000-8000-000000000000", &w.service_url());
    assert_eq!(
        w.post_with(&activity, Some(&format!("Bearer {stranger}")))
            .await
            .status,
        401
    );

    let mut webchat = activity.clone();
    webchat["channelId"] = json!("webchat");
    assert_eq!(w.post(&webchat).await.status, 401);

    let mut foreign = activity.clone();
    foreign["channelData"]["tenant"]["id"] = json!(OTHER_TENANT);
    foreign["conversation"]["tenantId"] = json!(OTHER_TENANT);
    assert_eq!(w.post(&foreign).await.status, 401);

    // Signed for, but not a connector host the bot may send its token to.
    let mut elsewhere = activity.clone();
    elsewhere["serviceUrl"] = json!("https://collector.example.com/");
    assert_eq!(w.post(&elsewhere).await.status, 401);

    // Nothing was run or sent for any of them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        w.connector
            .calls()
            .iter()
            .all(|c| !c.path.contains("19:ops@thread.tacv2")),
        "refused requests get no answer"
    );
}

#[tokio::test]
async fn oversized_and_malformed_bodies_are_refused() {
    let w = World::new().await;
    let mut big = w.message(ALICE, "help", "m-big");
    big["text"] = json!("x".repeat(300 * 1024));
    assert_eq!(w.post(&big).await.status, 413);
    let token = authority::token(APP_ID, &w.service_url());
    let response = reqwest::Client::new()
        .post(format!("{}/api/messages", w.app))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn golden_activities_round_trip() {
    let w = World::new().await;
    for (name, vars) in [
        ("message_mention", vec![("AAD", ALICE), ("TEXT", "help")]),
        (
            "action_submit",
            vec![("AAD", ALICE), ("REPLY_TO", "1"), ("REQUEST", "1")],
        ),
        (
            "action_execute",
            vec![("AAD", ALICE), ("REPLY_TO", "1"), ("REQUEST", "1")],
        ),
        ("task_fetch", vec![("AAD", ALICE), ("FORM", "invite")]),
        (
            "task_submit",
            vec![
                ("AAD", ALICE),
                ("DATA", r#"{"form":"invite","email":"a@b.org"}"#),
            ],
        ),
        (
            "installation_update",
            vec![
                ("AAD", ALICE),
                ("ACTION", "add"),
                ("CONVERSATION", "19:x@thread.tacv2"),
            ],
        ),
    ] {
        let raw = w.fixture(name, &vars);
        let activity: Activity = serde_json::from_value(raw.clone()).expect(name);
        assert_eq!(
            serde_json::to_value(&activity).unwrap(),
            raw,
            "{name} round-trips"
        );
    }
}

#[tokio::test]
async fn a_message_runs_the_command_and_answers_it() {
    let w = World::new().await;
    let answer = w.post(&w.personal(ALICE, "rooms", "m-rooms")).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    let replies = personal_replies(&w, ALICE, "m-rooms", 1).await;
    let card = &replies[0]["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["version"], "1.5");
    assert!(
        text_of(card).contains("Theater") || text_of(card).contains("room"),
        "{card}"
    );
}

#[tokio::test]
async fn an_unknown_command_gets_usage_help_and_a_redelivery_is_handled_once() {
    let w = World::new().await;
    let message = w.personal(ALICE, "frobnicate now", "m-unknown");
    assert_eq!(w.post(&message).await.status, 200);
    assert_eq!(w.post(&message).await.status, 200);
    let replies = personal_replies(&w, ALICE, "m-unknown", 1).await;
    let text = text_of(&replies[0]);
    assert!(text.contains("help"), "{text}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        personal_replies(&w, ALICE, "m-unknown", 1).await.len(),
        1,
        "answered once"
    );
}

#[tokio::test]
async fn a_viewer_is_refused_a_suspension() {
    let w = World::new().await;
    let (_, email) = w.member().await;
    w.post(&w.message(DAVE, &format!("suspend {email} no"), "m-dave"))
        .await;
    // The refusal is for dave only: it goes to his 1:1 chat, the thread says so.
    let created = wait_for(&w, 1, |m, p| m == "POST" && p == "/v3/conversations").await;
    assert_eq!(created[0]["members"][0]["id"], "29:1Xj-user");
    let private = wait_for(&w, 1, |m, p| {
        m == "POST" && p.contains("/v3/conversations/a:conv-")
    })
    .await;
    assert!(
        text_of(&private[0]).contains("operator"),
        "{}",
        text_of(&private[0])
    );
    let note = thread_replies(&w, "m-dave", 1).await;
    assert!(text_of(&note[0]).contains("1:1"));
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
}

#[tokio::test]
async fn unknown_activities_get_200_and_unknown_invokes_501() {
    let w = World::new().await;
    let mut reaction = w.message(ALICE, "help", "m-reaction");
    reaction["type"] = json!("messageReaction");
    assert_eq!(w.post(&reaction).await.status, 200);
    let mut invoke = w.fixture("task_fetch", &[("AAD", ALICE), ("FORM", "invite")]);
    invoke["name"] = json!("composeExtension/query");
    assert_eq!(w.post(&invoke).await.status, 501);
}

#[tokio::test]
async fn installation_records_the_conversation_and_uninstall_marks_it_dead() {
    let w = World::new().await;
    let conversation = "19:newchannel@thread.tacv2";
    let add = w.fixture(
        "installation_update",
        &[
            ("ACTION", "add"),
            ("CONVERSATION", conversation),
            ("AAD", ALICE),
        ],
    );
    assert_eq!(w.post(&add).await.status, 200);
    let stored = w
        .state
        .conversation(conversation)
        .await
        .unwrap()
        .expect("stored");
    assert!(stored.alive);
    assert_eq!(stored.tenant_id, TENANT);
    assert_eq!(stored.service_url, w.service_url());
    // A greeting in the channel.
    wait_for(&w, 1, |m, p| {
        m == "POST" && p.contains("19:newchannel@thread.tacv2")
    })
    .await;

    let remove = w.fixture(
        "installation_update",
        &[
            ("ACTION", "remove"),
            ("CONVERSATION", conversation),
            ("AAD", ALICE),
        ],
    );
    assert_eq!(w.post(&remove).await.status, 200);
    let stored = w
        .state
        .conversation(conversation)
        .await
        .unwrap()
        .expect("kept");
    assert!(!stored.alive, "dead after uninstall");
    // The approvals channel is still alive.
    assert!(
        w.state
            .conversation(APPROVALS)
            .await
            .unwrap()
            .unwrap()
            .alive
    );
}

#[tokio::test]
async fn a_conversation_the_bot_left_is_marked_dead_and_revived_when_it_speaks_again() {
    let w = World::new().await;
    w.connector
        .fail_next_with_code(403, "BotNotInConversationRoster");
    let chat = personal_chat(ALICE);
    assert_eq!(
        w.post(&w.personal(ALICE, "help", "m-gone")).await.status,
        200
    );
    for _ in 0..100 {
        if w.state
            .conversation(&chat)
            .await
            .unwrap()
            .is_some_and(|c| !c.alive)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stored = w.state.conversation(&chat).await.unwrap().expect("stored");
    assert!(!stored.alive, "marked dead after the connector said so");
    assert!(
        stored
            .dead_reason
            .unwrap_or_default()
            .contains("BotNotInConversationRoster"),
        "the reason is kept"
    );
    // Nothing is posted proactively to a dead conversation.
    let message = serde_json::json!({"type": "message", "text": "hi"});
    let refused = w.state.post(&chat, &message).await;
    assert!(refused.is_err());
    // The user writes again: alive again.
    assert_eq!(
        w.post(&w.personal(ALICE, "help", "m-back")).await.status,
        200
    );
    assert!(w.state.conversation(&chat).await.unwrap().unwrap().alive);
}
