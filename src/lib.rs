//! virbela-bot: run a Virbela campus from Slack, Microsoft Teams and the console.
//!
//! See `docs/architecture.md` for the map of modules and how a request flows.

pub mod access;
pub mod approvals;
pub mod audit;
pub mod cli;
pub mod config;
pub mod console;
pub mod core;
pub mod files;
pub mod metrics;
pub mod policy;
pub mod reports;
pub mod sandbox;
pub mod schedule;
pub mod server;
pub mod slack;
pub mod store;
pub mod teams;
pub mod telemetry;
pub mod virbela;
