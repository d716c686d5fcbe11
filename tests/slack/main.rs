//! The Slack app in HTTP mode end to end: signed requests to the real router, the command
//! core against the seeded sandbox and a SQLite store, and a fake Slack that records every
//! `response_url` post and Web API call. Nothing here reaches real Slack or Virbela.

mod approvals;
mod commands;
mod events;
mod fake_slack;
mod fixtures;
mod gate;
mod world;
