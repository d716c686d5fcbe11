//! People: the [`Caller`] of a Slack user — the immutable `slack:U…` principal, the
//! channel, and (when `SLACK_BOT_TOKEN` is set) their Slack user groups and time zone.
//!
//! This module owns two in-memory caches, both bounded and shared by every request of
//! one [`SlackState`] (`state.inner.people`):
//!
//! - **User groups** (`usergroups.users.list`). The groups that matter are the
//!   `slack-group:S…` subjects holding a role in the store, re-read every
//!   [`BINDINGS_EVERY`] (so a `roles grant slack-group:S… ROLE`, from chat, the shell or
//!   another replica, applies within seconds); their members are refreshed every
//!   [`MEMBERS_EVERY`] (slower beyond [`GROUP_CALLS_PER_MINUTE`] groups, Slack's pace for
//!   the method). A caller's `groups` are the bound groups whose list names them.
//!   When a refresh fails (Slack down, `no_such_subteam`, no `usergroups:read` scope) the
//!   last list is kept, retried every [`MEMBERS_RETRY`], and a warning names the group and
//!   Slack's error; a list older than [`MEMBERS_MAX_AGE`] grants nothing.
//! - **Time zones** (`users.info` `tz`, an IANA name), kept [`ZONE_TTL`] per user
//!   ([`ZONE_RETRY`] after a failed lookup). Unknown names mean `DEFAULT_TIMEZONE`
//!   (`Caller.timezone` `None`), with a debug log.
//!
//! The acknowledgement path reads memory only. The exceptions are bounded by
//! [`LOOKUP_WAIT`]: a user not seen for [`ZONE_TTL`] waits that long at most for
//! `users.info` (past it, `DEFAULT_TIMEZONE` is used and the answer is kept for next time),
//! and the first requests after start-up wait as long at most for the first group load.
//! Concurrent lookups of one user share one call.
//!
//! A background task, started by the first caller, does the refreshes; requests only nudge
//! it when something is overdue. It holds a weak reference to the state and ends within
//! [`TICK`] once the state is dropped. Ages are the larger of the monotonic age and the
//! age on the state's clock: a wall clock going back cannot extend trust in a list, and
//! tests move time with [`SlackState::with_clock`]. No lock is held across an await;
//! no token is logged (user and group ids are not secrets).
//!
//! Without a bot token nothing is looked up: no groups, `DEFAULT_TIMEZONE`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use futures::StreamExt;
use futures::future::{BoxFuture, FutureExt, Shared};
use tokio::sync::{Notify, watch};

use super::SlackState;
use super::state::{Inner, UnixClock};
use crate::access::{Group, Platform, Principal};
use crate::core::Caller;
use crate::slack::error::SlackApiError;
use crate::slack::web::SlackWeb;
use crate::store::{Db, StoreError, role_bindings};

/// How often the background task wakes up to see what is due.
const TICK: Duration = Duration::from_secs(5);
/// How often the bound groups are re-read from the store (one small query).
const BINDINGS_EVERY: Duration = Duration::from_secs(5);
/// How often a group's members are fetched again (longer with many groups, see
/// [`GROUP_CALLS_PER_MINUTE`]).
const MEMBERS_EVERY: Duration = Duration::from_secs(60);
/// Slack allows `usergroups.users.list` about 20 calls a minute (Tier 2); the refreshes
/// stay under this many, so with more than 15 groups each is refreshed less often.
const GROUP_CALLS_PER_MINUTE: u32 = 15;
/// After a failed fetch, how long until the next try.
const MEMBERS_RETRY: Duration = Duration::from_secs(30);
/// A member list older than this (Slack failing meanwhile) grants nothing.
const MEMBERS_MAX_AGE: Duration = Duration::from_secs(10 * 60);
/// How long a user's time zone is kept.
const ZONE_TTL: Duration = Duration::from_secs(6 * 60 * 60);
/// After a failed `users.info`, how long `DEFAULT_TIMEZONE` is used before asking again.
const ZONE_RETRY: Duration = Duration::from_secs(5 * 60);
/// The longest the acknowledgement path waits for a lookup.
const LOOKUP_WAIT: Duration = Duration::from_millis(800);

/// At most this many bound groups are followed (more are ignored, with a warning): at the
/// Tier 2 pace, 100 groups are each refreshed every 400 s, inside [`MEMBERS_MAX_AGE`].
const MAX_GROUPS: usize = 100;
/// At most this many members are kept per group (a cut list only ever denies).
const MAX_MEMBERS: usize = 100_000;
/// At most this many users' time zones are kept.
const MAX_ZONES: usize = 10_000;
/// At most this many `users.info` calls in flight; beyond, `DEFAULT_TIMEZONE` at once.
const MAX_PENDING: usize = 256;
/// `usergroups.users.list` calls in flight during a refresh.
const FETCH_CONCURRENCY: usize = 4;

const GROUP_PREFIX: &str = "slack-group:";

/// The caller for Slack user `user_id` in `channel`; `None` when the id is not a Slack id.
pub(super) async fn caller(
    state: &SlackState,
    user_id: &str,
    channel: Option<String>,
) -> Option<Caller> {
    let principal = Principal::new(Platform::Slack, user_id).ok()?;
    let mut caller = Caller {
        channel,
        ..Caller::new(principal)
    };
    if let Some(web) = state.inner.web.as_ref() {
        let people = &state.inner.people;
        people.start(state);
        caller.timezone = people.time_zone(state, web, user_id).await;
        caller.groups = people.groups_of(user_id, Stamp::now(&state.clock));
    }
    Some(caller)
}

/// What is remembered about Slack users: their groups' members and their time zones.
pub(crate) struct People {
    groups: RwLock<Groups>,
    zones: RwLock<Zones>,
    /// `users.info` calls in flight, by user (callers of one user share one call).
    pending: Mutex<HashMap<String, ZoneLookup>>,
    /// Whether the background task was started.
    started: AtomicBool,
    /// Wakes the background task early (something is overdue).
    wake: Arc<Notify>,
    /// Becomes true once the first group load is done.
    loaded: watch::Sender<bool>,
}

type ZoneLookup = Shared<BoxFuture<'static, Option<Tz>>>;

impl Default for People {
    fn default() -> Self {
        People {
            groups: RwLock::default(),
            zones: RwLock::default(),
            pending: Mutex::default(),
            started: AtomicBool::new(false),
            wake: Arc::new(Notify::new()),
            loaded: watch::Sender::new(false),
        }
    }
}

impl std::fmt::Debug for People {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("People")
            .field("groups", &self.read_groups().entries.len())
            .field("zones", &self.read_zones().entries.len())
            .finish_non_exhaustive()
    }
}

impl People {
    fn read_groups(&self) -> RwLockReadGuard<'_, Groups> {
        self.groups.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_groups(&self) -> RwLockWriteGuard<'_, Groups> {
        self.groups.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn read_zones(&self) -> RwLockReadGuard<'_, Zones> {
        self.zones.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_zones(&self) -> RwLockWriteGuard<'_, Zones> {
        self.zones.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the background task once, holding only a weak reference to the state.
    fn start(&self, state: &SlackState) {
        if self.started.load(Ordering::Acquire) || self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        tokio::spawn(refresh_loop(
            Arc::downgrade(&state.inner),
            state.clock.clone(),
            self.wake.clone(),
        ));
    }

    /// The bound groups `user` is a member of; nudges the background task when a list or
    /// the bindings are overdue.
    fn groups_of(&self, user: &str, now: Stamp) -> Vec<Group> {
        let groups = self.read_groups();
        if groups.wants_refresh(now) {
            self.wake.notify_one();
        }
        groups.of(user, now)
    }

    /// The user's time zone: from the cache, else from `users.info` within [`LOOKUP_WAIT`]
    /// (also the longest wait for the first group load, which runs meanwhile).
    async fn time_zone(&self, state: &SlackState, web: &SlackWeb, user: &str) -> Option<Tz> {
        let cached = self.read_zones().get(user, Stamp::now(&state.clock));
        let loaded = *self.loaded.borrow();
        if let (true, Some(tz)) = (loaded, cached) {
            return tz;
        }
        let deadline = tokio::time::Instant::now() + LOOKUP_WAIT;
        let zone = async {
            match cached {
                Some(tz) => tz,
                None => self.look_up_zone(state, web, user, deadline).await,
            }
        };
        let first_load = async {
            let mut loaded = self.loaded.subscribe();
            if tokio::time::timeout_at(deadline, loaded.wait_for(|done| *done))
                .await
                .is_err()
            {
                tracing::debug!("the first Slack user group load is slow; not waiting longer");
            }
        };
        let (tz, ()) = tokio::join!(zone, first_load);
        tz
    }

    async fn look_up_zone(
        &self,
        state: &SlackState,
        web: &SlackWeb,
        user: &str,
        deadline: tokio::time::Instant,
    ) -> Option<Tz> {
        let lookup = {
            let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
            // A finished lookup still listed (its task died) is replaced.
            let running = pending.get(user).filter(|l| l.peek().is_none()).cloned();
            match running {
                Some(lookup) => lookup,
                None if pending.len() >= MAX_PENDING => {
                    tracing::debug!(
                        user,
                        "too many users.info calls in flight; DEFAULT_TIMEZONE for this request"
                    );
                    return None;
                }
                None => {
                    let lookup = spawn_zone_lookup(
                        Arc::downgrade(&state.inner),
                        state.clock.clone(),
                        web.clone(),
                        user.to_owned(),
                    );
                    pending.insert(user.to_owned(), lookup.clone());
                    lookup
                }
            }
        };
        match tokio::time::timeout_at(deadline, lookup).await {
            Ok(tz) => tz,
            Err(_) => {
                tracing::debug!(
                    user,
                    "users.info is slow; DEFAULT_TIMEZONE for this request, the answer is kept for the next"
                );
                None
            }
        }
    }
}

/// Calls `users.info` in its own task (it finishes even when the request stops waiting)
/// and keeps the answer.
fn spawn_zone_lookup(
    state: Weak<Inner>,
    clock: UnixClock,
    web: SlackWeb,
    user: String,
) -> ZoneLookup {
    let task = tokio::spawn(async move {
        let (tz, keep_for) = match web.user_time_zone(&user).await {
            Ok(Some(name)) => (zone_named(&user, &name), ZONE_TTL),
            Ok(None) => (None, ZONE_TTL),
            Err(e) => {
                tracing::warn!(
                    user = %user,
                    error = %e,
                    "cannot read a Slack user's time zone; DEFAULT_TIMEZONE until the next try"
                );
                (None, ZONE_RETRY)
            }
        };
        if let Some(inner) = state.upgrade() {
            let people = &inner.people;
            people
                .write_zones()
                .put(user.clone(), tz, keep_for, Stamp::now(&clock));
            people
                .pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&user);
        }
        tz
    });
    async move { task.await.ok().flatten() }.boxed().shared()
}

/// The zone of an IANA name; `None` (with a debug log) when this build does not know it.
fn zone_named(user: &str, name: &str) -> Option<Tz> {
    match name.parse::<Tz>() {
        Ok(tz) => Some(tz),
        Err(_) => {
            let shown: String = name.chars().take(64).collect();
            tracing::debug!(
                user,
                zone = %shown,
                "Slack reported a time zone this build does not know; DEFAULT_TIMEZONE is used"
            );
            None
        }
    }
}

/// Refreshes what is due until the state is dropped.
async fn refresh_loop(state: Weak<Inner>, clock: UnixClock, wake: Arc<Notify>) {
    loop {
        match state.upgrade() {
            Some(inner) => refresh(&inner, &clock).await,
            None => return,
        }
        tokio::select! {
            () = tokio::time::sleep(TICK) => {}
            () = wake.notified() => {}
        }
    }
}

/// One round: the bound groups when due, then the member lists that are due.
async fn refresh(inner: &Inner, clock: &UnixClock) {
    let Some(web) = inner.web.as_ref() else {
        return;
    };
    let people = &inner.people;
    let now = Stamp::now(clock);
    if people.read_groups().bindings_due(now) {
        people.write_groups().bindings_tried = Some(now);
        match bound_subjects(&inner.db).await {
            Ok(subjects) => {
                let ignored = people.write_groups().set_bound(&subjects);
                if ignored > 0 {
                    tracing::warn!(
                        ignored,
                        followed = MAX_GROUPS,
                        "more Slack user groups hold roles than the bot follows; the others grant nothing"
                    );
                }
            }
            Err(e) => tracing::warn!(
                error = %e,
                "cannot read which Slack user groups hold roles; keeping the last known ones"
            ),
        }
    }
    let due = people.read_groups().due(Stamp::now(clock));
    futures::stream::iter(due)
        .map(|id| async move {
            let members = web.user_group_members(&id).await;
            (id, members)
        })
        .buffer_unordered(FETCH_CONCURRENCY)
        .for_each(|(id, members)| {
            let now = Stamp::now(clock);
            let outcome = people.write_groups().record(&id, members.as_ref().ok().map(Vec::as_slice), now);
            if let Err(e) = &members {
                warn_refresh_failed(&id, e, outcome);
            } else if let Recorded::Fresh {
                members,
                truncated,
                recovered,
            } = outcome
            {
                if truncated {
                    tracing::warn!(
                        group = %id,
                        kept = MAX_MEMBERS,
                        "a Slack user group has more members than the bot keeps; the others get nothing from it"
                    );
                }
                if recovered {
                    tracing::info!(group = %id, members, "Slack user group members refreshed again");
                } else {
                    tracing::debug!(group = %id, members, "Slack user group members refreshed");
                }
            }
            std::future::ready(())
        })
        .await;
    people
        .loaded
        .send_if_modified(|loaded| !std::mem::replace(loaded, true));
}

fn warn_refresh_failed(group: &str, error: &SlackApiError, outcome: Recorded) {
    let hint = match error.slack_error() {
        Some("missing_scope") => "the app needs the usergroups:read scope (reinstall it)",
        Some("no_such_subteam" | "subteam_not_found") => {
            "Slack does not know this group: check its id, or `roles revoke` its binding"
        }
        _ => "",
    };
    let keeping = match outcome {
        Recorded::Failed {
            kept_age: Some(age),
        } => format!(
            "keeping the last known members ({} s old) for up to {} minutes",
            age.as_secs(),
            MEMBERS_MAX_AGE.as_secs() / 60
        ),
        _ => "no usable member list, so the group's roles grant nothing until Slack answers"
            .to_owned(),
    };
    tracing::warn!(
        group = %group,
        error = %error,
        hint,
        retry_in_s = MEMBERS_RETRY.as_secs(),
        "cannot refresh a Slack user group's members; {keeping}"
    );
}

/// The `slack-group:` subjects holding a role.
async fn bound_subjects(db: &Db) -> Result<Vec<String>, StoreError> {
    let mut tx = db.begin_read().await?;
    let subjects = role_bindings::subjects_starting_with(&mut tx, GROUP_PREFIX).await?;
    tx.commit().await?;
    Ok(subjects)
}

/// A moment, on the monotonic clock and on the state's (unix seconds) clock.
#[derive(Debug, Clone, Copy)]
struct Stamp {
    mono: Instant,
    wall: i64,
}

impl Stamp {
    fn now(clock: &UnixClock) -> Stamp {
        Stamp {
            mono: Instant::now(),
            wall: clock(),
        }
    }

    /// How long before `now` this was: the larger of the two clocks' ages.
    fn age(self, now: Stamp) -> Duration {
        let mono = now.mono.saturating_duration_since(self.mono);
        let wall = u64::try_from(now.wall.saturating_sub(self.wall))
            .map_or(Duration::ZERO, Duration::from_secs);
        mono.max(wall)
    }
}

/// The bound groups and their last known members.
#[derive(Debug, Default)]
struct Groups {
    /// By Slack group id, in order (so a caller's groups come out sorted).
    entries: BTreeMap<String, GroupEntry>,
    /// The last read (or try) of the bound groups.
    bindings_tried: Option<Stamp>,
}

#[derive(Debug)]
struct GroupEntry {
    group: Group,
    members: HashSet<String>,
    /// The last successful fetch.
    fetched: Option<Stamp>,
    /// The last fetch, successful or not.
    tried: Option<Stamp>,
    failed: bool,
}

/// What recording a fetch did (for the logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recorded {
    Fresh {
        members: usize,
        truncated: bool,
        /// The previous try had failed.
        recovered: bool,
    },
    /// The fetch failed; `kept_age` is the age of the list still used, if one is.
    Failed { kept_age: Option<Duration> },
    /// The group lost its binding meanwhile.
    Unbound,
}

impl GroupEntry {
    fn new(group: Group) -> GroupEntry {
        GroupEntry {
            group,
            members: HashSet::new(),
            fetched: None,
            tried: None,
            failed: false,
        }
    }

    /// Whether its list is recent enough to grant anything.
    fn usable(&self, now: Stamp) -> bool {
        self.fetched.is_some_and(|f| f.age(now) <= MEMBERS_MAX_AGE)
    }

    /// Whether to fetch it now, when lists are refreshed every `every`.
    fn due(&self, now: Stamp, every: Duration) -> bool {
        let every = if self.failed { MEMBERS_RETRY } else { every };
        self.tried.is_none_or(|t| t.age(now) >= every)
    }
}

impl Groups {
    /// The groups whose usable list names `user`.
    fn of(&self, user: &str, now: Stamp) -> Vec<Group> {
        self.entries
            .values()
            .filter(|e| e.usable(now) && e.members.contains(user))
            .map(|e| e.group.clone())
            .collect()
    }

    /// How often each list is refreshed: every minute, or slower with more than
    /// [`GROUP_CALLS_PER_MINUTE`] groups.
    fn members_every(&self) -> Duration {
        let groups = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        let paced = Duration::from_secs(60).saturating_mul(groups) / GROUP_CALLS_PER_MINUTE;
        MEMBERS_EVERY.max(paced)
    }

    fn bindings_due(&self, now: Stamp) -> bool {
        self.bindings_tried
            .is_none_or(|t| t.age(now) >= BINDINGS_EVERY)
    }

    /// Whether the background task has something to do.
    fn wants_refresh(&self, now: Stamp) -> bool {
        let every = self.members_every();
        self.bindings_due(now) || self.entries.values().any(|e| e.due(now, every))
    }

    /// The groups whose members should be fetched now.
    fn due(&self, now: Stamp) -> Vec<String> {
        let every = self.members_every();
        self.entries
            .iter()
            .filter(|(_, e)| e.due(now, every))
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Follows exactly the groups of `subjects` (`slack-group:S…`), keeping what is known
    /// of those already followed. Answers how many were ignored over [`MAX_GROUPS`].
    fn set_bound(&mut self, subjects: &[String]) -> usize {
        let mut bound = BTreeMap::new();
        let mut ignored = 0;
        for subject in subjects {
            let Some(id) = subject.strip_prefix(GROUP_PREFIX) else {
                continue;
            };
            if bound.contains_key(id) {
                continue;
            }
            let Ok(group) = Group::slack(id) else {
                tracing::debug!(subject = %subject, "a role is bound to a malformed Slack group; ignored");
                continue;
            };
            if bound.len() >= MAX_GROUPS {
                ignored += 1;
                continue;
            }
            let entry = self
                .entries
                .remove(id)
                .unwrap_or_else(|| GroupEntry::new(group));
            bound.insert(id.to_owned(), entry);
        }
        self.entries = bound;
        ignored
    }

    /// Records a fetch of group `id`: its members, or `None` when it failed (the last
    /// list is kept; [`GroupEntry::usable`] bounds how long it counts).
    fn record(&mut self, id: &str, members: Option<&[String]>, now: Stamp) -> Recorded {
        let Some(entry) = self.entries.get_mut(id) else {
            return Recorded::Unbound;
        };
        entry.tried = Some(now);
        match members {
            Some(members) => {
                let recovered = entry.failed;
                entry.failed = false;
                entry.fetched = Some(now);
                entry.members = members.iter().take(MAX_MEMBERS).cloned().collect();
                Recorded::Fresh {
                    members: entry.members.len(),
                    truncated: members.len() > MAX_MEMBERS,
                    recovered,
                }
            }
            None => {
                entry.failed = true;
                let kept_age = entry
                    .fetched
                    .map(|f| f.age(now))
                    .filter(|age| *age <= MEMBERS_MAX_AGE);
                Recorded::Failed { kept_age }
            }
        }
    }
}

/// Users' time zones (`None`: Slack has none, or it could not be read).
#[derive(Debug, Default)]
struct Zones {
    entries: HashMap<String, ZoneEntry>,
}

#[derive(Debug, Clone, Copy)]
struct ZoneEntry {
    tz: Option<Tz>,
    at: Stamp,
    keep_for: Duration,
}

impl Zones {
    /// The known zone of `user` (`Some(None)`: known to have none), if still fresh.
    fn get(&self, user: &str, now: Stamp) -> Option<Option<Tz>> {
        let entry = self.entries.get(user)?;
        (entry.at.age(now) < entry.keep_for).then_some(entry.tz)
    }

    /// Keeps `tz` for `user`; when full, expired entries go first, then the oldest.
    fn put(&mut self, user: String, tz: Option<Tz>, keep_for: Duration, now: Stamp) {
        if self.entries.len() >= MAX_ZONES && !self.entries.contains_key(&user) {
            self.entries.retain(|_, e| e.at.age(now) < e.keep_for);
            if self.entries.len() >= MAX_ZONES {
                let oldest = self
                    .entries
                    .iter()
                    .min_by_key(|(_, e)| e.at.mono)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    self.entries.remove(&oldest);
                }
            }
        }
        self.entries.insert(
            user,
            ZoneEntry {
                tz,
                at: now,
                keep_for,
            },
        );
    }
}

#[cfg(test)]
mod tests;
