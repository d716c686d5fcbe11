//! `GET /Rooms/World/{clientName}`: `{"count":N,"data":[rooms]}` (no `responseCode`);
//! another client name is a 404.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sandbox::errors::{ApiError, Param};
use crate::sandbox::state::Shared;

/// The 404 for a client name that is not this campus's.
pub(crate) fn unknown_world(name: &str) -> ApiError {
    ApiError::not_found(format!(
        "No world with client name \"{name}\" is reachable with these credentials."
    ))
}

/// `GET /Rooms/World/{clientName}`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Param(name): Param,
) -> Result<Response, ApiError> {
    let rooms: Vec<Value> = {
        let campus = shared.campus();
        if name != campus.client_name {
            return Err(unknown_world(&name));
        }
        campus
            .data
            .rooms
            .values()
            .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
            .collect()
    };
    Ok(Json(json!({ "count": rooms.len(), "data": rooms })).into_response())
}
