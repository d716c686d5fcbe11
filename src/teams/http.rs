//! `POST /api/messages`: the Bot Framework endpoint.
//!
//! Every request goes through the same gate before anything else is done with it: a
//! 256 KiB body limit (413), the activity's JSON (400), the `Authorization: Bearer` JWT
//! validated against the activity's `serviceUrl` ([`crate::teams::auth`]), `channelId`
//! `msteams`, the tenant allowed (`TEAMS_TENANT_ID`) and the `serviceUrl` host one the
//! bot may send its token to. Any failure is 401 with the reason logged (never the
//! token). The activity then goes to [`crate::teams::app`], whose answer becomes the
//! response.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use url::Url;

use super::activity::{Activity, TEAMS_CHANNEL};
use super::app::{self, Answer, TeamsState};

/// Largest accepted activity.
pub const BODY_LIMIT: usize = 256 * 1024;

/// The Teams endpoint, ready to be merged into the server's router.
pub fn router(state: TeamsState) -> Router {
    Router::new()
        .route("/api/messages", post(messages))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

async fn messages(
    State(state): State<TeamsState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match gate(&state, &headers, body).await {
        Ok(activity) => respond(app::handle(&state, activity).await),
        Err(refusal) => refusal,
    }
}

/// Why a request was turned away (logged at `warn` with the reason).
async fn gate(
    state: &TeamsState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Activity, Response> {
    let body = body.map_err(|rejection| {
        tracing::warn!(path = "/api/messages", reason = %rejection.body_text(), "Teams request refused");
        rejection.into_response()
    })?;
    let activity: Activity = serde_json::from_slice(&body).map_err(|e| {
        tracing::warn!(path = "/api/messages", error = %e, "Teams request refused: not an activity");
        (StatusCode::BAD_REQUEST, "not a Bot Framework activity").into_response()
    })?;
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let unauthorized = |reason: String| {
        tracing::warn!(
            path = "/api/messages",
            reason = %reason,
            activity_type = %activity.kind,
            "Teams request refused (401)"
        );
        StatusCode::UNAUTHORIZED.into_response()
    };
    if let Err(e) = state
        .inner
        .auth
        .validate(authorization, &activity.service_url)
        .await
    {
        return Err(unauthorized(format!("token: {e}")));
    }
    if activity.channel_id != TEAMS_CHANNEL {
        return Err(unauthorized(format!(
            "channelId `{}` is not msteams",
            activity.channel_id
        )));
    }
    match activity.tenant_id() {
        Some(tenant) if state.tenant_allowed(tenant) => {}
        Some(tenant) => {
            return Err(unauthorized(format!(
                "tenant {tenant} is not allowed (TEAMS_TENANT_ID)"
            )));
        }
        None => return Err(unauthorized("the activity names no tenant".into())),
    }
    let host_ok = Url::parse(&activity.service_url)
        .map(|url| state.connector().host_allowed(&url))
        .unwrap_or(false);
    if !host_ok {
        return Err(unauthorized(format!(
            "serviceUrl {} is not a Bot Framework connector host (TEAMS_ALLOWED_SERVICE_HOSTS adds one)",
            activity.service_url
        )));
    }
    Ok(activity)
}

fn respond(answer: Answer) -> Response {
    match answer {
        Answer::Ok => StatusCode::OK.into_response(),
        Answer::Json(value) => (StatusCode::OK, Json(value)).into_response(),
        Answer::Status(status) => status.into_response(),
    }
}
