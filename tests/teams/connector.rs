//! The outbound connector against the fake connector and token service: the app token
//! (cached, single flight, refreshed after a 401 and before expiry, refusals explained
//! without the secret), the host allow-list, path encoding, retries and their delays,
//! errors and `is_gone`, and broadcasts paced within Teams' limits.
//!
//! Tests that look at time share a [`ManualTimer`] between the connector and the fake:
//! [`drive`] moves it only when every task is asleep on it, so no request is in flight
//! when time moves and the instants the fake records are the instants the throttle chose
//! (a paused tokio clock would also jump while a request is on the wire).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use url::Url;
use virbela_bot::teams::connector::{Connector, ConnectorError, ManualTimer, Timer};

use super::fake_connector::{APP_ID, APP_PASSWORD, FakeConnector, SCOPE};

fn message(text: &str) -> Value {
    json!({"type": "message", "text": text})
}

async fn manual() -> (FakeConnector, Connector, ManualTimer) {
    let timer = ManualTimer::new();
    let fake = FakeConnector::start_with_timer(Arc::new(timer.clone())).await;
    let connector = fake.connector_with_timer(Arc::new(timer.clone()));
    (fake, connector, timer)
}

/// Runs `tasks` to the end, moving `timer` to its next deadline whenever every unfinished
/// task sleeps on it (never while a request is in flight).
async fn drive<T: Send + 'static>(timer: &ManualTimer, tasks: Vec<JoinHandle<T>>) -> Vec<T> {
    loop {
        let remaining = tasks.iter().filter(|t| !t.is_finished()).count();
        if remaining == 0 {
            break;
        }
        if timer.sleepers() >= remaining {
            timer.advance_to_next();
        } else {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.expect("task"));
    }
    out
}

/// One send driven to the end on the manual timer.
async fn send_driven(
    timer: &ManualTimer,
    connector: &Connector,
    url: &Url,
    conversation: &str,
) -> Result<virbela_bot::teams::connector::Sent, ConnectorError> {
    let (connector, url, conversation) = (connector.clone(), url.clone(), conversation.to_owned());
    let task =
        tokio::spawn(async move { connector.send(&url, &conversation, &message("hi")).await });
    drive(timer, vec![task]).await.remove(0)
}

/// The largest number of instants inside any window `[t, t + d)`.
fn busiest(stamps: &[Instant], d: Duration) -> usize {
    let mut sorted = stamps.to_vec();
    sorted.sort();
    (0..sorted.len())
        .map(|i| {
            sorted[i..]
                .iter()
                .take_while(|t| **t < sorted[i] + d)
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn gaps(fake: &FakeConnector) -> Vec<Duration> {
    let calls = fake.calls();
    calls.windows(2).map(|w| w[1].at - w[0].at).collect()
}

// ---- the app token -------------------------------------------------------------------

#[tokio::test]
async fn the_token_is_fetched_once_with_client_credentials_and_reused() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    for i in 0..3 {
        connector
            .send(&fake.url, "a:1", &message(&format!("m{i}")))
            .await
            .unwrap();
    }
    assert_eq!(fake.token_requests(), 1);
    let form = &fake.token_forms()[0];
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], APP_ID);
    assert_eq!(form["client_secret"], APP_PASSWORD);
    assert_eq!(form["scope"], SCOPE);
    let calls = fake.calls();
    assert_eq!(calls.len(), 3);
    assert!(
        calls
            .iter()
            .all(|c| c.authorization.as_deref() == Some("Bearer tok-1") && c.status == 201)
    );
    assert_eq!(calls[2].body, message("m2"));
}

#[tokio::test]
async fn concurrent_first_calls_fetch_one_token() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    let sends = (0..20).map(|i| {
        let (connector, url) = (connector.clone(), fake.url.clone());
        async move {
            connector
                .send(&url, &format!("a:{i}"), &message("hi"))
                .await
        }
    });
    let results = futures::future::join_all(sends).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(fake.token_requests(), 1);
    assert_eq!(fake.calls().len(), 20);
}

#[tokio::test]
async fn a_401_forces_one_refresh_and_one_retry() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    connector
        .send(&fake.url, "a:1", &message("one"))
        .await
        .unwrap();
    fake.expire_tokens();
    let sent = connector
        .send(&fake.url, "a:1", &message("two"))
        .await
        .unwrap();
    assert_eq!(sent.id.as_deref(), Some("act-2"));
    let calls = fake.calls();
    let seen: Vec<(u16, Option<&str>)> = calls
        .iter()
        .map(|c| (c.status, c.authorization.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            (201, Some("Bearer tok-1")),
            (401, Some("Bearer tok-1")),
            (201, Some("Bearer tok-2")),
        ]
    );
    assert_eq!(fake.token_requests(), 2);
    // The new token is cached too.
    connector
        .send(&fake.url, "a:1", &message("three"))
        .await
        .unwrap();
    assert_eq!(fake.token_requests(), 2);
}

#[tokio::test]
async fn a_second_401_is_not_retried() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    let unauthorized = json!({"error": {"code": "BotNotRegistered", "message": "no such bot"}});
    fake.fail_next(401, None, Some(unauthorized.clone()));
    fake.fail_next(401, None, Some(unauthorized));
    let err = connector
        .send(&fake.url, "a:1", &message("hi"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("BotNotRegistered"));
    assert!(!err.is_gone());
    assert_eq!(fake.calls().len(), 2);
    assert_eq!(fake.token_requests(), 2);
}

#[tokio::test]
async fn the_token_is_renewed_five_minutes_before_it_expires() {
    let (fake, connector, timer) = manual().await;
    connector
        .send(&fake.url, "a:1", &message("1"))
        .await
        .unwrap();
    timer.advance(Duration::from_secs(3600 - 300 - 1));
    connector
        .send(&fake.url, "a:1", &message("2"))
        .await
        .unwrap();
    assert_eq!(fake.token_requests(), 1);
    timer.advance(Duration::from_secs(2));
    connector
        .send(&fake.url, "a:1", &message("3"))
        .await
        .unwrap();
    assert_eq!(fake.token_requests(), 2);
    let auth: Vec<_> = fake
        .calls()
        .into_iter()
        .map(|c| c.authorization.unwrap_or_default())
        .collect();
    assert_eq!(auth, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn refused_credentials_are_explained_without_the_secret() {
    let fake = FakeConnector::start().await;
    let mut settings = fake.settings();
    let wrong = "wrong-secret-value-42";
    settings.app_password = secrecy::SecretString::from(wrong);
    let connector = Connector::new(settings);
    let err = connector
        .send(&fake.url, "a:1", &message("hi"))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::Token(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("AADSTS7000215"), "{text}");
    assert!(text.contains("TEAMS_APP_PASSWORD"), "{text}");
    assert!(
        !text.contains(wrong) && !format!("{err:?}").contains(wrong),
        "{text}"
    );
    assert!(fake.calls().is_empty(), "nothing sent without a token");

    // An answer that echoes the secret has it removed.
    let fake = FakeConnector::start().await;
    fake.fail_next_token(
        401,
        json!({"error": "invalid_client", "error_description": format!("AADSTS7000222: The provided client secret keys are expired: {APP_PASSWORD}\r\nTrace ID: 1")}),
    );
    let err = fake
        .connector()
        .send(&fake.url, "a:1", &message("hi"))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("AADSTS7000222") && text.contains("expired"),
        "{text}"
    );
    assert!(!text.contains(APP_PASSWORD), "{text}");
}

// ---- hosts and paths -----------------------------------------------------------------

#[tokio::test]
async fn hosts_outside_the_allow_list_get_no_request_and_no_token() {
    let fake = FakeConnector::start().await;
    let mut settings = fake.settings();
    settings.extra_hosts.clear();
    let strict = Connector::new(settings);
    assert!(!strict.host_allowed(&fake.url));
    let err = strict
        .send(&fake.url, "a:1", &message("hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::HostNotAllowed(h) if h == "127.0.0.1"),
        "{err:?}"
    );

    let connector = fake.connector();
    for url in [
        "https://evil.example.com/amer/",
        "http://smba.trafficmanager.net/amer/",
        "https://smba.trafficmanager.net.evil.example/",
    ] {
        let url = Url::parse(url).unwrap();
        assert!(!connector.host_allowed(&url), "{url}");
        let err = connector
            .create_conversation(&url, &json!({"members": [{"id": "29:u"}]}))
            .await
            .unwrap_err();
        assert!(matches!(err, ConnectorError::HostNotAllowed(_)), "{err:?}");
        let err = connector
            .update(&url, "a:1", "act-1", &message("x"))
            .await
            .unwrap_err();
        assert!(matches!(err, ConnectorError::HostNotAllowed(_)), "{err:?}");
    }
    assert!(connector.host_allowed(&Url::parse("https://smba.trafficmanager.net/amer/").unwrap()));
    assert_eq!(fake.token_requests(), 0);
    assert!(fake.calls().is_empty());
}

#[tokio::test]
async fn conversation_ids_with_messageid_stay_one_segment() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    let thread = "19:abc@thread.tacv2;messageid=1";
    connector
        .send(&fake.url, thread, &message("a"))
        .await
        .unwrap();
    connector
        .reply(&fake.url, thread, "1:reply/to?x", &message("b"))
        .await
        .unwrap();
    // serviceUrl without the trailing slash works the same.
    let bare = Url::parse(fake.url.as_str().trim_end_matches('/')).unwrap();
    connector
        .update(&bare, thread, "act-1", &message("c"))
        .await
        .unwrap();
    connector.delete(&bare, thread, "act-1").await.unwrap();
    let calls = fake.calls();
    let seen: Vec<(&str, &str, u16)> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.path.as_str(), c.status))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "POST",
                "/v3/conversations/19:abc@thread.tacv2;messageid=1/activities",
                201
            ),
            (
                "POST",
                "/v3/conversations/19:abc@thread.tacv2;messageid=1/activities/1:reply/to?x",
                201
            ),
            (
                "PUT",
                "/v3/conversations/19:abc@thread.tacv2;messageid=1/activities/act-1",
                200
            ),
            (
                "DELETE",
                "/v3/conversations/19:abc@thread.tacv2;messageid=1/activities/act-1",
                200
            ),
        ]
    );
    assert_eq!(
        calls[1].raw_path,
        "/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1/activities/1%3Areply%2Fto%3Fx"
    );
    assert_eq!(calls[1].conversation(), Some(thread));
}

#[tokio::test]
async fn operations_return_the_connector_ids() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    let first = connector
        .send(&fake.url, "a:1", &message("a"))
        .await
        .unwrap();
    let second = connector
        .reply(&fake.url, "a:1", "act-1", &message("b"))
        .await
        .unwrap();
    assert_eq!(first.id.as_deref(), Some("act-1"));
    assert_eq!(second.id.as_deref(), Some("act-2"));
    let card = json!({"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {"type": "AdaptiveCard", "version": "1.5"}}]});
    connector
        .update(&fake.url, "a:1", "act-1", &card)
        .await
        .unwrap();
    let created = connector
        .create_conversation(
            &fake.url,
            &json!({"bot": {"id": format!("28:{APP_ID}")}, "members": [{"id": "29:u"}], "channelData": {"tenant": {"id": "t"}}}),
        )
        .await
        .unwrap();
    assert_eq!(created.id, "a:conv-1");
    assert_eq!(created.activity_id, None);
    let thread = connector
        .create_conversation(
            &fake.url,
            &json!({"isGroup": true, "channelData": {"channel": {"id": "19:c@thread.tacv2"}}, "activity": message("new thread")}),
        )
        .await
        .unwrap();
    assert_eq!(thread.id, "a:conv-2");
    assert_eq!(thread.activity_id.as_deref(), Some("act-3"));
    let puts = fake.calls_to("PUT", "/v3/conversations/a:1/activities/act-1");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].body, card);
    assert_eq!(fake.calls_to("POST", "/v3/conversations").len(), 4);
    assert_eq!(fake.activities_in("a:1").len(), 2);
}

// ---- retries and errors --------------------------------------------------------------

#[tokio::test]
async fn retry_after_is_honoured() {
    let (fake, connector, timer) = manual().await;
    fake.fail_next(429, Some(1), None);
    fake.fail_next(429, Some(3), None);
    let sent = send_driven(&timer, &connector, &fake.url, "a:1")
        .await
        .unwrap();
    assert_eq!(sent.id.as_deref(), Some("act-1"));
    let statuses: Vec<u16> = fake.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [429, 429, 201]);
    assert_eq!(
        gaps(&fake),
        [Duration::from_secs(1), Duration::from_secs(3)]
    );
}

#[tokio::test]
async fn a_retry_after_too_long_is_returned_to_the_caller() {
    let (fake, connector, timer) = manual().await;
    fake.fail_next(429, Some(300), None);
    let err = send_driven(&timer, &connector, &fake.url, "a:1")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert!(
        matches!(err, ConnectorError::Api { retry_after: Some(d), .. } if d == Duration::from_secs(300))
    );
    assert_eq!(fake.calls().len(), 1);
}

#[tokio::test]
async fn transient_statuses_are_retried_with_backoff() {
    for status in [412, 502, 503, 504] {
        let (fake, connector, timer) = manual().await;
        fake.fail_next(status, None, None);
        send_driven(&timer, &connector, &fake.url, "a:1")
            .await
            .unwrap();
        let statuses: Vec<u16> = fake.calls().iter().map(|c| c.status).collect();
        assert_eq!(statuses, [status, 201]);
        let gap = gaps(&fake)[0];
        assert!(
            gap >= Duration::from_millis(800) && gap <= Duration::from_millis(1200),
            "{status}: {gap:?}"
        );
    }

    // Three retries at about 1, 2 and 4 s, then the error.
    let (fake, connector, timer) = manual().await;
    for _ in 0..4 {
        fake.fail_next(
            503,
            None,
            Some(json!({"error": {"code": "ServiceUnavailable", "message": "busy"}})),
        );
    }
    let err = send_driven(&timer, &connector, &fake.url, "a:1")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.code(), Some("ServiceUnavailable"));
    assert_eq!(fake.calls().len(), 4);
    for (gap, secs) in gaps(&fake).into_iter().zip([1.0, 2.0, 4.0]) {
        let gap = gap.as_secs_f64();
        assert!(
            gap >= secs * 0.8 - 1e-6 && gap <= secs * 1.2 + 1e-6,
            "{gap} vs {secs}"
        );
    }
}

#[tokio::test]
async fn other_statuses_fail_at_once_with_code_message_and_operation_id() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    for (status, code) in [
        (400, "BadArgument"),
        (403, "NotEnoughPermissions"),
        (404, "ActivityNotFoundInConversation"),
        (413, "MessageSizeTooBig"),
        (500, "InternalServerError"),
    ] {
        fake.clear_calls();
        fake.fail_next_with_code(status, code);
        let err = connector
            .send(&fake.url, "a:1", &message("hi"))
            .await
            .unwrap_err();
        assert_eq!(fake.calls().len(), 1, "{status} must not be retried");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.code(), Some(code));
        assert!(err.operation_id().is_some_and(|op| op.starts_with("op-")));
        assert!(!err.is_gone(), "{status} {code}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("{status} {code}: fake {code}")),
            "{text}"
        );
        assert!(
            text.contains("/v3/conversations/a%3A1/activities"),
            "{text}"
        );
    }
    // A 500 without a JSON body is not retried either.
    fake.clear_calls();
    fake.fail_next(500, None, None);
    let err = connector
        .send(&fake.url, "a:1", &message("hi"))
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(500), None));
    assert_eq!(fake.calls().len(), 1);
}

#[tokio::test]
async fn dead_conversations_are_recognised() {
    let fake = FakeConnector::start().await;
    let connector = fake.connector();
    for (status, code, gone) in [
        (403, "BotNotInConversationRoster", true),
        (403, "ConversationBlockedByUser", true),
        (404, "ConversationNotFound", true),
        (404, "ActivityNotFoundInConversation", false),
    ] {
        fake.fail_next_with_code(status, code);
        let err = connector
            .update(&fake.url, "a:1", "act-9", &message("x"))
            .await
            .unwrap_err();
        assert_eq!(err.is_gone(), gone, "{status} {code}");
    }
    fake.fail_next(
        403,
        None,
        Some(json!({"error": {"code": "Forbidden", "subCode": "MessageWritesBlocked", "message": "blocked"}})),
    );
    let err = connector
        .create_conversation(&fake.url, &json!({"members": [{"id": "29:u"}]}))
        .await
        .unwrap_err();
    assert!(err.is_gone(), "{err}");
}

#[tokio::test]
async fn logs_never_carry_the_token_or_the_password() {
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (fake, connector, timer) = manual().await;
    fake.fail_next(429, Some(1), None);
    send_driven(&timer, &connector, &fake.url, "a:1")
        .await
        .unwrap();
    fake.expire_tokens();
    send_driven(&timer, &connector, &fake.url, "a:1")
        .await
        .unwrap();
    fake.fail_next_with_code(403, "BotNotInConversationRoster");
    send_driven(&timer, &connector, &fake.url, "a:1")
        .await
        .unwrap_err();
    fake.fail_next_token(401, json!({"error": "invalid_client"}));
    fake.expire_tokens();
    send_driven(&timer, &connector, &fake.url, "a:1")
        .await
        .unwrap_err();

    let logs = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("op-"), "operation ids are logged: {logs}");
    assert!(
        logs.contains("/v3/conversations/a%3A1/activities"),
        "{logs}"
    );
    assert!(!logs.contains("tok-"), "{logs}");
    assert!(!logs.contains(APP_PASSWORD), "{logs}");
    assert!(!logs.to_ascii_lowercase().contains("bearer"), "{logs}");
}

// ---- broadcasts ----------------------------------------------------------------------

#[tokio::test]
async fn a_broadcast_to_one_conversation_stays_within_its_limits() {
    let (fake, connector, timer) = manual().await;
    let start = timer.now();
    let tasks = (0..200)
        .map(|i| {
            let (connector, url) = (connector.clone(), fake.url.clone());
            tokio::spawn(async move {
                connector
                    .send(&url, "19:general@thread.tacv2", &message(&format!("#{i}")))
                    .await
            })
        })
        .collect();
    let results = drive(&timer, tasks).await;
    assert!(results.iter().all(Result::is_ok));
    let calls = fake.calls();
    assert_eq!(calls.len(), 200);
    let stamps: Vec<Instant> = calls.iter().map(|c| c.at).collect();
    assert_eq!(busiest(&stamps, Duration::from_secs(1)), 7);
    assert_eq!(busiest(&stamps, Duration::from_secs(2)), 8);
    assert_eq!(busiest(&stamps, Duration::from_secs(30)), 60);
    // Every message went out, and no slower than the limits require.
    let span = stamps.iter().max().unwrap().duration_since(start);
    assert!(
        span >= Duration::from_secs(90) && span <= Duration::from_secs(100),
        "{span:?}"
    );
    let mut ids: Vec<String> = calls.iter().filter_map(|c| c.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200, "activity ids are unique");
}

#[tokio::test]
async fn a_broadcast_to_200_conversations_stays_within_the_global_ceiling() {
    let (fake, connector, timer) = manual().await;
    let start = timer.now();
    let tasks = (0..200)
        .map(|i| {
            let (connector, url) = (connector.clone(), fake.url.clone());
            tokio::spawn(async move {
                connector
                    .send(&url, &format!("a:user-{i}"), &message("report"))
                    .await
            })
        })
        .collect();
    let results = drive(&timer, tasks).await;
    assert!(results.iter().all(Result::is_ok));
    let calls = fake.calls();
    assert_eq!(calls.len(), 200);
    let stamps: Vec<Instant> = calls.iter().map(|c| c.at).collect();
    assert_eq!(busiest(&stamps, Duration::from_secs(1)), 50);
    let span = stamps.iter().max().unwrap().duration_since(start);
    assert_eq!(span, Duration::from_secs(3));
    assert_eq!(fake.token_requests(), 1);
}

#[tokio::test]
async fn retries_take_throttle_slots_too() {
    let (fake, connector, timer) = manual().await;
    // Seven sends fill the first second; a 429 with Retry-After: 0 must still wait for a slot.
    fake.fail_next(429, Some(0), None);
    let tasks = (0..7)
        .map(|_| {
            let (connector, url) = (connector.clone(), fake.url.clone());
            tokio::spawn(async move { connector.send(&url, "a:1", &message("x")).await })
        })
        .collect();
    let results = drive(&timer, tasks).await;
    assert!(results.iter().all(Result::is_ok));
    let stamps: Vec<Instant> = fake.calls().iter().map(|c| c.at).collect();
    assert_eq!(stamps.len(), 8);
    assert_eq!(busiest(&stamps, Duration::from_secs(1)), 7);
}
