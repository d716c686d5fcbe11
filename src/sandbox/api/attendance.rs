//! Attendance: `GET /User/Attendance/Room/{roomId}` and
//! `GET /User/Attendance/PrivateVolume/{volumeId}` with `start`, `stop` (required, at most
//! 90 days apart), `limit` (default none) and `offset`. A session is returned when
//! `start <= leaveTime AND stop >= joinTime`; order is (joinTime, userId). Each request is
//! a binary search plus the sessions that can overlap the window.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use crate::sandbox::errors::{ApiError, Param, success};
use crate::sandbox::state::{Session, SessionLog, Shared};
use crate::sandbox::wire::{QueryParams, from_millis, iso_offset, iso_z, page};
use crate::virbela::domain::{DateRange, MAX_ATTENDANCE_WINDOW};

/// A validated attendance query.
struct AttendanceQuery {
    start: i64,
    stop: i64,
    offset: usize,
    limit: Option<usize>,
}

impl AttendanceQuery {
    fn parse(q: &QueryParams) -> Result<Self, ApiError> {
        let range: DateRange = q.window()?;
        if range.duration() > MAX_ATTENDANCE_WINDOW {
            let days = range.duration().num_milliseconds() as f64 / 86_400_000.0;
            return Err(ApiError::bad_request(format!(
                "The window {} .. {} spans {days:.2} days; attendance can be requested for at most {} days at a time.",
                iso_z(range.start()),
                iso_z(range.stop()),
                MAX_ATTENDANCE_WINDOW.num_days()
            )));
        }
        Ok(AttendanceQuery {
            start: range.start().timestamp_millis(),
            stop: range.stop().timestamp_millis(),
            offset: q.number("offset", 0)?.unwrap_or(0),
            limit: q.number("limit", 1)?,
        })
    }
}

/// One attendance record as the vendor sample shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    user_id: String,
    join_time: String,
    leave_time: String,
    talk_minutes: String,
    attendance_minutes: String,
}

impl Record {
    fn of(s: &Session) -> Record {
        Record {
            user_id: s.user.to_string(),
            join_time: iso_offset(from_millis(s.join)),
            leave_time: iso_offset(from_millis(s.leave)),
            talk_minutes: format!("{:.2}", s.talk_minutes),
            attendance_minutes: format!("{:.2}", (s.leave - s.join) as f64 / 60_000.0),
        }
    }
}

fn records(log: Option<&SessionLog>, q: &AttendanceQuery) -> Vec<Record> {
    match log {
        Some(log) => page(log.overlapping(q.start, q.stop), q.offset, q.limit)
            .into_iter()
            .map(Record::of)
            .collect(),
        None => Vec::new(),
    }
}

fn answer(records: Vec<Record>) -> Response {
    let detail = format!(
        "{} attendance records were returned, please see \"data\" for records details.",
        records.len()
    );
    success(
        "Successfully queried room attendance data.",
        detail,
        Some(records),
    )
}

/// `GET /User/Attendance/Room/{roomId}`.
pub(super) async fn room(
    State(shared): State<Arc<Shared>>,
    Param(room_id): Param,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let query = AttendanceQuery::parse(&q)?;
    let records = {
        let campus = shared.campus();
        if !campus.data.rooms.contains_key(&room_id) {
            return Err(ApiError::not_found(format!(
                "No room with id \"{room_id}\" in this campus (room ids are the objectId values of GET /Rooms/World/{{clientName}})."
            )));
        }
        records(campus.data.room_sessions.get(&room_id), &query)
    };
    Ok(answer(records))
}

/// `GET /User/Attendance/PrivateVolume/{volumeId}` (ids match exactly, `PR-` or not).
pub(super) async fn volume(
    State(shared): State<Arc<Shared>>,
    Param(volume_id): Param,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let query = AttendanceQuery::parse(&q)?;
    let records = {
        let campus = shared.campus();
        let log = campus.data.volumes.get(&volume_id).ok_or_else(|| {
            ApiError::not_found(format!(
                "No private volume with id \"{volume_id}\" in this campus (use the id exactly as /roominfo shows it, with or without the PR- prefix)."
            ))
        })?;
        records(Some(log), &query)
    };
    Ok(answer(records))
}

#[cfg(test)]
mod tests;
