//! Member profile endpoints: `GET /MemberProfile?limit&offset&order`,
//! `GET /MemberProfile/{userId}`, `PUT /MemberProfile/{userId}`. Only fields the campus
//! defines can be set (fields are created in the dashboard); blank fields are omitted.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::users::unknown_user;
use crate::sandbox::errors::{ApiError, JsonBody, Param, success};
use crate::sandbox::state::{Campus, FIXED_PROFILE_KEYS, Member, Shared, is_blank};
use crate::sandbox::wire::{QueryParams, kind, object, page};

/// Default page size of `GET /MemberProfile`.
const DEFAULT_PROFILE_LIMIT: usize = 1000;

/// A sortable view of one profile key.
#[derive(Debug, PartialEq)]
enum SortKey {
    Missing,
    Number(f64),
    Time(DateTime<Utc>),
    Text(String),
}

impl SortKey {
    fn rank(&self) -> u8 {
        match self {
            SortKey::Missing => 0,
            SortKey::Number(_) => 1,
            SortKey::Time(_) => 2,
            SortKey::Text(_) => 3,
        }
    }

    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Time(a), SortKey::Time(b)) => a.cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

fn sort_key(m: &Member, key: &str) -> SortKey {
    let text = |s: &str| SortKey::Text(s.to_string());
    match key {
        "email" => text(&m.email),
        "firstname" => text(&m.firstname),
        "lastname" => text(&m.lastname),
        "userId" => text(&m.id),
        "updatedAt" => SortKey::Time(m.profile_updated_at),
        field => match m.profile.get(field) {
            Some(v) if is_blank(v) => SortKey::Missing,
            Some(Value::Number(n)) => n.as_f64().map_or(SortKey::Missing, SortKey::Number),
            Some(Value::String(s)) => text(s),
            Some(other) => text(&other.to_string()),
            None => SortKey::Missing,
        },
    }
}

/// `(key, descending)` from `order`, checked against the profile keys.
fn parse_order<'a>(campus: &Campus, order: &'a str) -> Result<(&'a str, bool), ApiError> {
    let order = order.trim();
    let (key, descending) = match order.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (order.strip_prefix('+').unwrap_or(order), false),
    };
    let known = FIXED_PROFILE_KEYS.contains(&key) || campus.profile_fields.iter().any(|f| f == key);
    if known {
        Ok((key, descending))
    } else {
        let mut keys: Vec<&str> = FIXED_PROFILE_KEYS.to_vec();
        keys.extend(campus.profile_fields.iter().map(String::as_str));
        Err(ApiError::bad_request(format!(
            "Cannot order by `{key}`: use one of {} (prefix with '-' for descending order).",
            keys.join(", ")
        )))
    }
}

/// `GET /MemberProfile?limit&offset&order`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let limit = q.number("limit", 1)?.unwrap_or(DEFAULT_PROFILE_LIMIT);
    let offset = q.number("offset", 0)?.unwrap_or(0);
    let (profiles, count) = {
        let campus = shared.campus();
        let mut members: Vec<&Member> = campus.data.members.values().collect();
        if let Some(order) = q.get("order") {
            let (key, descending) = parse_order(&campus, order)?;
            let mut keyed: Vec<(SortKey, &Member)> =
                members.iter().map(|m| (sort_key(m, key), *m)).collect();
            // Stable: equal keys keep creation order either way.
            keyed.sort_by(|a, b| {
                let o = a.0.cmp(&b.0);
                if descending { o.reverse() } else { o }
            });
            members = keyed.into_iter().map(|(_, m)| m).collect();
        }
        let profiles: Vec<Value> = page(members.into_iter(), offset, Some(limit))
            .into_iter()
            .map(|m| m.profile_json(&campus.profile_fields, true))
            .collect();
        (profiles, campus.data.members.len())
    };
    let detail = format!("Retrieved {} member profiles.", profiles.len());
    Ok(success(
        "Successfully retrieved member profiles",
        detail,
        Some(json!({ "memberProfiles": profiles, "count": count })),
    ))
}

/// `GET /MemberProfile/{userId}`.
pub(super) async fn get_one(
    State(shared): State<Arc<Shared>>,
    Param(id): Param,
) -> Result<Response, ApiError> {
    let (profile, world) = {
        let campus = shared.campus();
        let profile = campus
            .data
            .members
            .get(&id)
            .map(|m| m.profile_json(&campus.profile_fields, false));
        (profile, campus.client_name.clone())
    };
    let profile = profile.ok_or_else(|| unknown_user(&id))?;
    Ok(success(
        "Successfully retrieved member profile",
        format!("Retrieved member profile for user {id} in world {world}."),
        Some(json!({ "memberProfile": profile })),
    ))
}

/// A validated profile edit.
struct Edit {
    update: Vec<(String, Value)>,
    unset: Vec<String>,
}

fn check_field(campus: &Campus, field: &str) -> Result<(), ApiError> {
    if campus.profile_fields.iter().any(|f| f == field) {
        return Ok(());
    }
    let defined = if campus.profile_fields.is_empty() {
        "this campus defines none".to_string()
    } else {
        format!(
            "the defined fields are {}",
            campus.profile_fields.join(", ")
        )
    };
    if FIXED_PROFILE_KEYS.contains(&field) {
        Err(ApiError::bad_request(format!(
            "`{field}` cannot be edited through the profile API; only campus profile fields can ({defined})."
        )))
    } else {
        Err(ApiError::bad_request(format!(
            "`{field}` is not a profile field of this campus; {defined}. Fields are created in the Virbela dashboard."
        )))
    }
}

fn parse_edit(campus: &Campus, body: &Value) -> Result<Edit, ApiError> {
    let obj = object(body)?;
    if let Some(other) = obj.keys().find(|k| *k != "update" && *k != "unset") {
        return Err(ApiError::bad_request(format!(
            "Unknown key `{other}`: the body is {{\"update\": {{field: value…}}, \"unset\": [field…]}}."
        )));
    }
    let update = match obj.get("update") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(fields)) => fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`update` must be an object of field → value; got {}.",
                kind(other)
            )));
        }
    };
    let unset = match obj.get("unset") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "`unset` must list field names (strings); got {}.",
                        kind(v)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`unset` must be an array of field names; got {}.",
                kind(other)
            )));
        }
    };
    if !obj.contains_key("update") && !obj.contains_key("unset") {
        return Err(ApiError::bad_request(
            "Nothing to change: give `update` (an object of field → value) and/or `unset` (an array of field names).",
        ));
    }
    for (field, value) in &update {
        check_field(campus, field)?;
        if matches!(value, Value::Array(_) | Value::Object(_)) {
            return Err(ApiError::bad_request(format!(
                "The value of `{field}` must be a string, a number or a boolean; got {}.",
                kind(value)
            )));
        }
    }
    for field in &unset {
        check_field(campus, field)?;
        if update.iter().any(|(f, _)| f == field) {
            return Err(ApiError::bad_request(format!(
                "`{field}` is both in `update` and in `unset`."
            )));
        }
    }
    Ok(Edit { update, unset })
}

fn update_in(
    campus: &mut Campus,
    id: &str,
    body: &Value,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    if !campus.data.members.contains_key(id) {
        return Err(unknown_user(id));
    }
    let edit = parse_edit(campus, body)?;
    let fields = campus.profile_fields.clone();
    let member = campus
        .data
        .members
        .get_mut(id)
        .ok_or_else(|| unknown_user(id))?;
    for (field, value) in edit.update {
        if is_blank(&value) {
            member.profile.shift_remove(&field);
        } else {
            member.profile.insert(field, value);
        }
    }
    for field in edit.unset {
        member.profile.shift_remove(&field);
    }
    member.touch(now);
    Ok(member.profile_json(&fields, false))
}

/// `PUT /MemberProfile/{userId}` with `{"update":{…},"unset":[…]}`.
pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Param(id): Param,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (profile, world) = {
        let mut campus = shared.campus_mut();
        let profile = update_in(&mut campus, &id, &body, Utc::now())?;
        (profile, campus.client_name.clone())
    };
    Ok(success(
        "Successfully updated member profile",
        format!("Updated member profile for user {id} in world {world}."),
        Some(json!({ "updatedMemberProfile": profile })),
    ))
}

#[cfg(test)]
mod tests;
