//! The command core end to end: commands typed as in Slack, through the bot, against
//! the sandbox on an ephemeral port and the store on Postgres and on SQLite.

#[allow(dead_code)]
#[path = "../store/harness.rs"]
mod harness;

mod approval_flow;
mod bad_inputs;
mod campus;
mod commands;
mod forms;
