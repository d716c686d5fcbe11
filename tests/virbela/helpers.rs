//! The test harness: a sandbox on an ephemeral port, a client pointed at it, and the
//! sandbox's control API.

use std::time::Duration;

use serde_json::{Value, json};
use virbela_bot::sandbox::{self, RunningSandbox, SandboxOptions};
use virbela_bot::virbela::{ClientOptions, VirbelaClient};

pub const CLIENT_ID: &str = "test-client";
pub const CLIENT_SECRET: &str = "TOP-SECRET-d41d8cd98f00b204";
pub const CLIENT_NAME: &str = "testcampus";

pub struct TestCampus {
    pub sandbox: RunningSandbox,
    pub client: VirbelaClient,
    http: reqwest::Client,
}

/// Options fit for tests: quick back-off, modest timeout.
pub fn fast_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(10),
        retry_base_delay: Duration::from_millis(10),
        retry_max_delay: Duration::from_secs(2),
        ..ClientOptions::default()
    }
}

impl TestCampus {
    /// An empty campus.
    pub async fn empty() -> Self {
        Self::start(None, fast_options()).await
    }

    /// The seeded demo campus.
    pub async fn seeded() -> Self {
        Self::start(Some(7), fast_options()).await
    }

    pub async fn start(seed: Option<u64>, options: ClientOptions) -> Self {
        let sandbox_options = SandboxOptions {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            client_name: CLIENT_NAME.into(),
            seed,
            anchor: None,
        };
        let sandbox = sandbox::spawn(
            sandbox_options.clone(),
            "127.0.0.1:0".parse().expect("addr"),
        )
        .await
        .expect("sandbox starts");
        let campus = sandbox_options
            .campus(&sandbox.base_url())
            .expect("sandbox campus");
        let client = VirbelaClient::new(campus, options).expect("client");
        TestCampus {
            sandbox,
            client,
            http: reqwest::Client::new(),
        }
    }

    /// A second client of the same campus with other options.
    pub fn client_with(&self, options: ClientOptions) -> VirbelaClient {
        VirbelaClient::new(self.client.campus().clone(), options).expect("client")
    }

    /// POST to the control API; panics on a non-success answer.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}_sandbox/{path}", self.sandbox.base_url()))
            .json(&body)
            .send()
            .await
            .expect("control call");
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert!(
            status.is_success(),
            "control {path} answered {status}: {value}"
        );
        value
    }

    pub async fn clear_faults(&self) {
        self.http
            .delete(format!("{}_sandbox/faults", self.sandbox.base_url()))
            .send()
            .await
            .expect("clear faults");
    }

    /// API calls the sandbox received, oldest first.
    pub async fn calls(&self) -> Vec<Value> {
        let log: Value = self
            .http
            .get(format!("{}_sandbox/log", self.sandbox.base_url()))
            .send()
            .await
            .expect("log")
            .json()
            .await
            .expect("log json");
        log["calls"].as_array().cloned().unwrap_or_default()
    }

    pub async fn clear_calls(&self) {
        self.http
            .delete(format!("{}_sandbox/log", self.sandbox.base_url()))
            .send()
            .await
            .expect("clear log");
    }

    /// Accepted members made through the control API; answers their ids.
    pub async fn add_users(&self, users: Vec<Value>) -> Vec<String> {
        let answer = self.control("users", json!({ "users": users })).await;
        answer["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| u["objectId"].as_str().expect("objectId").to_string())
            .collect()
    }
}

pub fn user(email: &str, first: &str, last: &str) -> Value {
    json!({ "email": email, "firstname": first, "lastname": last, "displayname": format!("{first}{last}"), "teamId": "B", "role": "member" })
}
