//! `virbela-bot serve` as a binary: health and readiness, the Slack endpoints behind
//! their signature check, graceful exit on SIGTERM, and the start-up refusals (Socket
//! Mode token, missing Virbela credentials), against a sandbox spawned here and SQLite
//! in a temp dir.

mod ack_costs;
mod harness;
mod lifecycle;
mod refusals;
