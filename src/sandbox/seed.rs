//! Deterministic seed data (`SandboxOptions::seed = Some(n)`): about 300 members with
//! hardware and profiles (the vendor's sample users among them, a few suspended), pending
//! invitations, 17 rooms (the vendor's four sample rooms among them), four private
//! volumes, 400 days of attendance ending at the anchor (weekday and working-hours
//! patterns, Tuesday/Thursday Theater events, a monthly town hall) and help-desk waitlist
//! events. The same seed and anchor always give the same campus.

mod activity;
mod campus;
mod data;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::state::Campus;
use crate::virbela::domain::TeamId;

pub(super) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub(super) fn team(letters: &str) -> TeamId {
    letters.parse().unwrap_or(TeamId::A)
}

/// Fills an empty campus with the seed data for `seed`, attendance ending at `anchor`.
pub(crate) fn populate(campus: &mut Campus, seed: u64, anchor: DateTime<Utc>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let people = campus::members(campus, &mut rng, anchor);
    campus::invitations(campus, &mut rng, anchor);
    let rooms = campus::rooms(campus, &mut rng, anchor);
    activity::attendance(campus, &mut rng, anchor, &people, &rooms);
    activity::waitlist(campus, &mut rng, anchor, &people);
}

/// Who shows up: every member id (suspended ones too: history predates suspension),
/// a few former members, and the support agents.
pub(super) struct People {
    pub(super) attendees: Vec<Arc<str>>,
    pub(super) agents: Vec<String>,
}

pub(super) fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

pub(super) fn weighted<'a>(rng: &mut ChaCha8Rng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (item, w) in items {
        if roll < *w {
            return item;
        }
        roll -= w;
    }
    items.first().map(|(i, _)| *i).unwrap_or_default()
}

#[cfg(test)]
mod tests;
