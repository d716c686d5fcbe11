//! The 15 endpoints, one file per capability, as methods of [`super::VirbelaClient`].

mod attendance;
mod profiles;
mod rooms;
mod spaces;
mod users;
mod waitlist;

/// A request body as JSON. Our request types are plain structs of strings, numbers and
/// booleans, which always serialize.
fn request_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
