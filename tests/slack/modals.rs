//! Modals: a bare form command opens its modal with the trigger id (`views.open` first,
//! `views.update` once what it searches is loaded), submissions are validated with inline
//! errors on their blocks, valid ones run as the submitter and the result reaches them,
//! searches answer with matching rooms, and the Deny button asks for a reason.

use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::fake_slack::{Call, path_of};
use crate::fixtures::{CHANNEL, Signed, TEAM};
use crate::world::{BOB, CAROL, DAVE, NOW, World, button_value, message_text};

/// The `trigger_id` of the slash-command fixture.
const COMMAND_TRIGGER: &str = "13345224609.738474920.8088930838d88f008e0";
/// The `trigger_id` of the button-click fixture.
const CLICK_TRIGGER: &str = "12466734323.1395872398.b1a1d7a5d3b5b6e0c2a6e4c6d7b9a1f2";

/// The view a `views.open` or `views.update` call carried (an object, or JSON in a form).
fn view_of(call: &Call) -> Value {
    match &call.body["view"] {
        Value::String(s) => serde_json::from_str(s).expect("view JSON"),
        other => other.clone(),
    }
}

/// The input blocks' ids of a view.
fn block_ids(view: &Value) -> Vec<String> {
    view["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .filter(|b| b["type"] == "input")
        .filter_map(|b| b["block_id"].as_str().map(str::to_owned))
        .collect()
}

/// The `n`th modal opened (waiting for it), checked to be opened with `trigger`.
async fn opened(w: &World, n: usize, trigger: &str) -> Value {
    let calls = w.slack.wait_for("/api/views.open", n).await;
    let call = &calls[n - 1];
    assert_eq!(call.body["trigger_id"], trigger, "{:?}", call.body);
    assert_eq!(
        call.authorization.as_deref(),
        Some("Bearer xoxb-test-token")
    );
    view_of(call)
}

/// The state Slack would send for `view` with `values` (`block_id → value`) entered and
/// the other inputs left empty.
fn state_for(view: &Value, values: &[(&str, &str)]) -> Value {
    let mut state = Map::new();
    for block in view["blocks"].as_array().expect("blocks") {
        if block["type"] != "input" {
            continue;
        }
        let id = block["block_id"].as_str().expect("block_id");
        let kind = block["element"]["type"].as_str().expect("element type");
        let value = values.iter().find(|(k, _)| *k == id).map(|(_, v)| *v);
        let option = |v: &str| json!({"text": {"type": "plain_text", "text": v}, "value": v});
        let entry = match (kind, value) {
            ("datepicker", v) => json!({"type": kind, "selected_date": v}),
            ("static_select" | "external_select", v) => {
                json!({"type": kind, "selected_option": v.map(option)})
            }
            ("checkboxes", v) => {
                json!({"type": kind, "selected_options": v.map(option).into_iter().collect::<Vec<_>>()})
            }
            (_, v) => json!({"type": kind, "value": v}),
        };
        state.insert(id.to_owned(), json!({ id: entry }));
    }
    json!({ "values": state })
}

/// `user` submits the modal `view` (as opened or updated) with `values`.
async fn submit(
    w: &World,
    user: &str,
    view: &Value,
    values: &[(&str, &str)],
) -> crate::world::Answer {
    let payload = json!({
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "example"},
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": TEAM},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
        "view": {
            "id": view.get("id").cloned().unwrap_or(json!("V0")),
            "team_id": TEAM,
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "hash": "156772938.1827394",
            "state": state_for(view, values),
        },
        "response_urls": [],
    });
    send_payload(w, &payload).await
}

async fn send_payload(w: &World, payload: &Value) -> crate::world::Answer {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish();
    w.send("/slack/interactions", Signed::form(body, NOW)).await
}

/// `user` types `query` in the block `block_id` of an open modal of form `callback_id`.
async fn suggest(w: &World, user: &str, callback_id: &str, block_id: &str, query: &str) -> Value {
    let payload = json!({
        "type": "block_suggestion",
        "user": {"id": user, "username": "someone", "name": "someone", "team_id": TEAM},
        "container": {"type": "view", "view_id": "V1"},
        "api_app_id": "A123456",
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "action_id": block_id,
        "block_id": block_id,
        "value": query,
        "team": {"id": TEAM, "domain": "example"},
        "view": {"id": "V1", "type": "modal", "callback_id": callback_id, "private_metadata": ""},
    });
    let answer = send_payload(w, &payload).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()
}

/// Ephemeral messages shown to `user` in the ops channel (waiting for `n`).
async fn ephemerals_to(w: &World, user: &str, n: usize) -> Vec<Value> {
    for _ in 0..500 {
        let found: Vec<Value> = w
            .slack
            .calls_to("/api/chat.postEphemeral")
            .into_iter()
            .filter(|c| c.body["user"] == user && c.body["channel"] == CHANNEL)
            .map(|c| c.body)
            .collect();
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "no ephemeral message to {user}; calls: {:#?}",
        w.slack.calls()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_invite_opens_the_invite_modal_with_the_trigger_id() {
    let w = World::new().await;
    w.clear_sandbox_log().await;
    let (ack, response_url) = w.command(CAROL, "invite").await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""), "an empty ack");
    let view = opened(&w, 1, COMMAND_TRIGGER).await;
    assert_eq!(view["type"], "modal");
    assert_eq!(view["callback_id"], "invite");
    assert_eq!(
        block_ids(&view),
        [
            "email",
            "first",
            "last",
            "name",
            "title",
            "team",
            "role",
            "send_email",
            "overwrite"
        ]
    );
    let metadata: Value =
        serde_json::from_str(view["private_metadata"].as_str().expect("metadata")).expect("JSON");
    assert_eq!(metadata["channel"], CHANNEL);
    // Nothing to load for an invitation: no update, no Virbela call, no reply to post.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(w.slack.calls_to("/api/views.update").is_empty());
    assert!(w.slack.calls_to(&path_of(&response_url)).is_empty());
    assert!(w.sandbox_calls().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_bot_token_a_bare_invite_gets_the_help() {
    let w = World::without_bot_token().await;
    let (ack, _) = w.command(CAROL, "invite").await;
    assert_eq!(ack.status, 200);
    let text = message_text(&ack.json());
    assert!(
        text.contains("Typed alone, `invite` opens a form"),
        "the command's help: {text}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(w.slack.calls_to("/api/views.open").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_email_is_shown_on_its_field_then_the_corrected_invitation_is_sent() {
    let w = World::new().await;
    w.clear_sandbox_log().await;
    w.command(CAROL, "invite").await;
    let view = opened(&w, 1, COMMAND_TRIGGER).await;

    let refused = submit(&w, CAROL, &view, &[("email", "new.hire@"), ("team", "B")]).await;
    assert_eq!(refused.status, 200);
    let body = refused.json();
    assert_eq!(body["response_action"], "errors", "{body}");
    let errors = body["errors"].as_object().expect("errors");
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["email"], "{body}");
    assert!(
        errors["email"]
            .as_str()
            .is_some_and(|m| m.contains("not an e-mail address")),
        "{body}"
    );
    assert!(w.sandbox_calls().await.is_empty(), "nothing ran");

    let accepted = submit(
        &w,
        CAROL,
        &view,
        &[
            ("email", "new.hire@example.com"),
            ("first", "New"),
            ("last", "Hire"),
            ("team", "B"),
            ("overwrite", "true"),
        ],
    )
    .await;
    assert_eq!(
        (accepted.status, accepted.body.as_str()),
        (200, ""),
        "the modal closes"
    );
    let result = &ephemerals_to(&w, CAROL, 1).await[0];
    let text = message_text(result);
    assert!(text.contains("new.hire@example.com"), "{text}");
    assert_eq!(w.count_sandbox("POST /User/Invitation").await, 1);
    let (_, listed) = w.command(CAROL, "users pending").await;
    let pending = message_text(&w.slack.wait_for(&path_of(&listed), 1).await[0].body);
    assert!(pending.contains("new.hire@example.com"), "{pending}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_submitting_an_invite_form_is_refused_by_the_server() {
    let w = World::new().await;
    w.clear_sandbox_log().await;
    // Dave may not invite, so his bare `invite` gets the help saying so, not a modal.
    let (ack, _) = w.command(DAVE, "invite").await;
    assert!(
        message_text(&ack.json()).contains("operator"),
        "{}",
        ack.body
    );
    // A submission in his name (a modal opened for someone else, or forged) is refused.
    w.command(CAROL, "invite").await;
    let view = opened(&w, 1, COMMAND_TRIGGER).await;
    let answer = submit(&w, DAVE, &view, &[("email", "sneaky@example.com")]).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    let refusal = message_text(&ephemerals_to(&w, DAVE, 1).await[0]);
    assert!(refusal.contains("operator"), "{refusal}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(w.count_sandbox("POST /User/Invitation").await, 0);
    assert_eq!(w.slack.calls_to("/api/views.open").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_with_a_mismatching_email_is_refused_on_the_confirm_field() {
    let w = World::new().await;
    let (user_id, email) = w.member(&[]).await;
    w.command(CAROL, "delete").await;
    let view = opened(&w, 1, COMMAND_TRIGGER).await;
    assert_eq!(block_ids(&view), ["user", "reason", "confirm"]);
    // Opened first, then updated once the members are loaded.
    let updates = w.slack.wait_for("/api/views.update", 1).await;
    let updated = view_of(&updates[0]);
    assert!(
        updates[0].body["view_id"]
            .as_str()
            .is_some_and(|v| v.starts_with('V'))
            && updates[0].body["hash"].is_string(),
        "the opened view, guarded by its hash: {:?}",
        updates[0].body
    );
    assert!(
        message_text(&updated).contains("members on this campus"),
        "{updated}"
    );
    w.clear_sandbox_log().await;

    let options = suggest(&w, CAROL, "delete", "user", &email).await;
    assert_eq!(
        options["options"][0]["value"],
        user_id.as_str(),
        "{options}"
    );

    let refused = submit(
        &w,
        CAROL,
        &updated,
        &[
            ("user", &user_id),
            ("reason", "left the company"),
            ("confirm", "someone.else@example.com"),
        ],
    )
    .await;
    let body = refused.json();
    assert_eq!(body["response_action"], "errors", "{body}");
    assert!(
        body["errors"]["confirm"]
            .as_str()
            .is_some_and(|m| m.contains("not the e-mail address")),
        "{body}"
    );
    assert!(body["errors"].get("user").is_none(), "{body}");

    let accepted = submit(
        &w,
        CAROL,
        &updated,
        &[
            ("user", &user_id),
            ("reason", "left the company"),
            ("confirm", &email.to_uppercase()),
        ],
    )
    .await;
    assert_eq!((accepted.status, accepted.body.as_str()), (200, ""));
    let pending = message_text(&ephemerals_to(&w, CAROL, 1).await[0]);
    assert!(pending.to_lowercase().contains("approval"), "{pending}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls = w.sandbox_calls().await;
    assert!(
        calls.iter().all(|c| !c.starts_with("DELETE")),
        "nothing deleted before the approvals: {calls:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_room_search_answers_with_matching_rooms_and_the_report_follows() {
    let w = World::new().await;
    w.command(DAVE, "attendance").await;
    let view = opened(&w, 1, COMMAND_TRIGGER).await;
    assert_eq!(block_ids(&view), ["room", "from", "to"]);
    let room = view["blocks"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["block_id"] == "room"))
        .expect("room block");
    assert_eq!(room["element"]["type"], "external_select");
    let updated = view_of(&w.slack.wait_for("/api/views.update", 1).await[0]);
    assert!(
        message_text(&updated).contains("rooms on this campus"),
        "{updated}"
    );

    let found = suggest(&w, DAVE, "attendance", "room", "thea").await;
    let options = found["options"].as_array().expect("options");
    assert!(!options.is_empty(), "{found}");
    assert_eq!(options[0]["value"], "KJDfj5wOjA", "{found}");
    assert_eq!(options[0]["text"]["type"], "plain_text");
    assert!(options.iter().all(|o| {
        o["text"]["text"]
            .as_str()
            .is_some_and(|t| t.chars().count() <= 75)
    }));
    let all = suggest(&w, DAVE, "attendance", "room", "").await;
    let all = all["options"].as_array().expect("options").len();
    assert!((15..=100).contains(&all), "{all} rooms");
    let nothing = suggest(&w, DAVE, "attendance", "room", "no such room at all").await;
    assert_eq!(nothing, json!({"options": []}));
    // Nobody without a role searches anything.
    let outsider = suggest(&w, "UOUTSIDER", "attendance", "room", "thea").await;
    assert_eq!(outsider, json!({"options": []}));

    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Days::new(7), today - chrono::Days::new(1));
    let answer = submit(
        &w,
        DAVE,
        &updated,
        &[
            ("room", "KJDfj5wOjA"),
            ("from", &from.to_string()),
            ("to", &to.to_string()),
        ],
    )
    .await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    let report = w.slack.wait_for("/api/chat.postMessage", 1).await;
    let report = report
        .iter()
        .find(|c| c.body["channel"] == CHANNEL)
        .expect("the report in the channel");
    let text = message_text(&report.body);
    assert!(
        text.contains("Theater") && text.contains("Sessions"),
        "{text}"
    );
    let complete = w
        .slack
        .wait_for("/api/files.completeUploadExternal", 1)
        .await;
    assert_eq!(complete[0].body["channel_id"], CHANNEL);
}

/// `CAROL` asks to suspend a member; returns the request id from the reply's buttons.
async fn suspension_request(w: &World) -> String {
    let (_, email) = w.member(&[]).await;
    let (_, response_url) = w
        .command(CAROL, &format!("suspend {email} course ended"))
        .await;
    let posts = w.slack.wait_for(&path_of(&response_url), 1).await;
    button_value(&posts[0].body, "approval.deny").expect("a Deny button")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_asks_for_a_reason_and_the_reason_modal_denies_the_request() {
    let w = World::new().await;
    let id = suspension_request(&w).await;
    w.clear_sandbox_log().await;

    let click_url = w.slack.response_url();
    let ack = w.click(BOB, "approval.deny", &id, &click_url).await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""));
    let view = opened(&w, 1, CLICK_TRIGGER).await;
    assert_eq!(view["callback_id"], "deny_reason");
    assert_eq!(block_ids(&view), ["reason"]);
    assert!(
        view["title"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(&format!("#{id}"))),
        "{view}"
    );
    // The click itself decided nothing.
    let (_, shown) = w.command(DAVE, &format!("approvals show {id}")).await;
    let state = message_text(&w.slack.wait_for(&path_of(&shown), 1).await[0].body);
    assert!(state.contains("pending"), "{state}");

    let missing = submit(&w, BOB, &view, &[]).await.json();
    assert_eq!(missing["response_action"], "errors", "{missing}");
    assert!(missing["errors"]["reason"].is_string(), "{missing}");

    let answer = submit(&w, BOB, &view, &[("reason", "wrong member")]).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    let outcome = message_text(&ephemerals_to(&w, BOB, 1).await[0]);
    assert!(
        outcome.contains(&format!("Denied request #{id}")),
        "{outcome}"
    );

    let (_, shown) = w.command(DAVE, &format!("approvals show {id}")).await;
    let state = message_text(&w.slack.wait_for(&path_of(&shown), 1).await[0].body);
    assert!(
        state.contains("denied") && state.contains("wrong member"),
        "{state}"
    );
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 0);
    assert!(
        w.slack.calls_to(&path_of(&click_url)).is_empty(),
        "nothing posted to the click's response URL"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_by_someone_who_may_not_decide_opens_nothing_and_says_why() {
    let w = World::new().await;
    let id = suspension_request(&w).await;
    let url = w.slack.response_url();
    let ack = w.click(DAVE, "approval.deny", &id, &url).await;
    assert_eq!((ack.status, ack.body.as_str()), (200, ""));
    let posts = w.slack.wait_for(&path_of(&url), 1).await;
    assert_eq!(posts[0].body["response_type"], "ephemeral");
    assert!(message_text(&posts[0].body).contains("approver"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(w.slack.calls_to("/api/views.open").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_modal_and_unknown_views_are_acknowledged() {
    let w = World::new().await;
    let closed = json!({
        "type": "view_closed",
        "team": {"id": TEAM},
        "user": {"id": CAROL},
        "view": {"id": "V1", "callback_id": "invite", "private_metadata": "{\"form\":\"invite\"}"},
        "is_cleared": false
    });
    let answer = send_payload(&w, &closed).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    let foreign = json!({
        "type": "view_submission",
        "user": {"id": CAROL},
        "view": {"id": "V2", "callback_id": "something_else", "state": {"values": {}}}
    });
    let answer = send_payload(&w, &foreign).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, ""));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(w.slack.calls().is_empty(), "{:?}", w.slack.calls());
}
