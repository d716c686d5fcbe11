//! Rooms as `GET /Rooms/World/{clientName}` shows them.

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::sandbox::wire::iso_z;
use crate::virbela::domain::TeamId;

fn ser_iso_z<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&iso_z(*t))
}

/// `hardUserLimitOptions` of a room.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HardUserLimit {
    pub dialog_title: String,
    pub dialog_message: String,
}

/// A room as `GET /Rooms/World/{clientName}` shows it, fields in the vendor's order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Room {
    pub object_id: String,
    pub visible_on: Vec<String>,
    pub level_name: String,
    pub instance: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_label: Option<String>,
    pub name: String,
    #[serde(rename = "SFSRoom")]
    pub sfs_room: String,
    #[serde(serialize_with = "ser_iso_z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "ser_iso_z")]
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_access: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// 1-based team numbers as strings (`"2"` is team `B`), paired with `team_access_friendly`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_access: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_access_friendly: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hard_user_limit_options: Option<HardUserLimit>,
}

/// `teamAccess` (1-based number strings) and `teamAccessFriendly` (letters) for teams,
/// paired as the vendor sample pairs them (`"2"` ↔ `"B"`).
pub(crate) fn team_access(teams: &[TeamId]) -> (Vec<String>, Vec<String>) {
    teams
        .iter()
        .map(|t| ((u16::from(t.index()) + 1).to_string(), t.letters()))
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_access_pairs_numbers_one_based_with_letters() {
        let teams: Vec<TeamId> = ["B", "D", "E"]
            .iter()
            .map(|t| t.parse().expect("team"))
            .collect();
        let (numbers, letters) = team_access(&teams);
        assert_eq!(numbers, ["2", "4", "5"]);
        assert_eq!(letters, ["B", "D", "E"]);
    }
}
