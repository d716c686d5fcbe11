//! Rooms of the campus: `GET /Rooms/World/{clientName}`.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use serde::Deserialize;

use crate::virbela::domain::{Lenient, RoomId};

/// A room. `objectId` is the id the attendance endpoint takes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Room {
    #[serde(rename = "objectId")]
    pub room_id: RoomId,
    #[serde(rename = "visibleOn", default)]
    pub visible_on: Vec<String>,
    #[serde(rename = "levelName", default)]
    pub level_name: Option<String>,
    #[serde(default)]
    pub instance: Option<Lenient<i64>>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "customLabel", default)]
    pub custom_label: Option<String>,
    #[serde(rename = "SFSRoom", default)]
    pub sfs_room: Option<String>,
    #[serde(rename = "createdAt", default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(rename = "updatedAt", default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(rename = "groupAccess", default)]
    pub group_access: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub group: Option<String>,
    /// As sent (numbers as strings, 1-based in the vendor sample); never converted to
    /// team ids. Show [`Room::team_access_friendly`] instead.
    #[serde(rename = "teamAccess", default)]
    pub team_access: Option<Vec<Lenient<i64>>>,
    /// Team letters with access (`["B","D","E"]`), the form to show people.
    #[serde(rename = "teamAccessFriendly", default)]
    pub team_access_friendly: Option<Vec<String>>,
    #[serde(rename = "hardUserLimitOptions", default)]
    pub hard_user_limit_options: Option<HardUserLimitOptions>,
    #[serde(flatten)]
    pub extra: IndexMap<String, serde_json::Value>,
}

impl Room {
    /// The name people know the room by: its custom label, else its name, else its id.
    pub fn label(&self) -> &str {
        self.custom_label
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(self.name.as_deref())
            .unwrap_or(self.room_id.as_str())
    }
}

/// What a full room tells people.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HardUserLimitOptions {
    #[serde(default)]
    pub dialog_title: Option<String>,
    #[serde(default)]
    pub dialog_message: Option<String>,
}

/// The Rooms answer (no `responseCode`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RoomList {
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default)]
    pub data: Vec<Room>,
}
