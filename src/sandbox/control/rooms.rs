//! `POST /_sandbox/rooms` `{"rooms":[…]}`: add or replace rooms by `objectId`, given as
//! `GET /Rooms/World/{clientName}` shows them. `teamAccess` (1-based numbers) and
//! `teamAccessFriendly` (letters) are checked against each other; either one alone is
//! completed from the other.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::sandbox::errors::{ApiError, JsonBody};
use crate::sandbox::state::{HardUserLimit, Room, Shared, team_access};
use crate::sandbox::wire::{numeric_text, parse_instant};
use crate::virbela::domain::{RoomId, TeamId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoomsBody {
    rooms: Vec<RoomInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RoomInput {
    object_id: String,
    visible_on: Option<Vec<String>>,
    level_name: Option<String>,
    instance: Option<i64>,
    custom_label: Option<String>,
    name: Option<String>,
    #[serde(rename = "SFSRoom")]
    sfs_room: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
    group_access: Option<Vec<Value>>,
    group: Option<String>,
    team_access: Option<Vec<Value>>,
    team_access_friendly: Option<Vec<String>>,
    hard_user_limit_options: Option<HardUserLimitInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HardUserLimitInput {
    #[serde(default)]
    dialog_title: String,
    #[serde(default)]
    dialog_message: String,
}

fn bad(i: usize, msg: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("rooms[{i}]: {msg}"))
}

fn time(
    i: usize,
    field: &str,
    raw: Option<&str>,
    default: DateTime<Utc>,
) -> Result<DateTime<Utc>, ApiError> {
    match raw {
        None => Ok(default),
        Some(raw) => parse_instant(raw).ok_or_else(|| {
            bad(
                i,
                format!("`{field}` \"{raw}\" is not an ISO 8601 date-time with an offset."),
            )
        }),
    }
}

/// Teams from `teamAccess` numbers (1-based) and/or `teamAccessFriendly` letters.
fn teams(
    i: usize,
    numbers: Option<&[Value]>,
    letters: Option<&[String]>,
) -> Result<Option<Vec<TeamId>>, ApiError> {
    let from_numbers = numbers
        .map(|ns| {
            ns.iter()
                .map(|n| {
                    numeric_text(n)
                        .and_then(|t| t.parse::<i64>().ok())
                        .and_then(|n| TeamId::from_index(n - 1).ok())
                        .ok_or_else(|| bad(i, format!("`teamAccess` entry {n} is not a team number 1–78 (\"2\" is team B).")))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let from_letters = letters
        .map(|ls| {
            ls.iter()
                .map(|l| {
                    l.parse::<TeamId>()
                        .map_err(|e| bad(i, format!("`teamAccessFriendly`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    match (from_numbers, from_letters) {
        (Some(a), Some(b)) if a != b => Err(bad(
            i,
            "`teamAccess` and `teamAccessFriendly` do not pair up (\"2\" is \"B\": numbers are 1-based).",
        )),
        (a, b) => Ok(a.or(b)),
    }
}

fn build(i: usize, r: RoomInput, now: DateTime<Utc>) -> Result<Room, ApiError> {
    let object_id = r
        .object_id
        .parse::<RoomId>()
        .map_err(|e| bad(i, e))?
        .as_str()
        .to_string();
    let name = r
        .name
        .or_else(|| r.custom_label.clone())
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| bad(i, "`name` is required."))?;
    let sfs_room = r
        .sfs_room
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| name.chars().filter(|c| c.is_ascii_alphanumeric()).collect());
    let created_at = time(i, "createdAt", r.created_at.as_deref(), now)?;
    let updated_at = time(i, "updatedAt", r.updated_at.as_deref(), created_at)?;
    let access = teams(
        i,
        r.team_access.as_deref(),
        r.team_access_friendly.as_deref(),
    )?;
    let (team_access, team_access_friendly) = match access {
        Some(t) => {
            let (numbers, letters) = team_access(&t);
            (Some(numbers), Some(letters))
        }
        None => (None, None),
    };
    Ok(Room {
        object_id,
        visible_on: r.visible_on.unwrap_or_else(|| vec!["GOTO".to_string()]),
        level_name: r.level_name.unwrap_or_else(|| "workspace".to_string()),
        instance: r.instance.unwrap_or(0),
        custom_label: r.custom_label,
        name,
        sfs_room,
        created_at,
        updated_at,
        group_access: r.group_access,
        group: r.group,
        team_access,
        team_access_friendly,
        hard_user_limit_options: r.hard_user_limit_options.map(|h| HardUserLimit {
            dialog_title: h.dialog_title,
            dialog_message: h.dialog_message,
        }),
    })
}

/// `POST /_sandbox/rooms` → `{"count": <rooms now in the campus>, "added": <rooms given>}`.
pub(super) async fn add(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<RoomsBody>,
) -> Result<Json<Value>, ApiError> {
    let now = Utc::now();
    let rooms = body
        .rooms
        .into_iter()
        .enumerate()
        .map(|(i, r)| build(i, r, now))
        .collect::<Result<Vec<_>, _>>()?;
    let added = rooms.len();
    let mut campus = shared.campus_mut();
    for room in rooms {
        campus.data.rooms.insert(room.object_id.clone(), room);
    }
    Ok(Json(
        json!({ "count": campus.data.rooms.len(), "added": added }),
    ))
}
