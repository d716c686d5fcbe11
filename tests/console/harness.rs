//! Running the binary with a clean environment and reading what it printed.

use std::path::Path;
use std::process::Output;

use tokio::process::Command;

/// `virbela-bot ARGS` with only `vars` (plus `PATH`) in its environment, in `cwd`.
pub async fn bot(args: &[&str], vars: &[(&str, &str)], cwd: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_virbela-bot"));
    command.args(args).current_dir(cwd).env_clear();
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().await.expect("the binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Everything printed, for assertion messages.
pub fn both(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    )
}

/// The repository root (where `scripts/` is).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
