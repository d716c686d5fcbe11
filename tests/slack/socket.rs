//! Socket Mode end to end: the real client ([`SocketMode`]) against a fake Slack that
//! answers `apps.connections.open` with a `ws://` URL of its own WebSocket server, sends
//! `hello` on every connection and lets each test send envelopes and read the acks. The
//! handlers behind it are the app's, over the seeded sandbox and the fake Web API.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use futures::{SinkExt, StreamExt};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use url::Url;
use virbela_bot::sandbox::SandboxControl;
use virbela_bot::slack::socket::{AppToken, SocketError, SocketMode, SocketOptions};

use crate::fake_slack::path_of;
use crate::fixtures::{app_mention, block_actions, slash_command};
use crate::world::{ALICE, BOB, CAROL, DAVE, World, button_value, message_text};

const APP_TOKEN: &str = "xapp-1-A0TEST-1-sockettokensecret";

/// How long a test waits for something the bot should do.
const PATIENCE: Duration = Duration::from_secs(10);

/// What the fake's `apps.connections.open` answers.
#[derive(Debug, Clone)]
enum OpenAnswer {
    /// A `ws://` URL of the fake WebSocket server.
    Url,
    /// `{"ok": false, "error": code}`.
    Error(&'static str),
    /// This error for the next `n` calls, then URLs.
    ErrorTimes(&'static str, usize),
}

/// When each `apps.connections.open` call came, and its `Authorization` header.
type OpenCalls = Arc<Mutex<Vec<(Instant, Option<String>)>>>;

#[derive(Clone)]
struct OpenState {
    ws_port: u16,
    answer: Arc<Mutex<OpenAnswer>>,
    calls: OpenCalls,
}

/// The fake Slack side of Socket Mode.
struct FakeSocketSlack {
    api_url: String,
    open: OpenState,
    connections: mpsc::UnboundedReceiver<Conn>,
}

/// One WebSocket connection the bot opened, seen from Slack's side.
struct Conn {
    /// The request path and query (`/link/?ticket=…`).
    target: String,
    to_bot: mpsc::UnboundedSender<Command>,
    from_bot: mpsc::UnboundedReceiver<Message>,
}

enum Command {
    Send(Value),
    /// Stop reading and writing (pings go unanswered), keeping the socket open.
    GoSilent,
}

impl FakeSocketSlack {
    async fn start(answer: OpenAnswer) -> FakeSocketSlack {
        let ws = TcpListener::bind("127.0.0.1:0").await.expect("bind ws");
        let ws_port = ws.local_addr().expect("addr").port();
        let (conn_tx, connections) = mpsc::unbounded_channel();
        tokio::spawn(accept_loop(ws, conn_tx));

        let open = OpenState {
            ws_port,
            answer: Arc::new(Mutex::new(answer)),
            calls: Arc::default(),
        };
        let api = TcpListener::bind("127.0.0.1:0").await.expect("bind api");
        let api_url = format!("http://{}/api/", api.local_addr().expect("addr"));
        let app = Router::new()
            .route("/api/apps.connections.open", post(connections_open))
            .with_state(open.clone());
        tokio::spawn(async move { axum::serve(api, app).await });
        FakeSocketSlack {
            api_url,
            open,
            connections,
        }
    }

    /// The next connection the bot opens.
    async fn next_conn(&mut self) -> Conn {
        tokio::time::timeout(PATIENCE, self.connections.recv())
            .await
            .expect("the bot connects")
            .expect("fake running")
    }

    fn open_calls(&self) -> Vec<(Instant, Option<String>)> {
        self.open.calls.lock().expect("calls").clone()
    }
}

async fn connections_open(State(open): State<OpenState>, headers: HeaderMap) -> axum::Json<Value> {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let n = {
        let mut calls = open.calls.lock().expect("calls");
        calls.push((Instant::now(), authorization));
        calls.len()
    };
    let answer = open.answer.lock().expect("answer").clone();
    let url = json!({
        "ok": true,
        "url": format!("ws://127.0.0.1:{}/link/?ticket=ticket-{n}&app_id=A0TEST", open.ws_port),
    });
    axum::Json(match answer {
        OpenAnswer::Url => url,
        OpenAnswer::Error(code) => json!({"ok": false, "error": code}),
        OpenAnswer::ErrorTimes(code, times) if n <= times => json!({"ok": false, "error": code}),
        OpenAnswer::ErrorTimes(..) => url,
    })
}

async fn accept_loop(listener: TcpListener, conns: mpsc::UnboundedSender<Conn>) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            return;
        };
        let target = Arc::new(Mutex::new(String::new()));
        let seen = target.clone();
        // The signature is tungstenite's (its error type is an HTTP response).
        #[allow(clippy::result_large_err)]
        let callback = move |request: &Request, response: Response| {
            *seen.lock().expect("target") = request.uri().to_string();
            Ok(response)
        };
        let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
            continue;
        };
        let (to_bot, mut commands) = mpsc::unbounded_channel::<Command>();
        let (frames_tx, from_bot) = mpsc::unbounded_channel();
        let target = target.lock().expect("target").clone();
        let _ = conns.send(Conn {
            target,
            to_bot,
            from_bot,
        });
        tokio::spawn(async move {
            let (mut sink, mut stream) = ws.split();
            let hello = json!({
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0TEST"}
            });
            if sink.send(Message::text(hello.to_string())).await.is_err() {
                return;
            }
            loop {
                tokio::select! {
                    command = commands.recv() => match command {
                        Some(Command::Send(frame)) => {
                            if sink.send(Message::text(frame.to_string())).await.is_err() {
                                return;
                            }
                        }
                        Some(Command::GoSilent) => {
                            // Hold the socket without reading: no pongs, no acks read.
                            tokio::time::sleep(Duration::from_secs(60)).await;
                            return;
                        }
                        None => return,
                    },
                    frame = stream.next() => match frame {
                        Some(Ok(frame)) => {
                            let _ = frames_tx.send(frame);
                        }
                        _ => {
                            return;
                        }
                    },
                }
            }
        });
    }
}

impl Conn {
    fn send(&self, frame: Value) {
        self.to_bot
            .send(Command::Send(frame))
            .expect("connection open");
    }

    fn go_silent(&self) {
        let _ = self.to_bot.send(Command::GoSilent);
    }

    /// The next text frame from the bot, as JSON (pings and pongs skipped).
    async fn next_text(&mut self) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.from_bot.recv())
                .await
                .expect("a frame from the bot in time")
                .expect("connection open");
            match frame {
                Message::Text(text) => return serde_json::from_str(text.as_str()).expect("JSON"),
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("expected a text frame, got {other:?}"),
            }
        }
    }

    /// Waits for the bot to close this connection (a close frame, or the end).
    async fn closed_by_bot(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.from_bot.recv()).await {
                Err(_) => return false,
                Ok(None) | Ok(Some(Message::Close(_))) => return true,
                Ok(Some(_)) => {}
            }
        }
    }
}

/// Timings short enough for tests.
fn quick() -> SocketOptions {
    SocketOptions {
        ping_every: Duration::from_secs(1),
        dead_after: Duration::from_secs(5),
        backoff_first: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(800),
        connect_timeout: Duration::from_secs(5),
        retire_after: Duration::from_millis(300),
        drain_grace: Duration::from_secs(2),
    }
}

/// The bot in Socket Mode against `fake`; stop it with the returned sender.
fn start_bot(
    w: &World,
    fake: &FakeSocketSlack,
    options: SocketOptions,
) -> (JoinHandle<Result<(), SocketError>>, watch::Sender<bool>) {
    let token = AppToken::new(SecretString::from(APP_TOKEN)).expect("app token");
    let api_url = Url::parse(&fake.api_url).expect("api url");
    let client = SocketMode::new(w.state.clone(), token, &api_url)
        .expect("client")
        .with_options(options)
        .expect("options");
    let (stop, stopped) = watch::channel(false);
    (tokio::spawn(client.run(stopped)), stop)
}

/// The JSON fields of a form body (a slash command's Socket Mode payload).
fn form_object(form: &str) -> Value {
    Value::Object(
        url::form_urlencoded::parse(form.as_bytes())
            .into_owned()
            .map(|(k, v)| (k, Value::from(v)))
            .collect(),
    )
}

fn slash_envelope(envelope_id: &str, user: &str, text: &str, response_url: &str) -> Value {
    json!({
        "type": "slash_commands",
        "envelope_id": envelope_id,
        "accepts_response_payload": true,
        "payload": form_object(&slash_command(user, text, response_url)),
    })
}

/// `user` types `/virbela {text}` on `conn`; returns the ack's payload.
async fn command(conn: &mut Conn, envelope_id: &str, user: &str, text: &str, url: &str) -> Value {
    conn.send(slash_envelope(envelope_id, user, text, url));
    let ack = conn.next_text().await;
    assert_eq!(ack["envelope_id"], envelope_id, "{ack}");
    ack["payload"].clone()
}

/// Stops the bot and checks it ends cleanly, closing `conn`.
async fn stop_bot(
    bot: JoinHandle<Result<(), SocketError>>,
    stop: watch::Sender<bool>,
    conn: &mut Conn,
) {
    stop.send_replace(true);
    let ended = tokio::time::timeout(PATIENCE, bot)
        .await
        .expect("stops in time")
        .expect("no panic");
    assert!(ended.is_ok(), "{ended:?}");
    assert!(
        conn.closed_by_bot(Duration::from_secs(3)).await,
        "closed on stop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_answered_in_the_ack_of_its_envelope() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Url).await;
    let (bot, stop) = start_bot(&w, &fake, quick());
    let mut conn = fake.next_conn().await;
    assert!(
        conn.target.starts_with("/link/?ticket=ticket-1"),
        "{}",
        conn.target
    );
    let calls = fake.open_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].1.as_deref(),
        Some(format!("Bearer {APP_TOKEN}").as_str()),
        "the app-level token in the Authorization header"
    );

    let response_url = w.slack.response_url();
    let payload = command(&mut conn, "env-help-1", DAVE, "help", &response_url).await;
    assert_eq!(payload["response_type"], "ephemeral", "{payload}");
    let text = message_text(&payload);
    assert!(
        text.contains("attendance") && text.contains("viewer"),
        "the help for a viewer: {text}"
    );
    assert!(payload["blocks"].as_array().is_some_and(|b| !b.is_empty()));

    // A command without a user is acknowledged (bare) and dropped.
    let mut fields = form_object(&slash_command(DAVE, "help", &response_url));
    fields.as_object_mut().expect("object").remove("user_id");
    conn.send(json!({"type": "slash_commands", "envelope_id": "env-bad-1",
        "accepts_response_payload": true, "payload": fields}));
    assert_eq!(conn.next_text().await, json!({"envelope_id": "env-bad-1"}));

    // Nothing was posted: the help was the ack (a users.info time-zone lookup is fine).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let posts: Vec<_> = w
        .slack
        .calls()
        .into_iter()
        .filter(|c| c.path != "/api/users.info")
        .collect();
    assert!(posts.is_empty(), "{posts:?}");
    stop_bot(bot, stop, &mut conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_command_is_acked_at_once_and_delivered_to_the_response_url() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Url).await;
    let (bot, stop) = start_bot(&w, &fake, quick());
    let mut conn = fake.next_conn().await;
    // Every Virbela call now takes 1.5 s: the ack must not wait for any.
    SandboxControl::new(w.sandbox.base_url())
        .post("faults", &json!({"latencyMs": 1500}))
        .await
        .expect("latency fault");

    let response_url = w.slack.response_url();
    let sent = Instant::now();
    let payload = command(
        &mut conn,
        "env-slow-1",
        ALICE,
        "attendance Theater last week",
        &response_url,
    )
    .await;
    let acked_in = sent.elapsed();
    assert!(
        acked_in < Duration::from_millis(1000),
        "acked in {acked_in:?}"
    );
    let working = message_text(&payload);
    assert!(
        working.contains("Fetching the attendance") && working.contains("Theater"),
        "{payload}"
    );
    assert!(
        w.slack.calls_to(&path_of(&response_url)).is_empty(),
        "the result comes after the ack"
    );

    let posts = w.slack.wait_for(&path_of(&response_url), 1).await;
    let report = &posts[0].body;
    assert_eq!(report["response_type"], "in_channel", "{report}");
    let text = message_text(report);
    assert!(
        text.contains("Theater") && text.contains("Sessions"),
        "{text}"
    );
    stop_bot(bot, stop, &mut conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_mention_is_processed_once() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Url).await;
    let (bot, stop) = start_bot(&w, &fake, quick());
    let mut conn = fake.next_conn().await;

    let event = app_mention("Ev0SOCKET1", DAVE, "<@U0BOT> help", "1700000000.000500");
    conn.send(json!({"type": "events_api", "envelope_id": "env-ev-1",
        "accepts_response_payload": false, "retry_attempt": 0, "payload": event}));
    assert_eq!(conn.next_text().await, json!({"envelope_id": "env-ev-1"}));
    conn.send(json!({"type": "events_api", "envelope_id": "env-ev-2",
        "accepts_response_payload": false, "retry_attempt": 1, "retry_reason": "timeout",
        "payload": event}));
    assert_eq!(conn.next_text().await, json!({"envelope_id": "env-ev-2"}));

    let posts = w.slack.wait_for("/api/chat.postEphemeral", 1).await;
    let post = &posts[0].body;
    assert_eq!(post["thread_ts"], "1700000000.000500");
    assert_eq!(post["user"], DAVE);
    assert!(message_text(post).contains("attendance"), "{post}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let answers: Vec<_> = w
        .slack
        .calls()
        .into_iter()
        .filter(|c| c.path.starts_with("/api/chat."))
        .collect();
    assert_eq!(answers.len(), 1, "processed once: {answers:#?}");
    stop_bot(bot, stop, &mut conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_approval_click_is_acked_empty_and_the_vote_runs_after() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Url).await;
    let (bot, stop) = start_bot(&w, &fake, quick());
    let mut conn = fake.next_conn().await;

    let (_, email) = w.member(&[]).await;
    let card_url = w.slack.response_url();
    command(
        &mut conn,
        "env-suspend-1",
        CAROL,
        &format!("suspend {email} course ended"),
        &card_url,
    )
    .await;
    let posts = w.slack.wait_for(&path_of(&card_url), 1).await;
    let id = button_value(&posts[0].body, "approval.approve").expect("an Approve button");
    w.clear_sandbox_log().await;

    let click_url = w.slack.response_url();
    let form = block_actions(BOB, "approval.approve", &id, &click_url);
    let payload: Value = serde_json::from_str(
        &url::form_urlencoded::parse(form.as_bytes())
            .into_owned()
            .find(|(k, _)| k == "payload")
            .expect("payload field")
            .1,
    )
    .expect("payload JSON");
    conn.send(json!({"type": "interactive", "envelope_id": "env-click-1",
        "accepts_response_payload": false, "payload": payload}));
    assert_eq!(
        conn.next_text().await,
        json!({"envelope_id": "env-click-1"}),
        "an empty ack"
    );

    let follow = w.slack.wait_for(&path_of(&click_url), 1).await;
    let text = message_text(&follow[0].body);
    assert!(text.contains("Suspended"), "{text}");
    assert_eq!(w.count_sandbox("POST /User/Membership/suspend").await, 1);
    stop_bot(bot, stop, &mut conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disconnect_opens_a_new_connection_before_the_old_one_closes() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Url).await;
    let options = SocketOptions {
        retire_after: Duration::from_secs(2),
        ..quick()
    };
    let (bot, stop) = start_bot(&w, &fake, options);
    let mut old = fake.next_conn().await;
    old.send(json!({"type": "disconnect", "reason": "refresh_requested",
        "debug_info": {"host": "applink-fake"}}));

    let mut new = fake.next_conn().await;
    assert_eq!(fake.open_calls().len(), 2, "apps.connections.open again");
    assert!(new.target.contains("ticket=ticket-2"), "{}", new.target);

    // The old connection still serves until it is retired…
    let url = w.slack.response_url();
    let payload = command(&mut old, "env-old-1", DAVE, "help", &url).await;
    assert!(message_text(&payload).contains("attendance"), "{payload}");
    // …the new one serves too…
    let payload = command(&mut new, "env-new-1", DAVE, "help", &url).await;
    assert!(message_text(&payload).contains("attendance"), "{payload}");
    // …and the bot closes the old one itself.
    assert!(
        old.closed_by_bot(Duration::from_secs(5)).await,
        "old closed"
    );
    let payload = command(&mut new, "env-new-2", DAVE, "help", &url).await;
    assert!(message_text(&payload).contains("attendance"), "{payload}");
    assert_eq!(fake.open_calls().len(), 2, "no other reconnection");
    stop_bot(bot, stop, &mut new).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_connection_is_reopened() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Url).await;
    let (bot, stop) = start_bot(&w, &fake, quick());
    let first = fake.next_conn().await;
    drop(first); // the fake drops the socket: the bot sees the link end
    let mut second = fake.next_conn().await;
    let url = w.slack.response_url();
    let payload = command(&mut second, "env-after-1", DAVE, "help", &url).await;
    assert!(message_text(&payload).contains("attendance"), "{payload}");
    assert_eq!(fake.open_calls().len(), 2);
    stop_bot(bot, stop, &mut second).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_link_is_detected_and_replaced() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Url).await;
    let options = SocketOptions {
        ping_every: Duration::from_millis(100),
        dead_after: Duration::from_millis(600),
        ..quick()
    };
    let (bot, stop) = start_bot(&w, &fake, options);
    let first = fake.next_conn().await;
    first.go_silent();
    let started = Instant::now();
    let mut second = fake.next_conn().await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "replaced after {:?}",
        started.elapsed()
    );
    let url = w.slack.response_url();
    let payload = command(&mut second, "env-alive-1", DAVE, "help", &url).await;
    assert!(message_text(&payload).contains("attendance"), "{payload}");
    stop_bot(bot, stop, &mut second).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_app_token_stops_with_a_clear_error_and_no_retry() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Error("invalid_auth")).await;
    let (bot, _stop) = start_bot(&w, &fake, quick());
    let ended = tokio::time::timeout(PATIENCE, bot)
        .await
        .expect("gives up at once")
        .expect("no panic");
    let error = ended.expect_err("a refused token is fatal").to_string();
    for words in [
        "SLACK_APP_TOKEN",
        "invalid_auth",
        "connections:write",
        "App-Level Tokens",
    ] {
        assert!(error.contains(words), "{words:?} missing: {error}");
    }
    assert!(
        !error.contains("sockettokensecret"),
        "the token leaked: {error}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.open_calls().len(), 1, "no retry loop");
    assert!(fake.connections.try_recv().is_err(), "no WebSocket opened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_kind_of_token_is_named() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::Error("not_allowed_token_type")).await;
    let (bot, _stop) = start_bot(&w, &fake, quick());
    let error = tokio::time::timeout(PATIENCE, bot)
        .await
        .expect("gives up at once")
        .expect("no panic")
        .expect_err("fatal")
        .to_string();
    assert!(error.contains("not_allowed_token_type"), "{error}");
    assert!(error.contains("not an app-level token"), "{error}");
    assert_eq!(fake.open_calls().len(), 1);
    assert!(fake.connections.try_recv().is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passing_failures_are_retried_with_growing_delays() {
    let w = World::new().await;
    let mut fake = FakeSocketSlack::start(OpenAnswer::ErrorTimes("internal_error", 3)).await;
    let (bot, stop) = start_bot(&w, &fake, quick());
    let mut conn = fake.next_conn().await;
    let calls = fake.open_calls();
    assert_eq!(calls.len(), 4, "three failures, then a connection");
    let gaps: Vec<Duration> = calls.windows(2).map(|w| w[1].0 - w[0].0).collect();
    // 100 ms doubled per failure, each with jitter in the upper half of its step.
    for (gap, least) in gaps.iter().zip([50, 100, 200]) {
        assert!(
            *gap >= Duration::from_millis(least),
            "gaps {gaps:?}: a tight loop"
        );
    }
    stop_bot(bot, stop, &mut conn).await;
}
