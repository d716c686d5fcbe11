//! `virbela-bot run` against a sandbox spawned in this test.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Output;

use virbela_bot::sandbox::{self, RunningSandbox, SandboxOptions};

use crate::harness::{bot, both, stderr, stdout};

async fn sandbox() -> RunningSandbox {
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("address");
    sandbox::spawn(
        SandboxOptions {
            seed: Some(1),
            ..SandboxOptions::default()
        },
        listen,
    )
    .await
    .expect("sandbox")
}

/// `virbela-bot run ARGS` configured for `sandbox`, its store in `dir`.
async fn run(sandbox: &RunningSandbox, dir: &Path, args: &[&str]) -> Output {
    let url = sandbox.base_url();
    let database = format!("sqlite://{}/x.db?mode=rwc", dir.display());
    let vars = [
        ("VIRBELA_BASE_URL", url.as_str()),
        ("VIRBELA_PRODUCT_URL", url.as_str()),
        ("VIRBELA_CLIENT_ID", "sandbox-client"),
        ("VIRBELA_CLIENT_SECRET", "sandbox-secret"),
        ("VIRBELA_CLIENT_NAME", "sandboxcampus"),
        ("DATABASE_URL", database.as_str()),
        ("BOOTSTRAP_ADMINS", "console:tester"),
        ("USER", "tester"),
    ];
    let mut full = vec!["run"];
    full.extend_from_slice(args);
    bot(&full, &vars, dir).await
}

/// The exit code the printed status stands for: `[refused]` etc. on stderr, none = ok.
fn code_of_printed_status(output: &Output) -> i32 {
    let err = stderr(output);
    if err.contains("[usage]") {
        2
    } else if err.contains("[refused]") || err.contains("[failed]") {
        1
    } else {
        0
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_prints_a_reply_and_exits_with_its_status() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run(
        &sandbox,
        dir.path(),
        &["--as", "console:tester", "--", "help"],
    )
    .await;
    assert!(!stdout(&output).trim().is_empty(), "{}", both(&output));
    assert_eq!(
        output.status.code(),
        Some(code_of_printed_status(&output)),
        "{}",
        both(&output)
    );
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_follow_the_status() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    // A usage error: 2.
    let usage = run(&sandbox, dir.path(), &["--", "invit", "a@example.com"]).await;
    assert_eq!(usage.status.code(), Some(2), "{}", both(&usage));
    assert!(stderr(&usage).contains("[usage]"), "{}", both(&usage));
    // Someone without a role is refused: 1.
    let refused = run(&sandbox, dir.path(), &["--as", "console:stranger", "rooms"]).await;
    assert_eq!(refused.status.code(), Some(1), "{}", both(&refused));
    // The default caller is console:$USER (a bootstrap admin here): 0.
    let rooms = run(&sandbox, dir.path(), &["rooms", "Theater"]).await;
    assert_eq!(rooms.status.code(), Some(0), "{}", both(&rooms));
    assert!(stdout(&rooms).contains("Theater"), "{}", both(&rooms));
    // A malformed --as is a usage error of the command line: 2, nothing run.
    let bad = run(&sandbox, dir.path(), &["--as", "bob", "rooms"]).await;
    assert_eq!(bad.status.code(), Some(2), "{}", both(&bad));
    // clap's own usage errors: 2.
    let no_text = run(&sandbox, dir.path(), &[]).await;
    assert_eq!(no_text.status.code(), Some(2), "{}", both(&no_text));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_written_to_the_out_folder() {
    let sandbox = sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("reports");
    let out_arg = out.to_str().expect("utf-8");
    let output = run(
        &sandbox,
        dir.path(),
        &[
            "--out",
            out_arg,
            "--",
            "attendance",
            "Theater",
            "last",
            "week",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", both(&output));
    let written: Vec<_> = std::fs::read_dir(&out)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(!written.is_empty(), "{}", both(&output));
    for path in &written {
        assert!(
            stdout(&output).contains(&format!("saved {}", path.display())),
            "{}",
            both(&output)
        );
    }
}

#[tokio::test]
async fn missing_credentials_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = bot(&["run", "--", "help"], &[("USER", "tester")], dir.path()).await;
    assert_eq!(output.status.code(), Some(1), "{}", both(&output));
    let err = stderr(&output);
    for name in [
        "VIRBELA_CLIENT_ID",
        "VIRBELA_CLIENT_SECRET",
        "VIRBELA_CLIENT_NAME",
    ] {
        assert!(err.contains(name), "{}", both(&output));
    }
    assert!(
        !dir.path().join("virbela-bot.db").exists(),
        "no store is created"
    );
}
