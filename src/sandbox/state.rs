//! The campus held in memory: its definition (client name, profile fields, pricing
//! catalogue — kept by `reset`) and its data (members, pending invitations, rooms,
//! attendance, waitlist events, purchases — cleared by `reset`), plus the shared handle
//! the handlers lock. Locks are `std::sync` ones and are never held across an `.await`.
//!
//! The records themselves live in the submodules: `people` (members, invitations),
//! `rooms`, `activity` (attendance sessions, waitlist events), `catalogue` (pricing,
//! purchases).

mod activity;
mod catalogue;
mod people;
mod rooms;

pub(crate) use activity::{Session, SessionLog, Waitlist, WaitlistEvent, WaitlistKind};
pub(crate) use catalogue::{Pricing, Purchase, default_catalogue};
pub(crate) use people::{Hardware, Invitation, Member, Role, is_blank};
pub(crate) use rooms::{HardUserLimit, Room, team_access};

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use rand::Rng;
use rand::distr::Alphanumeric;
use rand_chacha::ChaCha8Rng;

use super::call_log::CallLog;
use super::faults::FaultPlan;

/// Everything a sandbox holds, shared by all handlers.
pub(crate) struct Shared {
    campus: RwLock<Campus>,
    credentials: RwLock<Credentials>,
    faults: Mutex<Option<FaultPlan>>,
    log: Mutex<CallLog>,
}

impl Shared {
    pub fn new(campus: Campus, credentials: Credentials) -> Self {
        Shared {
            campus: RwLock::new(campus),
            credentials: RwLock::new(credentials),
            faults: Mutex::new(None),
            log: Mutex::new(CallLog::default()),
        }
    }

    pub fn campus(&self) -> RwLockReadGuard<'_, Campus> {
        self.campus.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn campus_mut(&self) -> RwLockWriteGuard<'_, Campus> {
        self.campus.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn credentials(&self) -> RwLockReadGuard<'_, Credentials> {
        self.credentials
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_credentials(&self, new: Credentials) {
        *self
            .credentials
            .write()
            .unwrap_or_else(PoisonError::into_inner) = new;
    }

    pub fn faults(&self) -> MutexGuard<'_, Option<FaultPlan>> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn log(&self) -> MutexGuard<'_, CallLog> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The campus credential pair.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, [redacted])", self.client_id)
    }
}

/// The profile fields a fresh campus defines (created "in the dashboard").
pub(crate) const DEFAULT_PROFILE_FIELDS: [&str; 3] = ["Department", "Region", "eNPS"];

/// Profile keys that are not campus fields and cannot be edited through the profile API.
pub(crate) const FIXED_PROFILE_KEYS: [&str; 5] =
    ["email", "firstname", "lastname", "updatedAt", "userId"];

/// One campus: definition plus data.
pub(crate) struct Campus {
    pub client_name: String,
    pub profile_fields: Vec<String>,
    pub catalogue: Vec<Pricing>,
    pub data: CampusData,
    /// Ids and display-name digits (deterministic when the sandbox is seeded).
    pub rng: ChaCha8Rng,
}

impl Campus {
    pub fn new(client_name: String, rng: ChaCha8Rng) -> Self {
        Campus {
            client_name,
            profile_fields: DEFAULT_PROFILE_FIELDS
                .iter()
                .map(|f| f.to_string())
                .collect(),
            catalogue: default_catalogue(),
            data: CampusData::default(),
            rng,
        }
    }

    /// Empties the data; the definition stays.
    pub fn reset(&mut self) {
        self.data = CampusData::default();
    }

    /// A fresh user id (12 letters and digits) no member or invitation has.
    pub fn fresh_user_id(&mut self) -> String {
        loop {
            let id = random_id(&mut self.rng, 12);
            if !self.data.members.contains_key(&id)
                && !self.data.invitations.values().any(|i| i.id == id)
            {
                return id;
            }
        }
    }

    /// `wanted`, or `wanted` followed by random digits when another member or pending
    /// invitation (not `except`, an id) already uses it, compared case-insensitively.
    pub fn unique_display_name(&mut self, wanted: &str, except: Option<&str>) -> String {
        if !self.data.display_name_taken(wanted, except) {
            return wanted.to_string();
        }
        let mut digits = 3;
        loop {
            for _ in 0..50 {
                let low = 10u64.pow(digits - 1);
                let n = self.rng.random_range(low..low * 10);
                let candidate = format!("{wanted}{n}");
                if !self.data.display_name_taken(&candidate, except) {
                    return candidate;
                }
            }
            digits += 1;
        }
    }

    /// The pricing entry for a `pricingId`.
    pub fn pricing(&self, id: u64) -> Option<&Pricing> {
        self.catalogue.iter().find(|p| p.id == id)
    }
}

/// Random letters and digits.
pub(crate) fn random_id(rng: &mut impl Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(rng.sample(Alphanumeric)))
        .collect()
}

/// The data `reset` clears.
#[derive(Default)]
pub(crate) struct CampusData {
    /// Accepted members by user id, in creation order.
    pub members: IndexMap<String, Member>,
    /// Lower-case e-mail → member id.
    pub member_by_email: HashMap<String, String>,
    /// Pending invitations by lower-case e-mail, in creation order.
    pub invitations: IndexMap<String, Invitation>,
    /// Lower-case e-mails the sandbox has ever seen (for `newToVirbela`).
    pub seen_emails: HashSet<String>,
    /// Rooms by object id, in creation order.
    pub rooms: IndexMap<String, Room>,
    /// Attendance by room id.
    pub room_sessions: HashMap<String, SessionLog>,
    /// Private volumes by exact id, with their attendance.
    pub volumes: IndexMap<String, SessionLog>,
    pub waitlist: Waitlist,
    pub purchases: Vec<Purchase>,
}

impl CampusData {
    pub fn member_by_email(&self, email: &str) -> Option<&Member> {
        self.member_by_email
            .get(&email.trim().to_ascii_lowercase())
            .and_then(|id| self.members.get(id))
    }

    pub fn display_name_taken(&self, name: &str, except: Option<&str>) -> bool {
        let same = |other: &str| other.eq_ignore_ascii_case(name);
        self.members
            .values()
            .any(|m| Some(m.id.as_str()) != except && same(&m.displayname))
            || self
                .invitations
                .values()
                .any(|i| Some(i.id.as_str()) != except && same(&i.displayname))
    }

    /// Adds an accepted member (the caller checked id, e-mail and display name).
    pub fn add_member(&mut self, member: Member) {
        let key = member.email.to_ascii_lowercase();
        self.seen_emails.insert(key.clone());
        self.member_by_email.insert(key, member.id.clone());
        self.members.insert(member.id.clone(), member);
    }

    /// Removes a member and their profile (attendance history stays).
    pub fn remove_member(&mut self, id: &str) -> Option<Member> {
        let member = self.members.shift_remove(id)?;
        self.member_by_email
            .remove(&member.email.to_ascii_lowercase());
        Some(member)
    }

    /// Turns the pending invitation for `email` into a member with a blank profile.
    pub fn accept_invitation(&mut self, email: &str, now: DateTime<Utc>) -> Option<&Member> {
        let invitation = self
            .invitations
            .shift_remove(&email.trim().to_ascii_lowercase())?;
        let id = invitation.id.clone();
        self.add_member(Member {
            id: invitation.id,
            email: invitation.email,
            firstname: invitation.firstname,
            lastname: invitation.lastname,
            displayname: invitation.displayname,
            title: invitation.title,
            team: invitation.team,
            role: Role::Active(invitation.permission),
            hardware: None,
            profile: IndexMap::new(),
            profile_updated_at: now,
        });
        self.members.get(&id)
    }
}
