//! The Slack adapter: turns Slack requests into command-core calls and `Reply` values
//! into Block Kit messages and file uploads.
//!
//! - [`blocks`]: the Block Kit renderer for [`crate::core::Reply`] (limits respected).
//! - [`files`]: the files v2 upload flow for report attachments.
//! - [`error`]: errors of the Slack Web API calls written here by hand.
//! - [`http`]: the HTTP-mode endpoints; [`verify`]: request signature checks.

pub mod blocks;
pub mod error;
pub mod files;
pub mod http;
pub mod verify;
