//! The customer API routes (users, profiles, Product API purchase, rooms, attendance,
//! waitlist) with their middleware: call log and 1 MB body limit (outermost), fault
//! injection, then the credential check.

mod attendance;
mod profiles;
mod purchase;
mod rooms;
mod users;
mod waitlist;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use super::errors::{no_such_endpoint, wrong_method};
use super::state::Shared;
use super::{auth, call_log, faults};

pub(crate) use users::derive_display_name;

/// The API app (every path outside `/_sandbox`).
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/User/Invitation", post(users::invite))
        .route("/User", get(users::list))
        .route("/User/{user_id}", get(users::get_one))
        .route("/User/Membership/suspend", post(users::suspend))
        .route("/User/Membership/deleteMember", post(users::delete_member))
        .route("/MemberProfile", get(profiles::list))
        .route(
            "/MemberProfile/{user_id}",
            get(profiles::get_one).put(profiles::update),
        )
        .route("/api/purchase", post(purchase::create))
        .route("/Rooms/World/{client_name}", get(rooms::list))
        .route("/User/Attendance/Room/{room_id}", get(attendance::room))
        .route(
            "/User/Attendance/PrivateVolume/{volume_id}",
            get(attendance::volume),
        )
        .route("/Activity/Waitlist/Called", get(waitlist::called))
        .route("/Activity/Waitlist/HelpDone", get(waitlist::help_done))
        .route("/Activity/Waitlist/SupportEnd", get(waitlist::support_end))
        .fallback(no_such_endpoint)
        .method_not_allowed_fallback(wrong_method)
        .layer(from_fn_with_state(
            shared.clone(),
            auth::require_credentials,
        ))
        .layer(from_fn_with_state(shared.clone(), faults::inject))
        .layer(from_fn_with_state(shared.clone(), call_log::record))
        .with_state(shared)
}
