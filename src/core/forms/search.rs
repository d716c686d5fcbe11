//! The searches behind the forms' searchable fields: rooms (a campus can have far more
//! than a select's 100 options), SFS rooms and campus members, each filtered by what was
//! typed, best matches first, at most [`MAX_CHOICES`]. Rooms are cached here for a short
//! while (members come from the user directory's cache).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{Choice, MAX_CHOICES};
use crate::virbela::models::{Room, User};
use crate::virbela::{VirbelaClient, VirbelaError};

/// How long a fetched room list is reused.
const TTL: Duration = Duration::from_secs(60);

/// Cached `GET /Rooms/World/{client}` of one campus.
#[derive(Debug)]
pub(crate) struct RoomCache {
    client: VirbelaClient,
    cached: Mutex<Option<(Instant, Arc<Vec<Room>>)>>,
}

impl RoomCache {
    pub fn new(client: VirbelaClient) -> RoomCache {
        RoomCache {
            client,
            cached: Mutex::new(None),
        }
    }

    /// Every room, from the cache when it is fresh.
    pub async fn rooms(&self) -> Result<Arc<Vec<Room>>, VirbelaError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, rooms)) = cached.as_ref() {
            if at.elapsed() < TTL {
                return Ok(rooms.clone());
            }
        }
        let rooms = Arc::new(self.client.rooms().await?);
        *cached = Some((Instant::now(), rooms.clone()));
        Ok(rooms)
    }
}

/// Keeps the candidates matching `query` (any case, anywhere in their search text), those
/// whose label starts with it first, then by label; at most [`MAX_CHOICES`].
fn ranked(candidates: Vec<(Choice, String)>, query: &str) -> Vec<Choice> {
    let needle = query.trim().to_lowercase();
    let mut found: Vec<(bool, String, Choice)> = candidates
        .into_iter()
        .filter(|(_, text)| text.contains(&needle))
        .map(|(choice, _)| {
            let label = choice.label.to_lowercase();
            (!label.starts_with(&needle), label, choice)
        })
        .collect();
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter(|(_, _, c)| seen.insert(c.value.clone()))
        .take(MAX_CHOICES)
        .map(|(_, _, c)| c)
        .collect()
}

/// Lower-case text made of `parts`, for matching.
fn search_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Rooms by name, custom label, id, SFS room or group; the value is the room id.
pub(super) fn rooms(rooms: &[Room], query: &str) -> Vec<Choice> {
    let candidates = rooms
        .iter()
        .map(|r| {
            let label = match r.group.as_deref().filter(|g| !g.is_empty()) {
                Some(group) => format!("{} · {group}", r.label()),
                None => r.label().to_string(),
            };
            let text = search_text([
                r.name.as_deref(),
                r.custom_label.as_deref(),
                Some(r.room_id.as_str()),
                r.sfs_room.as_deref(),
                r.group.as_deref(),
            ]);
            (Choice::new(r.room_id.as_str(), label), text)
        })
        .collect();
    ranked(candidates, query)
}

/// The SFS rooms (the waitlist's rooms); the value is the SFS room name.
pub(super) fn sfs_rooms(rooms: &[Room], query: &str) -> Vec<Choice> {
    let candidates = rooms
        .iter()
        .filter_map(|r| {
            let sfs = r.sfs_room.as_deref().filter(|s| !s.trim().is_empty())?;
            let text = search_text([Some(sfs), r.name.as_deref(), r.custom_label.as_deref()]);
            Some((Choice::new(sfs, format!("{sfs} ({})", r.label())), text))
        })
        .collect();
    ranked(candidates, query)
}

/// Campus members by display name, names, e-mail or id; the value is the user id.
pub(super) fn members(users: &[User], query: &str) -> Vec<Choice> {
    let candidates = users
        .iter()
        .map(|u| {
            let mut label = u.label();
            if let Some(email) = u.email.as_deref().filter(|e| !label.contains(e)) {
                label.push_str(&format!(" <{email}>"));
            }
            if u.is_suspended() {
                label.push_str(" (suspended)");
            }
            let text = search_text([
                u.displayname.as_deref(),
                u.firstname.as_deref(),
                u.lastname.as_deref(),
                u.email.as_deref(),
                Some(u.user_id.as_str()),
            ]);
            (Choice::new(u.user_id.as_str(), label), text)
        })
        .collect();
    ranked(candidates, query)
}

/// "42 rooms" and the like, for a form's status line.
pub(super) fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
