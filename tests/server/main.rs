//! `virbela-bot serve` as a binary: health and readiness (readiness following a Postgres
//! cut and restored through a proxy), the Slack endpoints behind their signature check,
//! graceful exit on SIGTERM with work in flight finished, and the start-up refusals
//! (Socket Mode token, missing Virbela credentials, half-given Teams settings), against a
//! sandbox spawned here and SQLite in a temp dir.

mod ack_costs;
mod config_check;
mod harness;
mod lifecycle;
mod metrics;
mod readiness;
mod refusals;
mod shutdown;
