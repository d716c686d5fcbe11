//! `POST /_sandbox/users`: add accepted members directly (blank profiles unless given).
//! All-or-nothing: one invalid entry refuses the whole batch with a 400.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::sandbox::api::derive_display_name;
use crate::sandbox::errors::{ApiError, JsonBody};
use crate::sandbox::state::Shared;
use crate::sandbox::state::{Campus, Hardware, Member, Role, is_blank};
use crate::sandbox::wire::parse_instant;
use crate::virbela::domain::{Email, Permission, TeamId, UserId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UsersBody {
    users: Vec<UserInput>,
}

/// One member to add; keys as `GET /User` shows them (camelCase aliases accepted).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserInput {
    #[serde(rename = "userId", alias = "objectId")]
    user_id: Option<String>,
    email: String,
    #[serde(default, alias = "firstName")]
    firstname: Option<String>,
    #[serde(default, alias = "lastName")]
    lastname: Option<String>,
    #[serde(default, alias = "displayName")]
    displayname: Option<String>,
    #[serde(default, rename = "teamId")]
    team_id: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    hardware: Option<HardwareInput>,
    #[serde(default, rename = "profileLastUpdatedAt")]
    profile_last_updated_at: Option<String>,
    #[serde(default)]
    profile: Option<Map<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HardwareInput {
    #[serde(default)]
    os: String,
    #[serde(default)]
    processor: String,
    #[serde(default)]
    gfx: String,
    #[serde(default)]
    ram: Option<Value>,
    #[serde(default)]
    device: String,
    #[serde(default, rename = "hardwareId")]
    hardware_id: String,
}

fn bad(i: usize, msg: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("users[{i}]: {msg}"))
}

fn build(campus: &mut Campus, i: usize, input: UserInput) -> Result<Member, ApiError> {
    let email = input.email.parse::<Email>().map_err(|e| bad(i, e))?;
    if campus.data.member_by_email(email.as_str()).is_some() {
        return Err(bad(i, format!("\"{email}\" is already a campus member.")));
    }
    if campus
        .data
        .invitations
        .contains_key(&email.as_str().to_ascii_lowercase())
    {
        return Err(bad(
            i,
            format!(
                "\"{email}\" has a pending invitation; accept it with POST /_sandbox/invitations/accept."
            ),
        ));
    }
    let id = match input.user_id {
        Some(raw) => {
            let id = raw
                .parse::<UserId>()
                .map_err(|e| bad(i, e))?
                .as_str()
                .to_string();
            let taken = campus.data.members.contains_key(&id)
                || campus.data.invitations.values().any(|v| v.id == id);
            if taken {
                return Err(bad(i, format!("userId \"{id}\" is already used.")));
            }
            id
        }
        None => campus.fresh_user_id(),
    };
    let firstname = input.firstname.unwrap_or_default();
    let lastname = input.lastname.unwrap_or_default();
    let displayname = match input.displayname.filter(|d| !d.trim().is_empty()) {
        Some(d) if campus.data.display_name_taken(d.trim(), None) => {
            return Err(bad(
                i,
                format!("display name \"{}\" is already used.", d.trim()),
            ));
        }
        Some(d) => d.trim().to_string(),
        None => {
            let wanted = derive_display_name(&firstname, &lastname, email.as_str());
            campus.unique_display_name(&wanted, None)
        }
    };
    let team = match input.team_id.filter(|t| !t.trim().is_empty()) {
        Some(t) => t.parse::<TeamId>().map_err(|e| bad(i, e))?,
        None => TeamId::A,
    };
    let role = match input.role.filter(|r| !r.trim().is_empty()) {
        Some(r) => Role::parse(&r).ok_or_else(|| {
            bad(
                i,
                format!(
                    "role \"{r}\" is not one of member, leader, moderator, admin, owner, suspended."
                ),
            )
        })?,
        None => Role::Active(Permission::Member),
    };
    let hardware = input.hardware.map(|h| Hardware {
        os: h.os,
        processor: h.processor,
        gfx: h.gfx,
        ram: match h.ram {
            Some(Value::String(s)) => s,
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        },
        device: h.device,
        hardware_id: h.hardware_id,
    });
    let profile_updated_at = match input.profile_last_updated_at {
        Some(raw) => parse_instant(&raw).ok_or_else(|| {
            bad(
                i,
                format!(
                    "profileLastUpdatedAt \"{raw}\" is not an ISO 8601 date-time with an offset."
                ),
            )
        })?,
        None => Utc::now(),
    };
    let mut profile = IndexMap::new();
    for (field, value) in input.profile.unwrap_or_default() {
        if !campus.profile_fields.contains(&field) {
            return Err(bad(
                i,
                format!(
                    "`{field}` is not a profile field of this campus ({}).",
                    campus.profile_fields.join(", ")
                ),
            ));
        }
        if matches!(value, Value::Array(_) | Value::Object(_)) {
            return Err(bad(
                i,
                format!("profile `{field}` must be a string, a number or a boolean."),
            ));
        }
        if !is_blank(&value) {
            profile.insert(field, value);
        }
    }
    Ok(Member {
        id,
        email: email.as_str().to_string(),
        firstname,
        lastname,
        displayname,
        title: input.title.unwrap_or_default(),
        team,
        role,
        hardware,
        profile,
        profile_updated_at,
    })
}

/// Adds every member, or none.
fn add_all(campus: &mut Campus, body: UsersBody) -> Result<Vec<Value>, ApiError> {
    let mut added: Vec<String> = Vec::new();
    for (i, input) in body.users.into_iter().enumerate() {
        match build(campus, i, input) {
            Ok(member) => {
                added.push(member.id.clone());
                campus.data.add_member(member);
            }
            Err(e) => {
                for id in &added {
                    campus.data.remove_member(id);
                }
                return Err(e);
            }
        }
    }
    Ok(added
        .iter()
        .filter_map(|id| campus.data.members.get(id))
        .map(Member::to_json)
        .collect())
}

/// `POST /_sandbox/users` `{"users":[…]}` → `{"users":[user objects]}`.
pub(super) async fn add(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody<UsersBody>,
) -> Result<Json<Value>, ApiError> {
    let users = add_all(&mut shared.campus_mut(), body)?;
    Ok(Json(json!({ "users": users })))
}
