//! The Slack adapter: turns Slack requests into command-core calls and `Reply` values
//! into Block Kit messages and file uploads.
//!
//! - [`blocks`]: the Block Kit renderer for [`crate::core::Reply`] (limits respected).
//! - [`files`]: the files v2 upload flow for report attachments.
//! - [`error`]: errors of the Slack Web API calls written here by hand.
//! - [`app`]: what the app does with commands, interactions and events, whatever carried them.
//! - [`http`]: the HTTP-mode endpoints; [`verify`]: request signature checks.
//! - [`web`]: the Web API client (slack-morphism, rate-controlled) with the bot token.

pub mod app;
pub mod blocks;
pub mod error;
pub mod files;
pub mod http;
pub mod verify;
pub mod web;
