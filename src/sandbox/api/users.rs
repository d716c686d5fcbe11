//! User endpoints: `POST /User/Invitation`, `GET /User`, `GET /User/{userId}`,
//! `POST /User/Membership/suspend`, `POST /User/Membership/deleteMember`.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::sandbox::errors::{ApiError, JsonBody, Param, success};
use crate::sandbox::state::{Campus, Invitation, Member, Role, Shared};
use crate::sandbox::wire::{QueryParams, kind, object, opt_str, page, req_str};
use crate::virbela::domain::{Email, InvitationEmail, Permission, TeamId};

/// Default page size of `GET /User`.
const DEFAULT_USER_LIMIT: usize = 1000;

/// A validated invitation body.
#[derive(Debug)]
struct InviteRequest {
    email: Email,
    display_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    title: Option<String>,
    team: Option<TeamId>,
    permission: Option<Permission>,
    send: InvitationEmail,
    overwrite: bool,
}

/// An optional string-valued option parsed with `parse`; blank counts as absent.
fn opt_parsed<T, E: std::fmt::Display>(
    obj: &Map<String, Value>,
    field: &str,
    accepted: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<Option<T>, ApiError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => parse(s)
            .map(Some)
            .map_err(|e| ApiError::bad_request(format!("Invalid `{field}`: {e}."))),
        Some(other) => Err(ApiError::bad_request(format!(
            "Invalid `{field}`: expected a string ({accepted}), got {}.",
            kind(other)
        ))),
    }
}

fn parse_invite(body: &Value) -> Result<InviteRequest, ApiError> {
    let obj = object(body)?;
    let email = req_str(obj, "email")?
        .parse::<Email>()
        .map_err(|e| ApiError::bad_request(format!("Invalid `email`: {e}.")))?;
    let text = |field: &str| opt_str(obj, field).map(|s| s.map(str::to_string));
    let team = opt_parsed(obj, "teamId", "A–Z, AA–AZ or BA–BZ", str::parse::<TeamId>)?;
    let permission = opt_parsed(
        obj,
        "permission",
        "member, leader, moderator, admin or owner, lower case",
        // Exact words: no trimming, so " member" is refused like "Member".
        str::parse::<Permission>,
    )?;
    let send = opt_parsed(
        obj,
        "sendInvitationEmail",
        "all, newToVirbela, newToCampus or none",
        str::parse::<InvitationEmail>,
    )?
    .unwrap_or_default();
    let overwrite = match obj.get("overwriteData") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "Invalid `overwriteData`: expected true or false, got {}.",
                kind(other)
            )));
        }
    };
    Ok(InviteRequest {
        email,
        display_name: text("displayName")?,
        first_name: text("firstName")?,
        last_name: text("lastName")?,
        title: text("title")?,
        team,
        permission,
        send,
        overwrite,
    })
}

/// A display name for someone who did not choose one: first initial + last name
/// (`KBlevins`), else the name given, else the e-mail's local part, letters and digits only.
pub(crate) fn derive_display_name(first: &str, last: &str, email: &str) -> String {
    let clean = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    let (first, last) = (clean(first), clean(last));
    let name = match (first.chars().next(), last.is_empty()) {
        (Some(initial), false) => format!("{}{last}", initial.to_uppercase()),
        (None, false) => last,
        (Some(_), true) => first,
        (None, true) => clean(email.split('@').next().unwrap_or_default()),
    };
    if name.is_empty() {
        "User".to_string()
    } else {
        name
    }
}

/// The `data` of the invitation answer (convention in `virbela-api.md`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Invited {
    user_id: String,
    email: String,
    display_name: String,
    /// 0-based (A = 0 … BZ = 77).
    team_id: u8,
    role: &'static str,
    status: &'static str,
    invitation_email_sent: bool,
}

enum Case {
    New,
    Pending { updated: bool },
    Member { updated: bool },
}

fn apply_invite(campus: &mut Campus, req: InviteRequest, now: DateTime<Utc>) -> (Invited, Case) {
    let key = req.email.as_str().to_ascii_lowercase();
    let never_seen = campus.data.seen_emails.insert(key.clone());
    let sent = |not_yet_member: bool| match req.send {
        InvitationEmail::All => true,
        InvitationEmail::None => false,
        InvitationEmail::NewToCampus => not_yet_member,
        InvitationEmail::NewToVirbela => never_seen,
    };

    if let Some(id) = campus.data.member_by_email.get(&key).cloned() {
        let display = match (&req.display_name, req.overwrite) {
            (Some(wanted), true) => Some(campus.unique_display_name(wanted, Some(&id))),
            _ => None,
        };
        let email_sent = sent(false);
        if let Some(member) = campus.data.members.get_mut(&id) {
            let updated = req.overwrite && overwrite_member(member, &req, display, now);
            let data = Invited {
                user_id: member.id.clone(),
                email: member.email.clone(),
                display_name: member.displayname.clone(),
                team_id: member.team.index(),
                role: member.role.as_str(),
                status: "member",
                invitation_email_sent: email_sent,
            };
            return (data, Case::Member { updated });
        }
    }

    if let Some(id) = campus.data.invitations.get(&key).map(|i| i.id.clone()) {
        let display = match (&req.display_name, req.overwrite) {
            (Some(wanted), true) => Some(campus.unique_display_name(wanted, Some(&id))),
            _ => None,
        };
        let email_sent = sent(true);
        if let Some(invitation) = campus.data.invitations.get_mut(&key) {
            if req.overwrite {
                overwrite_invitation(invitation, &req, display);
            }
            invitation.invited_at = now;
            let data = Invited {
                user_id: invitation.id.clone(),
                email: invitation.email.clone(),
                display_name: invitation.displayname.clone(),
                team_id: invitation.team.index(),
                role: invitation.permission.as_str(),
                status: "pending",
                invitation_email_sent: email_sent,
            };
            return (
                data,
                Case::Pending {
                    updated: req.overwrite,
                },
            );
        }
    }

    let id = campus.fresh_user_id();
    let first = req.first_name.clone().unwrap_or_default();
    let last = req.last_name.clone().unwrap_or_default();
    let wanted = req
        .display_name
        .clone()
        .unwrap_or_else(|| derive_display_name(&first, &last, req.email.as_str()));
    let displayname = campus.unique_display_name(&wanted, None);
    let invitation = Invitation {
        id,
        email: req.email.as_str().to_string(),
        firstname: first,
        lastname: last,
        displayname,
        title: req.title.clone().unwrap_or_default(),
        team: req.team.unwrap_or(TeamId::A),
        permission: req.permission.unwrap_or(Permission::Member),
        invited_at: now,
    };
    let data = Invited {
        user_id: invitation.id.clone(),
        email: invitation.email.clone(),
        display_name: invitation.displayname.clone(),
        team_id: invitation.team.index(),
        role: invitation.permission.as_str(),
        status: "pending",
        invitation_email_sent: sent(true),
    };
    campus.data.invitations.insert(key, invitation);
    (data, Case::New)
}

/// Applies the provided fields; whether anything changed.
fn overwrite_member(
    m: &mut Member,
    req: &InviteRequest,
    display: Option<String>,
    now: DateTime<Utc>,
) -> bool {
    let mut changed = false;
    let mut set = |slot: &mut String, value: Option<&String>| {
        if let Some(v) = value.filter(|v| *v != slot) {
            slot.clone_from(v);
            changed = true;
        }
    };
    set(&mut m.displayname, display.as_ref());
    set(&mut m.firstname, req.first_name.as_ref());
    set(&mut m.lastname, req.last_name.as_ref());
    set(&mut m.title, req.title.as_ref());
    if let Some(team) = req.team.filter(|t| *t != m.team) {
        m.team = team;
        changed = true;
    }
    if let Some(role) = req.permission.map(Role::Active).filter(|r| *r != m.role) {
        m.role = role;
        changed = true;
    }
    if changed {
        m.touch(now);
    }
    changed
}

fn overwrite_invitation(i: &mut Invitation, req: &InviteRequest, display: Option<String>) {
    if let Some(d) = display {
        i.displayname = d;
    }
    for (slot, value) in [
        (&mut i.firstname, &req.first_name),
        (&mut i.lastname, &req.last_name),
        (&mut i.title, &req.title),
    ] {
        if let Some(v) = value {
            slot.clone_from(v);
        }
    }
    if let Some(team) = req.team {
        i.team = team;
    }
    if let Some(p) = req.permission {
        i.permission = p;
    }
}

/// `POST /User/Invitation`.
pub(super) async fn invite(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let req = parse_invite(&body)?;
    let (data, case) = apply_invite(&mut shared.campus_mut(), req, Utc::now());
    let mail = if data.invitation_email_sent {
        "The invitation e-mail was sent."
    } else {
        "No invitation e-mail was sent."
    };
    let email = &data.email;
    let detail = match case {
        Case::New => format!(
            "Invited \"{email}\"; the invitation is pending until the user accepts it. {mail}"
        ),
        Case::Pending { updated } => format!(
            "\"{email}\" already had a pending invitation; it was renewed{}. {mail}",
            if updated { " and its data updated" } else { "" }
        ),
        Case::Member { updated } => format!(
            "\"{email}\" is already a campus member; {}. {mail}",
            if updated {
                "their data was updated"
            } else {
                "their data was left unchanged"
            }
        ),
    };
    Ok(success("Successfully invited user", detail, Some(data)))
}

/// `GET /User?limit&skip`: accepted members (suspended included), in creation order.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let limit = q.number("limit", 1)?.unwrap_or(DEFAULT_USER_LIMIT);
    let skip = q.number("skip", 0)?.unwrap_or(0);
    let (users, world) = {
        let campus = shared.campus();
        let users: Vec<Value> = page(campus.data.members.values(), skip, Some(limit))
            .into_iter()
            .map(Member::to_json)
            .collect();
        (users, campus.client_name.clone())
    };
    let detail = format!("Retrieved data for {} users in world {world}", users.len());
    Ok(success("Successfully retrieved users", detail, Some(users)))
}

/// The 404 for a user id that is not an accepted member.
pub(crate) fn unknown_user(id: &str) -> ApiError {
    ApiError::not_found(format!(
        "No campus member has userId \"{id}\" (pending invitations become members only once accepted)."
    ))
}

/// `GET /User/{userId}`: `data` is an array of one user.
pub(super) async fn get_one(
    State(shared): State<Arc<Shared>>,
    Param(id): Param,
) -> Result<Response, ApiError> {
    let (user, world) = {
        let campus = shared.campus();
        let user = campus.data.members.get(&id).map(Member::to_json);
        (user, campus.client_name.clone())
    };
    let user = user.ok_or_else(|| unknown_user(&id))?;
    let detail = format!("Retrieved data for user with id \"{id}\" in world \"{world}\".");
    Ok(success(
        "Successfully retrieved user",
        detail,
        Some(vec![user]),
    ))
}

fn suspend_in(campus: &mut Campus, body: &Value) -> Result<String, ApiError> {
    let obj = object(body)?;
    let user_id = opt_str(obj, "userId")?;
    let email = opt_str(obj, "email")?;
    let id = match (user_id, email) {
        (Some(id), _) => id.to_string(),
        (None, Some(email)) => campus
            .data
            .member_by_email(email)
            .map(|m| m.id.clone())
            .ok_or_else(|| {
                ApiError::not_found(format!("No campus member has email \"{email}\"."))
            })?,
        (None, None) => {
            return Err(ApiError::bad_request(
                "Give the `userId` or the `email` of the member to suspend (when both are given, `userId` is used).",
            ));
        }
    };
    let member = campus
        .data
        .members
        .get_mut(&id)
        .ok_or_else(|| unknown_user(&id))?;
    member.role = Role::Suspended;
    Ok(member.email.clone())
}

/// `POST /User/Membership/suspend`: `userId` wins over `email`.
pub(super) async fn suspend(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let email = suspend_in(&mut shared.campus_mut(), &body)?;
    Ok(success::<()>(
        "Successfully updated user role",
        format!("User with email \"{email}\" successfully updated with role \"suspended\"."),
        None,
    ))
}

fn delete_in(campus: &mut Campus, body: &Value) -> Result<String, ApiError> {
    let obj = object(body)?;
    let (id, email) = match (opt_str(obj, "userId")?, opt_str(obj, "email")?) {
        (Some(id), Some(email)) => (id, email),
        (None, None) => {
            return Err(ApiError::bad_request(
                "Both `userId` and `email` are required to delete a member.",
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_request(
                "`userId` is required: deleting a member needs both `userId` and `email`.",
            ));
        }
        (Some(_), None) => {
            return Err(ApiError::bad_request(
                "`email` is required: deleting a member needs both `userId` and `email`.",
            ));
        }
    };
    let member = campus
        .data
        .members
        .get(id)
        .ok_or_else(|| unknown_user(id))?;
    if !member.email.eq_ignore_ascii_case(email) {
        return Err(ApiError::bad_request(format!(
            "`userId` \"{id}\" and `email` \"{email}\" do not belong to the same member."
        )));
    }
    let removed = campus
        .data
        .remove_member(id)
        .map(|m| m.email)
        .unwrap_or_default();
    Ok(removed)
}

/// `POST /User/Membership/deleteMember`: needs both `userId` and `email`, of one member.
pub(super) async fn delete_member(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let email = delete_in(&mut shared.campus_mut(), &body)?;
    Ok(success::<()>(
        "Successfully deleted user",
        format!("User with email \"{email}\" successfully deleted."),
        None,
    ))
}

#[cfg(test)]
mod tests;
