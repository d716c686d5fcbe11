//! The binary itself: `config check` and `sandbox`, as operators run them.

use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_virbela-bot");

#[test]
fn config_check_prints_settings_with_secrets_redacted() {
    let out = Command::new(BIN)
        .args(["config", "check"])
        .env_clear()
        .env("VIRBELA_CLIENT_ID", "campus-id")
        .env("VIRBELA_CLIENT_SECRET", "cli-s3cr3t")
        .env("VIRBELA_CLIENT_NAME", "campus")
        .env("SLACK_BOT_TOKEN", "xoxb-cli-s3cr3t")
        .env("SLACK_SIGNING_SECRET", "cli-s3cr3t")
        .env("DATABASE_URL", "postgres://bot:cli-s3cr3t@127.0.0.1:1/bot")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The store cannot be reached: a problem, named, and still nothing secret printed.
    assert!(!out.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot reach the database at 127.0.0.1:1/bot"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("s3cr3t") && !stderr.contains("s3cr3t"),
        "{stdout}{stderr}"
    );
    assert!(
        stdout.contains("VIRBELA_CLIENT_SECRET = [redacted]"),
        "{stdout}"
    );
    assert!(stdout.contains("SLACK_BOT_TOKEN = [redacted]"), "{stdout}");
    assert!(
        stdout.contains("DATABASE_URL = postgres://bot:[redacted]@127.0.0.1:1/bot"),
        "{stdout}"
    );
}

#[test]
fn config_check_fails_with_a_precise_message() {
    let out = Command::new(BIN)
        .args(["config", "check"])
        .env_clear()
        .env("VIRBELA_REGION", "mars")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("VIRBELA_REGION") && stderr.contains("us, eu or aus"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_sandbox_command_serves_the_api() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut child = tokio::process::Command::new(BIN)
        .args([
            "sandbox",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--client-secret",
            "cli-secret",
        ])
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let http = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/Rooms/World/sandboxcampus");
    let mut answer = None;
    for _ in 0..100 {
        if let Ok(r) = http
            .get(&url)
            .header("V-Client-Id", "sandbox-client")
            .header("V-Client-Secret", "cli-secret")
            .send()
            .await
        {
            answer = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answer = answer.expect("sandbox came up");
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.expect("json");
    assert!(body["count"].as_u64().unwrap_or(0) >= 15, "{body}");
    let refused = http
        .get(&url)
        .header("V-Client-Id", "sandbox-client")
        .header("V-Client-Secret", "sandbox-secret")
        .send()
        .await
        .expect("call");
    assert_eq!(
        refused.status(),
        401,
        "only the configured secret is accepted"
    );
    child.kill().await.expect("stop");
}

#[test]
fn config_check_validates_the_policy_table() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bot.toml");
    std::fs::write(&path, "[policy]\ndelete = 3\nfrobnicate = 1\n").expect("write");
    let out = Command::new(BIN)
        .args(["--config", path.to_str().expect("path"), "config", "check"])
        .env_clear()
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("frobnicate") && stderr.contains("suspend"),
        "{stderr}"
    );

    std::fs::write(&path, "[policy]\ndelete = 3\n").expect("write");
    let out = Command::new(BIN)
        .args(["--config", path.to_str().expect("path"), "config", "check"])
        .env_clear()
        .current_dir(dir.path())
        .env("VIRBELA_CLIENT_ID", "campus-id")
        .env("VIRBELA_CLIENT_SECRET", "secret")
        .env("VIRBELA_CLIENT_NAME", "campus")
        .env("SLACK_SIGNING_SECRET", "signing")
        .env("SLACK_BOT_TOKEN", "xoxb-1")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("policy delete = 3 approval(s)"));
}
