//! The [`Caller`] of a Slack user: the immutable `slack:U…` principal, the channel, and
//! (when the bot token allows) their user groups and time zone.

use super::SlackState;

/// What is remembered about Slack users (filled in by the people lookups).
#[derive(Debug, Default)]
pub(crate) struct People {}
use crate::access::{Platform, Principal};
use crate::core::Caller;

/// The caller for Slack user `user_id` in `channel`; `None` when the id is not a Slack id.
pub(super) async fn caller(
    _state: &SlackState,
    user_id: &str,
    channel: Option<String>,
) -> Option<Caller> {
    let principal = Principal::new(Platform::Slack, user_id).ok()?;
    Some(Caller {
        channel,
        ..Caller::new(principal)
    })
}
