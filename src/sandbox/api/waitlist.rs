//! Waitlist events: `GET /Activity/Waitlist/{Called,HelpDone,SupportEnd}` with `start`,
//! `stop` (required; no 90-day limit is documented for these), `limit`, `offset` and an
//! exact `sfsRoom` filter. They also need the `V-Client-Name` header: missing → 400,
//! another campus's name → 404. Answer `data: {"count": <total matching>, "results": […]}`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::rooms::unknown_world;
use crate::sandbox::auth::{CLIENT_NAME, header_text};
use crate::sandbox::errors::{ApiError, success};
use crate::sandbox::state::{Shared, WaitlistKind};
use crate::sandbox::wire::{QueryParams, page};

fn title(kind: WaitlistKind) -> &'static str {
    match kind {
        WaitlistKind::Called => "Successfully retrieved waitlist called events",
        WaitlistKind::HelpDone => "Successfully retrieved waitlist help done events",
        WaitlistKind::SupportEnd => "Successfully retrieved waitlist support end events",
    }
}

fn events(
    shared: &Shared,
    headers: &HeaderMap,
    q: &QueryParams,
    kind: WaitlistKind,
) -> Result<Response, ApiError> {
    let name = header_text(headers, CLIENT_NAME).filter(|n| !n.trim().is_empty()).ok_or_else(|| {
        ApiError::bad_request(
            "The V-Client-Name header is required by the waitlist endpoints (the campus client name, as in GET /Rooms/World/{clientName}).",
        )
    })?;
    let range = q.window()?;
    let offset = q.number("offset", 0)?.unwrap_or(0);
    let limit = q.number("limit", 1)?;
    let room = q.get("sfsRoom");
    let (start, stop) = (
        range.start().timestamp_millis(),
        range.stop().timestamp_millis(),
    );
    let (count, results) = {
        let campus = shared.campus();
        if name != campus.client_name {
            return Err(unknown_world(name));
        }
        let waitlist = &campus.data.waitlist;
        let count = waitlist.query(kind, start, stop, room).count();
        let results: Vec<Value> = page(waitlist.query(kind, start, stop, room), offset, limit)
            .into_iter()
            .map(|e| e.to_json(kind))
            .collect();
        (count, results)
    };
    let detail = format!("{count} events matched; {} returned.", results.len());
    Ok(success(
        title(kind),
        detail,
        Some(json!({ "count": count, "results": results })),
    ))
}

/// `GET /Activity/Waitlist/Called`.
pub(super) async fn called(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    q: QueryParams,
) -> Result<Response, ApiError> {
    events(&shared, &headers, &q, WaitlistKind::Called)
}

/// `GET /Activity/Waitlist/HelpDone`.
pub(super) async fn help_done(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    q: QueryParams,
) -> Result<Response, ApiError> {
    events(&shared, &headers, &q, WaitlistKind::HelpDone)
}

/// `GET /Activity/Waitlist/SupportEnd`.
pub(super) async fn support_end(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    q: QueryParams,
) -> Result<Response, ApiError> {
    events(&shared, &headers, &q, WaitlistKind::SupportEnd)
}

#[cfg(test)]
mod tests;
