//! The console adapter: the bot from a terminal. `virbela-bot run` sends one command and
//! exits with its status; `virbela-bot demo` starts the seeded sandbox and an SQLite store
//! in-process and opens a prompt (or runs a script) as one of four demo people. Replies
//! are shown with the plain-text renderer (`render`); attachments are written to a folder
//! (`files`). No business rule lives here: every command goes to [`crate::core::Bot`].

pub mod demo;
mod files;
mod logging;
pub mod render;
pub mod reports;
pub mod run;
mod setup;

pub use demo::DemoArgs;
pub use files::{FilesError, write_attachments};
pub use render::render_text;
pub use run::RunArgs;
pub use setup::{SetupError, bot_from_config};

use crate::core::Status;

/// The process exit code a reply's status maps to: 0 done or pending, 1 refused or
/// failed, 2 a usage error (as clap's own usage errors).
pub fn exit_code(status: Status) -> u8 {
    match status {
        Status::Ok | Status::Pending => 0,
        Status::Refused | Status::Failed => 1,
        Status::Usage => 2,
    }
}

/// The lower-case word for a status (`pending`), as scripts write it after `# expect:`.
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Pending => "pending",
        Status::Refused => "refused",
        Status::Failed => "failed",
        Status::Usage => "usage",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(exit_code(Status::Ok), 0);
        assert_eq!(exit_code(Status::Pending), 0);
        assert_eq!(exit_code(Status::Refused), 1);
        assert_eq!(exit_code(Status::Failed), 1);
        assert_eq!(exit_code(Status::Usage), 2);
        assert_eq!(status_word(Status::Usage), "usage");
    }
}
