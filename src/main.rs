//! The `virbela-bot` binary: everything lives in the library; see `virbela_bot::cli`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    virbela_bot::cli::main().await
}
