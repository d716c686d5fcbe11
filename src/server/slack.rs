//! The Slack routes of `serve`, from [`crate::slack::http`], when the signing secret is
//! configured; without it every Slack request would be unverifiable, so the routes are
//! left out and a warning says why.

use axum::Router;

use crate::config::Config;
use crate::core::Bot;
use crate::slack::http::{self, SlackSetupError, SlackState};
use crate::store::Db;

/// The Slack endpoints, or `None` (logged) when Slack is not configured.
pub fn routes(config: &Config, bot: &Bot, db: &Db) -> Result<Option<Router>, SlackSetupError> {
    if config.slack.signing_secret.is_none() {
        tracing::warn!(
            "Slack is disabled: SLACK_SIGNING_SECRET is not set, so requests to /slack/* could \
             not be verified; set it (Slack app → Basic Information → Signing Secret) to serve \
             Slack"
        );
        return Ok(None);
    }
    if config.slack.bot_token.is_none() {
        tracing::warn!(
            "SLACK_BOT_TOKEN is not set: slash commands work, but modals, approval cards, app \
             mentions and report files need it"
        );
    }
    let state = SlackState::new(bot.clone(), db.clone(), &config.slack)?;
    tracing::info!("Slack endpoints: /slack/commands, /slack/interactions, /slack/events");
    Ok(Some(http::router(state)))
}
