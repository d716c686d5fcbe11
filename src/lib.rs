//! virbela-bot: run a Virbela campus from Slack, Microsoft Teams and the console.
//!
//! See `docs/architecture.md` for the map of modules and how a request flows.

pub mod cli;
pub mod config;
pub mod sandbox;
pub mod telemetry;
pub mod virbela;
