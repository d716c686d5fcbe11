//! The Slack app end to end, in HTTP mode (signed requests to the real router) and in
//! Socket Mode (envelopes over a fake Slack WebSocket): the command core against the seeded
//! sandbox and a SQLite store, and a fake Slack that records every `response_url` post and
//! Web API call. Nothing here reaches real Slack or Virbela.

mod approvals;
mod cards;
mod commands;
mod events;
mod fake_slack;
mod fixtures;
mod gate;
mod modals;
mod people;
mod socket;
mod world;
