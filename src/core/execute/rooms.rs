//! Rooms: listing, and resolving a typed room (name, custom label or id, any case).

use super::Turn;
use crate::core::reply::{Reply, Table};
use crate::virbela::models::Room;

impl Turn<'_> {
    pub(super) async fn rooms(&self, filter: Option<&str>) -> Reply {
        let rooms = match self.bot.virbela.rooms().await {
            Ok(rooms) => rooms,
            Err(e) => return self.virbela_failed("list the rooms", &e),
        };
        let needle = filter.map(str::to_lowercase);
        let mut table = Table::new(["Room", "Id", "SFS room", "Group", "Teams with access"]);
        let mut shown = 0;
        for room in rooms
            .iter()
            .filter(|r| needle.as_deref().is_none_or(|n| room_text(r).contains(n)))
        {
            shown += 1;
            table.push([
                room.label().to_string(),
                room.room_id.to_string(),
                room.sfs_room.clone().unwrap_or_default(),
                room.group.clone().unwrap_or_default(),
                room.team_access_friendly
                    .as_ref()
                    .map(|t| t.join(", "))
                    .unwrap_or_default(),
            ]);
        }
        let text = match filter {
            Some(f) => format!("{shown} of {} rooms match `{f}`.", rooms.len()),
            None => format!("{} rooms.", rooms.len()),
        };
        Reply::ok(text).titled("Rooms").table(table)
    }

    /// The room `typed` names: an exact id, else a name or custom label (any case), else
    /// a unique partial match. Ambiguity is answered with the candidates.
    pub(super) async fn resolve_room(&self, typed: &str) -> Result<Room, Reply> {
        let rooms = self
            .bot
            .virbela
            .rooms()
            .await
            .map_err(|e| self.virbela_failed("list the rooms", &e))?;
        let lower = typed.to_lowercase();
        if let Some(room) = rooms.iter().find(|r| r.room_id.as_str() == typed) {
            return Ok(room.clone());
        }
        let exact: Vec<&Room> = rooms
            .iter()
            .filter(|r| {
                [r.name.as_deref(), r.custom_label.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|n| n.to_lowercase() == lower)
            })
            .collect();
        let candidates = if exact.is_empty() {
            rooms
                .iter()
                .filter(|r| room_text(r).contains(&lower))
                .collect()
        } else {
            exact
        };
        match candidates.as_slice() {
            [one] => Ok((*one).clone()),
            [] => {
                let names: Vec<&str> = rooms.iter().map(Room::label).collect();
                let hint = crate::core::grammar::closest(typed, &names)
                    .map(|n| format!(" Did you mean `{n}`?"))
                    .unwrap_or_default();
                Err(Reply::refused(format!(
                    "No room is called `{typed}` (by name, custom label or id).{hint} `rooms` lists them."
                )))
            }
            several => {
                let mut table = Table::new(["Room", "Id", "Group"]);
                for r in several {
                    table.push([
                        r.label().to_string(),
                        r.room_id.to_string(),
                        r.group.clone().unwrap_or_default(),
                    ]);
                }
                Err(Reply::usage(format!(
                    "`{typed}` matches {} rooms; name one exactly or by id.",
                    several.len()
                ))
                .table(table))
            }
        }
    }
}

/// Everything a room is known by, lower case, for filtering.
fn room_text(r: &Room) -> String {
    [
        r.name.as_deref(),
        r.custom_label.as_deref(),
        Some(r.room_id.as_str()),
        r.sfs_room.as_deref(),
        r.group.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase()
}
