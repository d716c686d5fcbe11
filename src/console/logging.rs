//! Logging for the console commands: a reply on stdout is the output, so only warnings
//! and errors go to stderr unless `RUST_LOG` asks for more.

use tracing_subscriber::EnvFilter;

/// Installs a stderr subscriber filtered by `RUST_LOG` (default `warn`). A second call
/// keeps the first subscriber.
pub(crate) fn init_quiet() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}
