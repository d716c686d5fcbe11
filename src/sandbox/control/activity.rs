//! Activity imports: `POST /_sandbox/attendance` (sessions for a room or a private
//! volume; 200,000 in one call is fine) and `POST /_sandbox/waitlist` (Called, HelpDone
//! and SupportEnd events, numbers as numbers or strings).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::sandbox::errors::{ApiError, JsonBody, RawBody, parse_json};
use crate::sandbox::state::{Session, Shared, WaitlistEvent, WaitlistKind};
use crate::sandbox::wire::{kind, numeric_text, object, parse_instant};
use crate::virbela::domain::{UserId, VolumeId};

/// The import body; session strings borrow from the request bytes (200,000 sessions
/// would otherwise be 600,000 small allocations).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AttendanceBody<'a> {
    room_id: Option<String>,
    volume_id: Option<String>,
    #[serde(borrow)]
    sessions: Vec<SessionInput<'a>>,
}

/// A number or a string holding one (`15.44`, `"15.44"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum NumberOrText<'a> {
    Number(f64),
    #[serde(borrow)]
    Text(Cow<'a, str>),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SessionInput<'a> {
    #[serde(borrow)]
    user_id: Cow<'a, str>,
    #[serde(borrow)]
    join_time: Cow<'a, str>,
    #[serde(borrow)]
    leave_time: Cow<'a, str>,
    #[serde(default, borrow)]
    talk_minutes: Option<NumberOrText<'a>>,
}

fn bad(i: usize, msg: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("sessions[{i}]: {msg}"))
}

fn sessions(inputs: Vec<SessionInput<'_>>) -> Result<Vec<Session>, ApiError> {
    let mut users: HashMap<String, Arc<str>> = HashMap::new();
    let mut out = Vec::with_capacity(inputs.len());
    for (i, s) in inputs.into_iter().enumerate() {
        let user = match users.get(s.user_id.as_ref()) {
            Some(u) => u.clone(),
            None => {
                let id = s.user_id.parse::<UserId>().map_err(|e| bad(i, e))?;
                let arc: Arc<str> = Arc::from(id.as_str());
                users.insert(s.user_id.to_string(), arc.clone());
                arc
            }
        };
        let instant = |field: &str, raw: &str| {
            parse_instant(raw).ok_or_else(|| {
                bad(
                    i,
                    format!("`{field}` \"{raw}\" is not an ISO 8601 date-time with an offset."),
                )
            })
        };
        let join = instant("joinTime", &s.join_time)?.timestamp_millis();
        let leave = instant("leaveTime", &s.leave_time)?.timestamp_millis();
        if leave < join {
            return Err(bad(i, "`leaveTime` is before `joinTime`."));
        }
        let talk_minutes = match s.talk_minutes {
            None => 0.0,
            Some(NumberOrText::Number(n)) => n,
            Some(NumberOrText::Text(t)) => t
                .trim()
                .parse::<f64>()
                .map_err(|_| bad(i, format!("`talkMinutes` \"{t}\" is not a number.")))?,
        };
        if !talk_minutes.is_finite() || talk_minutes < 0.0 {
            return Err(bad(
                i,
                "`talkMinutes` must be a number of minutes, zero or more.",
            ));
        }
        out.push(Session {
            join,
            leave,
            user,
            talk_minutes,
        });
    }
    Ok(out)
}

/// `POST /_sandbox/attendance` `{"roomId" | "volumeId", "sessions":[…]}` → `{"added":N}`.
/// An unknown room is a 404; an unknown volume is created.
pub(super) async fn add_attendance(
    State(shared): State<Arc<Shared>>,
    RawBody(bytes): RawBody,
) -> Result<Json<Value>, ApiError> {
    let body: AttendanceBody<'_> = parse_json(&bytes)?;
    let new = sessions(body.sessions)?;
    let added = new.len();
    let mut campus = shared.campus_mut();
    match (body.room_id, body.volume_id) {
        (Some(room), None) => {
            if !campus.data.rooms.contains_key(&room) {
                return Err(ApiError::not_found(format!(
                    "No room with id \"{room}\"; add it first with POST /_sandbox/rooms."
                )));
            }
            campus
                .data
                .room_sessions
                .entry(room)
                .or_default()
                .append(new);
        }
        (None, Some(volume)) => {
            let volume = volume
                .parse::<VolumeId>()
                .map_err(|e| ApiError::bad_request(format!("`volumeId`: {e}")))?;
            campus
                .data
                .volumes
                .entry(volume.as_str().to_string())
                .or_default()
                .append(new);
        }
        _ => {
            return Err(ApiError::bad_request(
                "Give exactly one of `roomId` and `volumeId`.",
            ));
        }
    }
    Ok(Json(json!({ "added": added })))
}

fn event(kind_: WaitlistKind, key: &str, i: usize, v: &Value) -> Result<WaitlistEvent, ApiError> {
    let bad = |msg: String| ApiError::bad_request(format!("{key}[{i}]: {msg}"));
    let obj: &Map<String, Value> = v
        .as_object()
        .ok_or_else(|| bad(format!("an event must be an object; got {}.", kind(v))))?;
    let known = |k: &str| {
        ["userId", "room", "time"].contains(&k) || kind_.fields().iter().any(|(f, _)| *f == k)
    };
    if let Some(unknown) = obj.keys().find(|k| !known(k)) {
        let names: Vec<&str> = kind_.fields().iter().map(|(f, _)| *f).collect();
        return Err(bad(format!(
            "unknown field `{unknown}` (the fields are userId, room, time, {}).",
            names.join(", ")
        )));
    }
    let text = |field: &str| -> Result<String, ApiError> {
        match obj.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => Err(bad(format!("`{field}` is required (a string)."))),
        }
    };
    let user_id = text("userId")?;
    let room = text("room")?;
    let raw_time = text("time")?;
    let time = parse_instant(&raw_time)
        .ok_or_else(|| {
            bad(format!(
                "`time` \"{raw_time}\" is not an ISO 8601 date-time with an offset."
            ))
        })?
        .timestamp_millis();
    let mut values = Vec::new();
    for (field, numeric) in kind_.fields() {
        let value = match (obj.get(*field), numeric) {
            (None | Some(Value::Null), true) => "0".to_string(),
            (None | Some(Value::Null), false) => String::new(),
            (Some(v), true) => numeric_text(v).ok_or_else(|| {
                bad(format!(
                    "`{field}` must be a number (or a string holding one); got {v}."
                ))
            })?,
            (Some(Value::String(s)), false) => s.clone(),
            (Some(v), false) => {
                return Err(bad(format!("`{field}` must be a string; got {}.", kind(v))));
            }
        };
        values.push(value);
    }
    Ok(WaitlistEvent {
        time,
        user_id,
        room,
        values,
    })
}

/// `POST /_sandbox/waitlist` `{"called":[…],"helpDone":[…],"supportEnd":[…]}` → `{"added":N}`.
pub(super) async fn add_waitlist(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let obj = object(&body)?;
    if let Some(unknown) = obj
        .keys()
        .find(|k| !WaitlistKind::ALL.iter().any(|w| w.body_key() == k.as_str()))
    {
        return Err(ApiError::bad_request(format!(
            "Unknown key `{unknown}`: use called, helpDone and supportEnd."
        )));
    }
    let mut batches = Vec::new();
    for kind_ in WaitlistKind::ALL {
        let key = kind_.body_key();
        let events = match obj.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| event(kind_, key, i, v))
                .collect::<Result<Vec<_>, _>>()?,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "`{key}` must be an array of events; got {}.",
                    kind(other)
                )));
            }
        };
        batches.push((kind_, events));
    }
    let added: usize = batches.iter().map(|(_, e)| e.len()).sum();
    let mut campus = shared.campus_mut();
    for (kind_, events) in batches {
        campus.data.waitlist.append(kind_, events);
    }
    Ok(Json(json!({ "added": added })))
}
