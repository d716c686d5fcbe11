//! Starting `serve` with a clean environment, waiting for it, signing Slack requests.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use virbela_bot::sandbox::{self, RunningSandbox, SandboxOptions};

pub const SIGNING_SECRET: &str = "test-signing-secret";

/// An empty sandbox campus on an ephemeral port (help needs no data).
pub async fn sandbox() -> RunningSandbox {
    let options = SandboxOptions {
        seed: None,
        ..SandboxOptions::default()
    };
    sandbox::spawn(options, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sandbox starts")
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The environment of a working `serve`: sandbox credentials, SQLite in `dir`, the
/// listen address, the signing secret and one bootstrap admin.
pub fn env(sandbox: &RunningSandbox, dir: &Path, port: u16) -> Vec<(String, String)> {
    let db = dir.join("bot.db");
    [
        ("VIRBELA_BASE_URL", sandbox.base_url()),
        ("VIRBELA_PRODUCT_URL", sandbox.base_url()),
        ("VIRBELA_CLIENT_ID", "sandbox-client".into()),
        ("VIRBELA_CLIENT_SECRET", "sandbox-secret".into()),
        ("VIRBELA_CLIENT_NAME", "sandboxcampus".into()),
        (
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", db.display()),
        ),
        ("LISTEN_ADDR", format!("127.0.0.1:{port}")),
        ("SLACK_SIGNING_SECRET", SIGNING_SECRET.into()),
        ("BOOTSTRAP_ADMINS", "slack:UADMIN".into()),
        ("LOG_FORMAT", "json".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A `serve` process; killed if still running when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    stderr: PathBuf,
}

impl Server {
    /// Starts `virbela-bot serve` with only `vars` (plus `PATH`), logging to a file in `dir`.
    pub fn start(vars: &[(String, String)], dir: &Path, port: u16) -> Server {
        let stderr = dir.join("serve.log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_virbela-bot"));
        command
            .arg("serve")
            .current_dir(dir)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(File::create(dir.join("serve.out")).expect("stdout file"))
            .stderr(File::create(&stderr).expect("stderr file"));
        if let Ok(path) = std::env::var("PATH") {
            command.env("PATH", path);
        }
        for (name, value) in vars {
            command.env(name, value);
        }
        Server {
            child: command.spawn().expect("the binary starts"),
            base: format!("http://127.0.0.1:{port}"),
            stderr,
        }
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Waits until `/healthz` answers (panics with the log if the process exits first).
    pub async fn wait_healthy(&mut self, http: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("serve exited early ({status}):\n{}", self.log());
            }
            let url = format!("{}/healthz", self.base);
            if let Ok(r) = http.get(&url).send().await
                && r.status().is_success()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "serve not healthy in 30 s:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits up to `limit` for the process to exit.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `kill -TERM <pid>`.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A slash command form body as Slack sends it.
pub fn slash_command(user_id: &str, text: &str) -> String {
    slash_command_to(user_id, text, "http://127.0.0.1:9/unused")
}

/// A slash command whose result goes to `response_url`.
pub fn slash_command_to(user_id: &str, text: &str, response_url: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", "unused")
        .append_pair("team_id", "T0001")
        .append_pair("team_domain", "campus")
        .append_pair("channel_id", "C0001")
        .append_pair("channel_name", "general")
        .append_pair("user_id", user_id)
        .append_pair("user_name", "someone")
        .append_pair("command", "/virbela")
        .append_pair("text", text)
        .append_pair("response_url", response_url)
        .append_pair("trigger_id", "1.2.3")
        .finish()
}

/// `(timestamp, signature)` headers for `body`, signed now with [`SIGNING_SECRET`].
pub fn signature(body: &str) -> (String, String) {
    let ts = chrono::Utc::now().timestamp();
    let secret = SecretString::from(SIGNING_SECRET);
    let sig = virbela_bot::slack::verify::sign(&secret, ts, body.as_bytes());
    (ts.to_string(), sig)
}
