//! The Slack adapter: turns Slack requests into command-core calls and `Reply` values
//! into Block Kit messages and file uploads.
//!
//! - [`blocks`]: the Block Kit renderer for [`crate::core::Reply`] (limits respected).
//! - [`cards`]: approval cards in `SLACK_APPROVALS_CHANNEL`, kept current, and requester DMs.
//! - [`files`]: the files v2 upload flow for report attachments.
//! - [`error`]: errors of the Slack Web API calls written here by hand.
//! - [`app`]: what the app does with commands, interactions and events, whatever carried them.
//! - [`http`]: the HTTP-mode endpoints; [`verify`]: request signature checks.
//! - [`socket`]: Socket Mode (`SLACK_APP_TOKEN`): the WebSocket client that feeds [`app`].
//! - [`web`]: the Web API client (slack-morphism, rate-controlled) with the bot token.

pub mod app;
pub mod blocks;
pub mod cards;
pub mod error;
pub mod files;
pub mod http;
pub mod reports;
pub mod socket;
pub mod verify;
pub mod web;
