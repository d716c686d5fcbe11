//! `virbela-bot demo --script FILE`.

use std::path::Path;
use std::process::Output;

use crate::harness::{bot, both, root, stderr, stdout};

/// Runs `demo --script FILE` with `TMPDIR` in `tmp` (so the temp store lands there).
async fn demo(script: &Path, tmp: &Path, extra: &[(&str, &str)]) -> Output {
    let tmp = tmp.to_str().expect("utf-8 temp dir");
    let script = script.to_str().expect("utf-8 path");
    let mut vars = vec![("TMPDIR", tmp)];
    vars.extend_from_slice(extra);
    bot(&["demo", "--script", script], &vars, root()).await
}

fn write_script(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("script.txt");
    std::fs::write(&path, text).expect("script written");
    path
}

/// Files the demo left in the temp folder that belong to its store.
fn leftover_databases(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .expect("temp dir readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("virbela-bot-demo-") && name.contains(".db"))
        .collect()
}

#[tokio::test]
async fn the_demo_script_runs_and_its_transcript_shows_the_story() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let output = demo(&root().join("scripts/demo.txt"), tmp.path(), &[]).await;
    let transcript = stdout(&output);
    // Every command is echoed after the prompt of whoever typed it.
    for line in [
        "alice> help",
        "alice> rooms",
        "alice> attendance Theater last week",
        "alice> invite new.hire@example.com first=New last=Hire role=moderator",
        "alice> :as carol",
        "carol> approvals approve 1",
        "carol> :as bob",
        "bob> approvals approve 1",
        "bob> users pending",
        "carol> suspend Dominique.Fuller@test.com left the company",
        "dave> approvals approve 2",
        "bob> approvals approve 2",
        "alice> audit recent",
        "alice> approvals approve banana",
    ] {
        assert!(
            transcript.contains(line),
            "missing `{line}`\n{}",
            both(&output)
        );
    }
    // `# expect:` is not echoed: it is the script's, not the bot's.
    assert!(!transcript.contains("# expect"), "{}", both(&output));
    assert!(transcript.contains("you are now bob"), "{}", both(&output));
    // The story's outcomes (pending, refused, approved) are asserted by the script itself.
    assert!(output.status.success(), "{}", both(&output));
    assert!(stderr(&output).contains("script ok"), "{}", both(&output));
    assert!(
        leftover_databases(tmp.path()).is_empty(),
        "{:?}",
        leftover_databases(tmp.path())
    );
}

#[tokio::test]
async fn an_unmet_expectation_fails_the_script_and_names_the_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let script = write_script(
        tmp.path(),
        "# a demo command that works counts as ok\n:as bob   # expect: ok\n:whoami   # expect: usage\n:as dave\n",
    );
    let output = demo(&script, tmp.path(), &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", both(&output));
    let err = stderr(&output);
    assert!(
        err.contains("script.txt:3: expected usage, got ok: :whoami"),
        "{}",
        both(&output)
    );
    let transcript = stdout(&output);
    assert!(
        transcript.contains("alice> :as bob\nyou are now bob"),
        "{}",
        both(&output)
    );
    assert!(
        transcript.contains("bob> :whoami\nyou are bob"),
        "{}",
        both(&output)
    );
    // The script goes on after a failure, so the transcript is whole.
    assert!(transcript.contains("bob> :as dave"), "{}", both(&output));
    assert!(leftover_databases(tmp.path()).is_empty());
}

#[tokio::test]
async fn a_malformed_script_is_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let script = write_script(tmp.path(), "help\nrooms   # expect: sunny\n");
    let output = demo(&script, tmp.path(), &[]).await;
    assert_eq!(output.status.code(), Some(1), "{}", both(&output));
    assert!(
        stderr(&output).contains("script.txt:2: "),
        "{}",
        both(&output)
    );
    assert!(stderr(&output).contains("sunny"), "{}", both(&output));
    assert!(stdout(&output).is_empty(), "{}", both(&output));
}

#[tokio::test]
async fn the_demo_ignores_the_virbela_settings_of_the_environment() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let script = write_script(tmp.path(), "rooms\n:as nobody\n:whoami\n");
    let output = demo(
        &script,
        tmp.path(),
        &[
            ("VIRBELA_BASE_URL", "http://127.0.0.1:9/"),
            ("VIRBELA_CLIENT_ID", "not-the-sandbox"),
            ("VIRBELA_CLIENT_SECRET", "wrong"),
            ("VIRBELA_CLIENT_NAME", "elsewhere"),
            ("DATABASE_URL", "mysql://nowhere/db"),
        ],
    )
    .await;
    assert!(output.status.success(), "{}", both(&output));
    let transcript = stdout(&output);
    assert!(transcript.contains("Theater"), "{}", both(&output));
    // Anyone can be played; a principal without a role is told so.
    assert!(transcript.contains("nobody> :whoami\nyou are nobody (console:nobody), no role"));
}
