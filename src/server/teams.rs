//! Microsoft Teams in `serve`, on when `TEAMS_APP_ID` is set (then `TEAMS_APP_PASSWORD`
//! and `TEAMS_TENANT_ID` are required, or `serve` refuses to start):
//!
//! - `POST /api/messages` ([`crate::teams::http`]);
//! - approval cards in `TEAMS_APPROVALS_CONVERSATION` ([`crate::teams::approvals`]);
//! - scheduled reports to Teams conversations ([`crate::teams::reports`]);
//! - `GET /files/{id}` for the signed links of report files when `PUBLIC_URL` is set
//!   (without it, cards say the CSV and chart could not be linked).

use std::sync::Arc;

use axum::Router;

use super::ServeError;
use crate::config::Config;
use crate::core::Bot;
use crate::schedule::ReportSinks;
use crate::store::Db;
use crate::teams::app::TeamsState;
use crate::teams::approvals::TeamsCards;
use crate::teams::reports::TeamsReportSink;

/// What `serve` runs for Teams: the routes (the endpoint and the file links).
pub fn setup(
    config: &Config,
    bot: &Bot,
    db: &Db,
    sinks: &ReportSinks,
) -> Result<Option<Router>, ServeError> {
    let settings = &config.teams;
    if settings.app_id.is_none() {
        tracing::info!("Teams is disabled: TEAMS_APP_ID is not set (docs/teams.md)");
        return Ok(None);
    }
    let state = TeamsState::from_settings(
        bot.clone(),
        db.clone(),
        settings,
        config.public_url.as_ref(),
    )
    .map_err(|e| ServeError::Setup(e.to_string()))?;
    let mut routes = crate::teams::http::router(state.clone());
    match settings.approvals_conversation.clone() {
        Some(conversation) => {
            bot.add_notifier(Arc::new(TeamsCards::new(state.clone(), conversation)));
        }
        None => tracing::warn!(
            "TEAMS_APPROVALS_CONVERSATION is not set: approvals work by command in Teams, but \
             no approval cards are posted there"
        ),
    }
    sinks.register("teams", Arc::new(TeamsReportSink::new(state.clone())));
    match state.file_links() {
        Some(links) => routes = routes.merge(links.router()),
        None => tracing::warn!(
            "PUBLIC_URL is not set: report files (CSV, charts) cannot be linked from Teams cards"
        ),
    }
    tracing::info!("Teams endpoint: POST /api/messages");
    Ok(Some(routes))
}
