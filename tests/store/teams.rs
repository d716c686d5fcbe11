//! Tables `teams_conversation` and `teams_user`: upserts keep what a later activity does
//! not carry, a dead conversation comes back with its next upsert, and the refresh list.

use chrono::{DateTime, Duration, TimeZone, Utc};
use virbela_bot::store::teams_conversations::{self as conversations, ConversationRef};
use virbela_bot::store::teams_users::{self as users, TeamsUser};
use virbela_bot::store::{Db, Tx};

use crate::harness::{TestDb, on_both};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0)
        .single()
        .expect("time")
        + Duration::microseconds(123_456)
}

async fn begin(db: &Db) -> Tx {
    db.begin().await.expect("begin")
}

fn channel(name: Option<&str>, team: Option<&str>, at: DateTime<Utc>) -> ConversationRef {
    ConversationRef {
        conversation_id: "19:general@thread.tacv2".to_string(),
        service_url: "https://smba.trafficmanager.net/emea/".to_string(),
        tenant_id: "tenant-1".to_string(),
        conversation_type: "channel".to_string(),
        bot_id: "28:bot-app-id".to_string(),
        team_id: team.map(str::to_string),
        name: name.map(str::to_string),
        alive: true,
        dead_reason: None,
        updated_at: at,
    }
}

fn user(aad: &str, personal: Option<&str>, at: DateTime<Utc>) -> TeamsUser {
    TeamsUser {
        aad_object_id: aad.to_string(),
        user_id: format!("29:{aad}"),
        service_url: "https://smba.trafficmanager.net/emea/".to_string(),
        tenant_id: "tenant-1".to_string(),
        personal_conversation_id: personal.map(str::to_string),
        updated_at: at,
    }
}

on_both!(
    conversation_upsert_keeps_name_and_team,
    conversation_mark_dead_then_upsert_revives,
    user_upsert_keeps_the_personal_conversation,
    user_ids_are_listed_in_the_order_asked
);

async fn conversation_upsert_keeps_name_and_team(t: TestDb) {
    let mut tx = begin(&t.db).await;
    assert_eq!(
        conversations::get(&mut tx, "19:general@thread.tacv2")
            .await
            .expect("get"),
        None
    );
    let first = channel(Some("General"), Some("19:team@thread.tacv2"), t0());
    conversations::upsert(&mut tx, &first)
        .await
        .expect("insert");
    assert_eq!(
        conversations::get(&mut tx, &first.conversation_id)
            .await
            .expect("get"),
        Some(first.clone())
    );

    // A later activity without name or team, from another service URL.
    let mut later = channel(None, None, t0() + Duration::minutes(5));
    later.service_url = "https://smba.trafficmanager.net/amer/".to_string();
    conversations::upsert(&mut tx, &later)
        .await
        .expect("update");
    let stored = conversations::get(&mut tx, &later.conversation_id)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.service_url, later.service_url);
    assert_eq!(stored.updated_at, later.updated_at);
    assert_eq!(stored.name.as_deref(), Some("General"));
    assert_eq!(stored.team_id.as_deref(), Some("19:team@thread.tacv2"));

    // A new name replaces the old one.
    let renamed = channel(Some("Announcements"), None, t0() + Duration::minutes(6));
    conversations::upsert(&mut tx, &renamed)
        .await
        .expect("rename");
    let stored = conversations::get(&mut tx, &renamed.conversation_id)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.name.as_deref(), Some("Announcements"));
    assert_eq!(stored.team_id.as_deref(), Some("19:team@thread.tacv2"));

    // A thread's id with `;messageid=` names the channel's reference.
    let thread = "19:general@thread.tacv2;messageid=1732780000000";
    assert_eq!(
        conversations::get(&mut tx, thread).await.expect("get"),
        Some(stored)
    );
    assert_eq!(
        conversations::thread_root(thread),
        "19:general@thread.tacv2"
    );

    // Personal and group chats; other types are refused by the schema.
    let mut personal = channel(None, None, t0());
    personal.conversation_id = "a:1personal".to_string();
    personal.conversation_type = "personal".to_string();
    conversations::upsert(&mut tx, &personal)
        .await
        .expect("personal");
    let mut group = personal.clone();
    group.conversation_id = "19:group@thread.v2".to_string();
    group.conversation_type = "groupChat".to_string();
    conversations::upsert(&mut tx, &group).await.expect("group");
    assert_eq!(
        conversations::get(&mut tx, "a:1personal")
            .await
            .expect("get"),
        Some(personal)
    );
    tx.commit().await.expect("commit");

    let mut other = channel(None, None, t0());
    other.conversation_id = "x".to_string();
    other.conversation_type = "meeting".to_string();
    let mut tx = begin(&t.db).await;
    assert!(conversations::upsert(&mut tx, &other).await.is_err());
}

async fn conversation_mark_dead_then_upsert_revives(t: TestDb) {
    let mut tx = begin(&t.db).await;
    let id = "19:general@thread.tacv2";
    assert!(
        !conversations::mark_dead(&mut tx, id, "unknown", t0())
            .await
            .expect("mark unknown")
    );
    conversations::upsert(&mut tx, &channel(Some("General"), None, t0()))
        .await
        .expect("insert");
    let dead_at = t0() + Duration::hours(1);
    assert!(
        conversations::mark_dead(&mut tx, id, "BotNotInConversationRoster", dead_at)
            .await
            .expect("mark dead")
    );
    assert!(
        !conversations::mark_dead(&mut tx, id, "second reason", dead_at + Duration::hours(1))
            .await
            .expect("mark dead again")
    );
    let dead = conversations::get(&mut tx, id)
        .await
        .expect("get")
        .expect("stored");
    assert!(!dead.alive);
    assert_eq!(
        dead.dead_reason.as_deref(),
        Some("BotNotInConversationRoster")
    );
    assert_eq!(dead.updated_at, dead_at);
    assert_eq!(dead.name.as_deref(), Some("General"));

    // The bot is added back: the next activity's upsert revives it, whatever it says.
    let mut back = channel(None, None, t0() + Duration::hours(3));
    back.alive = false;
    back.dead_reason = Some("ignored".to_string());
    conversations::upsert(&mut tx, &back).await.expect("revive");
    let alive = conversations::get(&mut tx, id)
        .await
        .expect("get")
        .expect("stored");
    assert!(alive.alive);
    assert_eq!(alive.dead_reason, None);
    assert_eq!(alive.name.as_deref(), Some("General"));
    assert_eq!(alive.updated_at, back.updated_at);

    // Marked dead through a thread id.
    assert!(
        conversations::mark_dead(&mut tx, &format!("{id};messageid=42"), "gone", t0())
            .await
            .expect("mark by thread")
    );
    tx.commit().await.expect("commit");
}

async fn user_upsert_keeps_the_personal_conversation(t: TestDb) {
    let mut tx = begin(&t.db).await;
    assert_eq!(users::get(&mut tx, "aad-1").await.expect("get"), None);
    let known = user("aad-1", Some("a:1personal"), t0());
    users::upsert(&mut tx, &known).await.expect("insert");
    assert_eq!(
        users::get(&mut tx, "aad-1").await.expect("get"),
        Some(known.clone())
    );

    // Seen again in a channel: no personal conversation in that activity.
    let mut seen = user("aad-1", None, t0() + Duration::minutes(1));
    seen.user_id = "29:new-id".to_string();
    seen.service_url = "https://smba.trafficmanager.net/amer/".to_string();
    seen.tenant_id = "tenant-2".to_string();
    users::upsert(&mut tx, &seen).await.expect("update");
    let stored = users::get(&mut tx, "aad-1")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.user_id, "29:new-id");
    assert_eq!(stored.service_url, seen.service_url);
    assert_eq!(stored.tenant_id, "tenant-2");
    assert_eq!(stored.updated_at, seen.updated_at);
    assert_eq!(
        stored.personal_conversation_id.as_deref(),
        Some("a:1personal")
    );

    // A new personal conversation replaces the old one.
    users::upsert(&mut tx, &user("aad-1", Some("a:2personal"), t0()))
        .await
        .expect("new personal");
    let stored = users::get(&mut tx, "aad-1")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(
        stored.personal_conversation_id.as_deref(),
        Some("a:2personal")
    );

    assert!(
        users::forget_personal_conversation(&mut tx, "aad-1")
            .await
            .expect("forget")
    );
    assert!(
        !users::forget_personal_conversation(&mut tx, "aad-1")
            .await
            .expect("forget again")
    );
    assert!(
        !users::forget_personal_conversation(&mut tx, "nobody")
            .await
            .expect("forget unknown")
    );
    let stored = users::get(&mut tx, "aad-1")
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(stored.personal_conversation_id, None);
    assert_eq!(stored.user_id, "29:aad-1");
    tx.commit().await.expect("commit");
}

async fn user_ids_are_listed_in_the_order_asked(t: TestDb) {
    let mut tx = begin(&t.db).await;
    assert_eq!(
        users::list_user_ids(&mut tx, &[]).await.expect("empty"),
        Vec::<(String, String)>::new()
    );
    for i in 0..150 {
        users::upsert(&mut tx, &user(&format!("aad-{i:03}"), None, t0()))
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");

    let mut tx = t.db.begin_read().await.expect("begin read");
    let asked = vec![
        "aad-007".to_string(),
        "unknown".to_string(),
        "aad-002".to_string(),
        "aad-007".to_string(),
    ];
    assert_eq!(
        users::list_user_ids(&mut tx, &asked).await.expect("list"),
        vec![
            ("aad-007".to_string(), "29:aad-007".to_string()),
            ("aad-002".to_string(), "29:aad-002".to_string()),
        ]
    );
    // More than one `IN` list's worth, in reverse.
    let many: Vec<String> = (0..160).rev().map(|i| format!("aad-{i:03}")).collect();
    let listed = users::list_user_ids(&mut tx, &many)
        .await
        .expect("list many");
    assert_eq!(listed.len(), 150);
    assert_eq!(listed[0].0, "aad-149");
    assert_eq!(
        listed[149],
        ("aad-000".to_string(), "29:aad-000".to_string())
    );
    tx.commit().await.expect("commit");
}
