//! The control API under `/_sandbox` (JSON, no credentials, bodies up to 256 MB): reset,
//! add members, accept invitations, add rooms, attendance and waitlist events, define
//! profile fields, rotate credentials, inject faults, read the call log. Never logged,
//! never subject to faults.

mod activity;
mod rooms;
mod users;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde_json::{Value, json};

use super::errors::{ApiError, JsonBody, wrong_method};
use super::faults::{FaultPlan, FaultRequest};
use super::state::{
    Credentials, FIXED_PROFILE_KEYS, Member, Role, SessionLog, Shared, WaitlistKind,
};
use super::wire::{iso_z, object, req_str};

/// The largest control request body (256 MB: big attendance imports).
pub(crate) const CONTROL_BODY_LIMIT: usize = 256 << 20;

/// The control app (every path under `/_sandbox`).
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/users", post(users::add))
        .route("/_sandbox/invitations", get(invitations))
        .route("/_sandbox/invitations/accept", post(accept))
        .route("/_sandbox/rooms", post(rooms::add))
        .route("/_sandbox/attendance", post(activity::add_attendance))
        .route("/_sandbox/waitlist", post(activity::add_waitlist))
        .route(
            "/_sandbox/profile-fields",
            get(profile_fields).post(set_profile_fields),
        )
        .route("/_sandbox/credentials", post(rotate_credentials))
        .route(
            "/_sandbox/faults",
            get(faults).post(set_faults).delete(clear_faults),
        )
        .route("/_sandbox/log", get(log).delete(clear_log))
        .route("/_sandbox/purchases", get(purchases))
        .route("/_sandbox/summary", get(summary))
        .route("/_sandbox", any(no_such_control))
        .route("/_sandbox/{*rest}", any(no_such_control))
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(CONTROL_BODY_LIMIT))
        .with_state(shared)
}

async fn no_such_control(req: axum::extract::Request) -> ApiError {
    ApiError::not_found(format!(
        "There is no sandbox control endpoint {} {}.",
        req.method(),
        req.uri().path()
    ))
}

/// `POST /_sandbox/reset`: empty campus (definition and credentials kept), no faults, empty log.
async fn reset(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.campus_mut().reset();
    *shared.faults() = None;
    shared.log().clear();
    Json(json!({ "reset": true }))
}

/// `GET /_sandbox/invitations`: the pending invitations.
async fn invitations(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let campus = shared.campus();
    let list: Vec<Value> = campus
        .data
        .invitations
        .values()
        .map(|i| {
            json!({
                "userId": i.id,
                "email": i.email,
                "displayName": i.displayname,
                "firstName": i.firstname,
                "lastName": i.lastname,
                "title": i.title,
                "teamId": i.team.letters(),
                "permission": i.permission.as_str(),
                "invitedAt": iso_z(i.invited_at),
            })
        })
        .collect();
    Json(json!({ "invitations": list }))
}

/// `POST /_sandbox/invitations/accept` `{"email"}`: the pending invitation becomes a member.
async fn accept(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let email = req_str(object(&body)?, "email")?;
    let mut campus = shared.campus_mut();
    let user = campus
        .data
        .accept_invitation(email, Utc::now())
        .map(Member::to_json)
        .ok_or_else(|| ApiError::not_found(format!("No pending invitation for \"{email}\".")))?;
    Ok(Json(json!({ "user": user })))
}

/// `GET /_sandbox/profile-fields`.
async fn profile_fields(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "fields": shared.campus().profile_fields }))
}

/// `POST /_sandbox/profile-fields` `{"fields":[…]}`: the campus-defined profile fields.
/// Values of fields no longer defined are dropped.
async fn set_profile_fields(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let items = object(&body)?
        .get("fields")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::bad_request("`fields` is required: an array of field names."))?;
    let mut fields: Vec<String> = Vec::new();
    for item in items {
        let name = item
            .as_str()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Field names must be non-blank strings; got {item}."
                ))
            })?;
        if FIXED_PROFILE_KEYS.contains(&name) {
            return Err(ApiError::bad_request(format!(
                "`{name}` is a built-in profile key, not a campus field."
            )));
        }
        if fields.iter().any(|f| f == name) {
            return Err(ApiError::bad_request(format!("`{name}` is listed twice.")));
        }
        fields.push(name.to_string());
    }
    let mut campus = shared.campus_mut();
    for member in campus.data.members.values_mut() {
        member.profile.retain(|k, _| fields.contains(k));
    }
    campus.profile_fields = fields.clone();
    Ok(Json(json!({ "fields": fields })))
}

/// `POST /_sandbox/credentials` `{"clientId","clientSecret"}`: the old pair fails at once.
async fn rotate_credentials(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let obj = object(&body)?;
    let client_id = req_str(obj, "clientId")?.to_string();
    let client_secret = req_str(obj, "clientSecret")?.to_string();
    shared.set_credentials(Credentials {
        client_id: client_id.clone(),
        client_secret,
    });
    Ok(Json(json!({ "clientId": client_id })))
}

/// `GET /_sandbox/faults`.
async fn faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "faults": *shared.faults() }))
}

/// `POST /_sandbox/faults`: replaces the fault plan.
async fn set_faults(
    State(shared): State<Arc<Shared>>,
    JsonBody(request): JsonBody<FaultRequest>,
) -> Result<Json<Value>, ApiError> {
    let plan = FaultPlan::from_request(request)?;
    *shared.faults() = Some(plan.clone());
    Ok(Json(json!({ "faults": plan })))
}

/// `DELETE /_sandbox/faults`.
async fn clear_faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    *shared.faults() = None;
    Json(json!({ "faults": null }))
}

/// `GET /_sandbox/log`: API calls in the order received.
async fn log(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "calls": shared.log().calls() }))
}

/// `DELETE /_sandbox/log`.
async fn clear_log(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.log().clear();
    Json(json!({ "calls": [] }))
}

/// `GET /_sandbox/purchases`: spaces bought through the Product API.
async fn purchases(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let campus = shared.campus();
    let list: Vec<Value> = campus
        .data
        .purchases
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "pricingId": p.pricing_id,
                "email": p.email,
                "firstName": p.first_name,
                "lastName": p.last_name,
                "remoteSystemSubscriptionId": p.remote_id,
                "createdAt": iso_z(p.created_at),
            })
        })
        .collect();
    Json(json!({ "purchases": list }))
}

/// `GET /_sandbox/summary`: how much the campus holds.
async fn summary(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let campus = shared.campus();
    let data = &campus.data;
    let room_sessions: usize = data.room_sessions.values().map(SessionLog::len).sum();
    let volume_sessions: usize = data.volumes.values().map(SessionLog::len).sum();
    Json(json!({
        "clientName": campus.client_name,
        "members": data.members.len(),
        "suspended": data.members.values().filter(|m| m.role == Role::Suspended).count(),
        "pendingInvitations": data.invitations.len(),
        "profileFields": campus.profile_fields,
        "rooms": data.rooms.len(),
        "roomSessions": room_sessions,
        "volumes": data.volumes.keys().collect::<Vec<_>>(),
        "volumeSessions": volume_sessions,
        "waitlist": {
            "called": data.waitlist.len(WaitlistKind::Called),
            "helpDone": data.waitlist.len(WaitlistKind::HelpDone),
            "supportEnd": data.waitlist.len(WaitlistKind::SupportEnd),
        },
        "purchases": data.purchases.len(),
    }))
}

#[cfg(test)]
mod tests;
