//! Attendance sessions of a room or private volume.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::virbela::domain::{Lenient, RoomId, UserId, VolumeId};

/// One session: a user in a room from `join_time` to `leave_time` (UTC).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub user_id: UserId,
    pub join_time: DateTime<Utc>,
    pub leave_time: DateTime<Utc>,
    /// Minutes spoken, sent as a string with two decimals.
    #[serde(default = "zero_minutes")]
    pub talk_minutes: Lenient<f64>,
    /// Minutes present, sent as a string with two decimals.
    #[serde(default = "zero_minutes")]
    pub attendance_minutes: Lenient<f64>,
}

fn zero_minutes() -> Lenient<f64> {
    Lenient::Value(0.0)
}

impl Session {
    /// Identity across overlapping windows: the same user, joining and leaving at the
    /// same instants, is the same session.
    pub fn key(&self) -> (&UserId, i64, i64) {
        (
            &self.user_id,
            self.join_time.timestamp_millis(),
            self.leave_time.timestamp_millis(),
        )
    }
}

/// Where attendance is taken: a room (by id) or a private volume.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttendanceTarget {
    Room(RoomId),
    PrivateVolume(VolumeId),
}

impl AttendanceTarget {
    pub(crate) fn path(&self) -> [&str; 4] {
        match self {
            AttendanceTarget::Room(id) => ["User", "Attendance", "Room", id.as_str()],
            AttendanceTarget::PrivateVolume(id) => {
                ["User", "Attendance", "PrivateVolume", id.as_str()]
            }
        }
    }

    pub(crate) fn endpoint(&self) -> &'static str {
        match self {
            AttendanceTarget::Room(_) => "attendance.room",
            AttendanceTarget::PrivateVolume(_) => "attendance.private_volume",
        }
    }
}
