//! A Slack app under test: the seeded sandbox, a SQLite store in a temp dir with alice
//! admin, bob approver, carol operator and dave viewer (as Slack users), the bot, the
//! Slack router on an ephemeral port with a clock tests can move, and the fake Slack.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use futures::TryStreamExt;
use secrecy::SecretString;
use serde_json::Value;
use url::Url;
use virbela_bot::access::{Access, Principal, Role, Subject};
use virbela_bot::approvals::ApprovalSettings;
use virbela_bot::config::{DatabaseUrl, SlackSettings};
use virbela_bot::core::{Bot, BotParts};
use virbela_bot::policy::Policy;
use virbela_bot::sandbox::{self, RunningSandbox, SandboxControl, SandboxOptions};
use virbela_bot::slack::http::{SlackState, router};
use virbela_bot::store::Db;
use virbela_bot::virbela::{ClientOptions, VirbelaClient};

use crate::fake_slack::FakeSlack;
use crate::fixtures::{SIGNING_SECRET, Signed};

pub const ALICE: &str = "UALICE";
pub const BOB: &str = "UBOB";
pub const CAROL: &str = "UCAROL";
pub const DAVE: &str = "UDAVE";

/// The time the app's clock is fixed at; requests are signed for it.
pub const NOW: i64 = 1_750_000_000;

const ROOT: &str = "console:root";

/// The channel approval cards go to.
pub const APPROVALS_CHANNEL: &str = "C0APPROVALS";

pub struct World {
    pub slack: FakeSlack,
    /// The bot behind the app (sweeps, direct checks).
    pub bot: Bot,
    pub sandbox: RunningSandbox,
    pub client: VirbelaClient,
    pub app: String,
    http: reqwest::Client,
    /// The app's clock (unix seconds): requests are signed for it; `advance_clock` moves it.
    clock: Arc<AtomicI64>,
    /// The app's state, shared by the HTTP routes and a Socket Mode client in tests.
    pub state: SlackState,
    _dir: tempfile::TempDir,
}

/// What the app answered.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

impl World {
    /// With a bot token (files and mentions work).
    pub async fn new() -> World {
        World::build(true).await
    }

    pub async fn without_bot_token() -> World {
        World::build(false).await
    }

    /// With approval requests expiring `ttl` after they are made.
    pub async fn with_approval_ttl(ttl: chrono::TimeDelta) -> World {
        World::build_with(
            true,
            ApprovalSettings {
                ttl,
                ..ApprovalSettings::default()
            },
        )
        .await
    }

    async fn build(bot_token: bool) -> World {
        World::build_with(bot_token, ApprovalSettings::default()).await
    }

    async fn build_with(bot_token: bool, approval_settings: ApprovalSettings) -> World {
        let slack = FakeSlack::start().await;
        let options = SandboxOptions::default();
        let sandbox = sandbox::spawn(options.clone(), "127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("sandbox");
        let client = VirbelaClient::new(
            options.campus(&sandbox.base_url()).expect("sandbox campus"),
            ClientOptions::default(),
        )
        .expect("client");
        let dir = tempfile::tempdir().expect("temp dir");
        let url = DatabaseUrl::parse(&format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("store.db").display()
        ))
        .expect("sqlite URL");
        let db = Db::open(&url).await.expect("store");
        let access = Access::new(&[ROOT.to_owned()]).expect("access");
        for (user, role) in [
            (ALICE, Role::Admin),
            (BOB, Role::Approver),
            (CAROL, Role::Operator),
            (DAVE, Role::Viewer),
        ] {
            let subject: Subject = format!("slack:{user}").parse().expect("subject");
            let root: Principal = ROOT.parse().expect("root");
            access
                .grant(&db, &root, &subject, role)
                .await
                .expect("grant");
        }
        let bot = Bot::new(BotParts {
            virbela: client.clone(),
            db: db.clone(),
            access,
            policy: Policy::default(),
            approval_settings,
            default_timezone: chrono_tz::UTC,
        });
        let settings = SlackSettings {
            signing_secret: Some(SecretString::from(SIGNING_SECRET)),
            bot_token: bot_token.then(|| SecretString::from("xoxb-test-token")),
            app_token: None,
            api_url: Url::parse(&slack.api_url()).expect("api url"),
            approvals_channel: Some(APPROVALS_CHANNEL.to_owned()),
        };
        let clock = Arc::new(AtomicI64::new(NOW));
        let app_clock = clock.clone();
        let state = SlackState::new(bot.clone(), db, &settings)
            .expect("state")
            .with_clock(Arc::new(move || app_clock.load(Ordering::SeqCst)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind app");
        let app = format!("http://{}", listener.local_addr().expect("addr"));
        let routes = router(state.clone());
        tokio::spawn(async move { axum::serve(listener, routes).await });
        World {
            slack,
            bot,
            sandbox,
            client,
            app,
            http: reqwest::Client::new(),
            clock,
            state,
            _dir: dir,
        }
    }

    /// Sends a signed (or deliberately mis-signed) request to `path`.
    pub async fn send(&self, path: &str, request: Signed) -> Answer {
        let mut builder = self
            .http
            .post(format!("{}{path}", self.app))
            .header("content-type", request.content_type)
            .body(request.body);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        let response = builder.send().await.expect("send");
        Answer {
            status: response.status().as_u16(),
            body: response.text().await.expect("body"),
        }
    }

    /// `user` types `/virbela {text}`; returns the ack and the command's response URL.
    pub async fn command(&self, user: &str, text: &str) -> (Answer, String) {
        let response_url = self.slack.response_url();
        let body = crate::fixtures::slash_command(user, text, &response_url);
        let answer = self
            .send("/slack/commands", Signed::form(body, self.now()))
            .await;
        (answer, response_url)
    }

    /// `user` clicks the button `action_id` with `value` on a message whose response URL
    /// is `response_url`.
    pub async fn click(
        &self,
        user: &str,
        action_id: &str,
        value: &str,
        response_url: &str,
    ) -> Answer {
        let body = crate::fixtures::block_actions(user, action_id, value, response_url);
        self.send("/slack/interactions", Signed::form(body, self.now()))
            .await
    }

    /// API calls the sandbox received (`METHOD /path`).
    pub async fn sandbox_calls(&self) -> Vec<String> {
        SandboxControl::new(self.sandbox.base_url())
            .call_lines()
            .await
            .expect("sandbox log")
    }

    pub async fn count_sandbox(&self, call: &str) -> usize {
        self.sandbox_calls()
            .await
            .iter()
            .filter(|c| *c == call)
            .count()
    }

    pub async fn clear_sandbox_log(&self) {
        SandboxControl::new(self.sandbox.base_url())
            .delete("log")
            .await
            .expect("clear");
    }

    /// An accepted, not suspended member of the seeded campus other than `skip`: (user
    /// id, email).
    pub async fn member(&self, skip: &[&str]) -> (String, String) {
        let users: Vec<_> = self.client.users().try_collect().await.expect("users");
        let u = users
            .iter()
            .find(|u| !u.is_suspended() && u.email.as_deref().is_some_and(|e| !skip.contains(&e)))
            .expect("a member");
        (u.user_id.to_string(), u.email.clone().expect("email"))
    }
}

/// All the text of a Slack message JSON (fallback text and every block's text), for
/// assertions.
pub fn message_text(message: &Value) -> String {
    let mut out = String::new();
    collect_text(message, &mut out);
    out
}

fn collect_text(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| collect_text(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_text(v, out)),
        _ => {}
    }
}

/// The `value` of the button `action_id` in a Block Kit message.
pub fn button_value(message: &Value, action_id: &str) -> Option<String> {
    match message {
        Value::Object(map) => {
            if map.get("action_id").and_then(Value::as_str) == Some(action_id) {
                return map.get("value").and_then(Value::as_str).map(str::to_owned);
            }
            map.values().find_map(|v| button_value(v, action_id))
        }
        Value::Array(items) => items.iter().find_map(|v| button_value(v, action_id)),
        _ => None,
    }
}

impl World {
    /// The app's clock (unix seconds; [`NOW`] until moved).
    pub fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    /// Moves the app's clock (cache ages, signature window) `secs` forward; requests made
    /// with [`World::command`] and [`World::click`] are signed for the new time.
    pub fn advance_clock(&self, secs: i64) {
        self.clock.fetch_add(secs, Ordering::SeqCst);
    }
}
