//! A Teams app under test: the seeded sandbox, a SQLite store in a temp dir with alice
//! admin, bob and erin approvers, carol operator and dave viewer (as Teams users, by Azure
//! AD object id), the bot, `/api/messages` and `/files/{id}` on an ephemeral port, tokens
//! from the local authority, and the fake connector every outbound call goes to.

use std::collections::HashMap;

use futures::TryStreamExt;
use secrecy::SecretString;
use serde_json::Value;
use url::Url;
use virbela_bot::access::{Access, Principal, Role, Subject};
use virbela_bot::approvals::ApprovalSettings;
use virbela_bot::config::{DatabaseUrl, TeamsSettings};
use virbela_bot::core::{Bot, BotParts};
use virbela_bot::policy::Policy;
use virbela_bot::sandbox::{self, RunningSandbox, SandboxControl, SandboxOptions};
use virbela_bot::store::Db;
use virbela_bot::teams::app::TeamsState;
use virbela_bot::teams::approvals::TeamsCards;
use virbela_bot::virbela::{ClientOptions, VirbelaClient};

use crate::authority::{self, Authority};
use crate::fake_connector::FakeConnector;

/// The app id the fake token service accepts.
pub const APP_ID: &str = crate::fake_connector::APP_ID;
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
pub const OTHER_TENANT: &str = "99999999-2222-3333-4444-555555555555";
pub const ALICE: &str = "a11ce000-0000-4000-8000-000000000001";
pub const BOB: &str = "b0b00000-0000-4000-8000-000000000002";
pub const CAROL: &str = "ca401000-0000-4000-8000-000000000003";
pub const DAVE: &str = "da7e0000-0000-4000-8000-000000000004";
pub const ERIN: &str = "e4140000-0000-4000-8000-000000000005";
/// The channel approval cards go to.
pub const APPROVALS: &str = "19:approvals@thread.tacv2";
const ROOT: &str = "console:root";

pub struct World {
    pub connector: FakeConnector,
    pub bot: Bot,
    pub sandbox: RunningSandbox,
    pub client: VirbelaClient,
    pub db: Db,
    /// The app's base URL (also its `PUBLIC_URL`).
    pub app: String,
    pub state: TeamsState,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// What the app answered.
#[derive(Debug)]
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
    pub async fn new() -> World {
        let connector = FakeConnector::start().await;
        let authority = Authority::start().await;
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
            (ERIN, Role::Approver),
            (CAROL, Role::Operator),
            (DAVE, Role::Viewer),
        ] {
            let subject: Subject = format!("teams:{user}").parse().expect("subject");
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
            approval_settings: ApprovalSettings::default(),
            default_timezone: chrono_tz::UTC,
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind app");
        let app = format!("http://{}", listener.local_addr().expect("addr"));
        let settings = TeamsSettings {
            app_id: Some(APP_ID.to_owned()),
            app_password: Some(SecretString::from(crate::fake_connector::APP_PASSWORD)),
            tenant_id: Some(TENANT.to_owned()),
            openid_metadata_url: authority.metadata_url(),
            token_url: Some(connector.token_url.clone()),
            allowed_service_hosts: vec!["127.0.0.1".to_owned()],
            approvals_conversation: Some(APPROVALS.to_owned()),
        };
        let public_url = Url::parse(&app).expect("public url");
        let state =
            TeamsState::from_settings(bot.clone(), db.clone(), &settings, Some(&public_url))
                .expect("teams state");
        bot.add_notifier(std::sync::Arc::new(TeamsCards::new(
            state.clone(),
            APPROVALS.to_owned(),
        )));
        let mut routes = virbela_bot::teams::http::router(state.clone());
        if let Some(links) = state.file_links() {
            routes = routes.merge(links.router());
        }
        tokio::spawn(async move { axum::serve(listener, routes).await });
        let world = World {
            connector,
            bot,
            sandbox,
            client,
            db,
            app,
            state,
            http: reqwest::Client::new(),
            _dir: dir,
        };
        // The app is installed in the approvals channel (so cards can go there).
        let install = world.fixture(
            "installation_update",
            &[
                ("ACTION", "add"),
                ("CONVERSATION", APPROVALS),
                ("AAD", ALICE),
            ],
        );
        assert_eq!(world.post(&install).await.status, 200);
        // Its greeting is sent in the background: let it land before tests script faults.
        for _ in 0..100 {
            if world
                .connector
                .calls()
                .iter()
                .any(|c| c.path.contains(APPROVALS))
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        world
    }

    /// The connector's serviceUrl as activities carry it.
    pub fn service_url(&self) -> String {
        self.connector.url.to_string()
    }

    /// A golden activity from `tests/fixtures/teams/activities/{name}.json` with its
    /// placeholders filled (`SERVICE_URL`, `APP_ID`, `TENANT` always; the rest from `vars`).
    pub fn fixture(&self, name: &str, vars: &[(&str, &str)]) -> Value {
        let path = format!(
            "{}/tests/fixtures/teams/activities/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut all: HashMap<&str, String> = HashMap::new();
        all.insert("SERVICE_URL", self.service_url());
        all.insert("APP_ID", APP_ID.to_owned());
        all.insert("TENANT", TENANT.to_owned());
        for (k, v) in vars {
            all.insert(k, (*v).to_owned());
        }
        for (k, v) in all {
            text = text.replace(&format!("{{{{{k}}}}}"), &v);
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"))
    }

    /// `user` mentions the bot in the ops channel with `text`; `id` makes the activity
    /// unique (retries reuse it).
    pub fn message(&self, user: &str, text: &str, id: &str) -> Value {
        let mut activity = self.fixture("message_mention", &[("AAD", user), ("TEXT", text)]);
        activity["id"] = Value::String(id.to_owned());
        activity
    }

    /// `user` writes `text` in their 1:1 chat with the bot (`a:personal-{user}`).
    pub fn personal(&self, user: &str, text: &str, id: &str) -> Value {
        let mut activity = self.message(user, text, id);
        activity["text"] = Value::String(text.to_owned());
        activity["conversation"] = serde_json::json!({
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": personal_chat(user),
        });
        activity["entities"] = serde_json::json!([{"type": "clientInfo", "locale": "en-US", "timezone": "Europe/Paris"}]);
        activity["channelData"] = serde_json::json!({"tenant": {"id": TENANT}});
        activity["from"]["id"] = Value::String(format!("29:{user}"));
        activity
    }

    /// Posts an activity with a valid token.
    pub async fn post(&self, activity: &Value) -> Answer {
        let service_url = activity["serviceUrl"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let token = authority::token(APP_ID, &service_url);
        self.post_with(activity, Some(&format!("Bearer {token}")))
            .await
    }

    /// Posts an activity with the given `Authorization` header.
    pub async fn post_with(&self, activity: &Value, authorization: Option<&str>) -> Answer {
        let mut request = self
            .http
            .post(format!("{}/api/messages", self.app))
            .json(activity);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.expect("send");
        Answer {
            status: response.status().as_u16(),
            body: response.text().await.expect("body"),
        }
    }

    pub async fn get(&self, url: &str) -> reqwest::Response {
        self.http.get(url).send().await.expect("get")
    }

    pub async fn count_sandbox(&self, call: &str) -> usize {
        SandboxControl::new(self.sandbox.base_url())
            .call_lines()
            .await
            .expect("sandbox log")
            .iter()
            .filter(|c| *c == call)
            .count()
    }

    /// An accepted, not suspended member of the seeded campus: (user id, email).
    pub async fn member(&self) -> (String, String) {
        let users: Vec<_> = self.client.users().try_collect().await.expect("users");
        let u = users
            .iter()
            .find(|u| !u.is_suspended() && u.email.is_some())
            .expect("a member");
        (u.user_id.to_string(), u.email.clone().expect("email"))
    }
}

/// The id of `user`'s 1:1 chat in [`World::personal`] activities.
pub fn personal_chat(user: &str) -> String {
    format!("a:personal-{user}")
}

/// Every string in a JSON value, joined with newlines (for assertions on cards).
pub fn text_of(value: &Value) -> String {
    let mut out = String::new();
    collect(value, &mut out);
    out
}

fn collect(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}
