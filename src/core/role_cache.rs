//! A short-lived cache of callers' roles, so the acknowledgement path (`Bot::prepare`)
//! does not read the store on every request. Entries live a few seconds and are dropped
//! when this replica grants or revokes a role; a change made elsewhere (another replica,
//! the shell) applies within the TTL. Votes and new requests never rely on it: the
//! approval engine resolves the role again inside its own transaction.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::access::{Group, Principal, Role};

/// How long a looked-up role is trusted.
pub const ROLE_CACHE_TTL: Duration = Duration::from_secs(5);

/// More distinct callers than this and the cache starts over (it is only a shortcut).
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct RoleCache {
    entries: Mutex<HashMap<String, (Instant, Option<Role>)>>,
}

impl RoleCache {
    fn key(principal: &Principal, groups: &[Group]) -> String {
        let mut key = principal.to_string();
        for g in groups {
            key.push('|');
            key.push_str(&g.to_string());
        }
        key
    }

    /// The cached role (`Some(None)` = cached "no role"), if still fresh.
    pub fn get(&self, principal: &Principal, groups: &[Group]) -> Option<Option<Role>> {
        let entries = self.entries.lock().ok()?;
        let (at, role) = entries.get(&Self::key(principal, groups))?;
        (at.elapsed() < ROLE_CACHE_TTL).then_some(*role)
    }

    pub fn put(&self, principal: &Principal, groups: &[Group], role: Option<Role>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(Self::key(principal, groups), (Instant::now(), role));
        }
    }

    /// Forgets everything (after a grant or revoke on this replica).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_cached_per_caller_and_groups_and_cleared() {
        let cache = RoleCache::default();
        let alice: Principal = "console:alice".parse().expect("principal");
        let group: Group = "slack-group:S1".parse().expect("group");
        assert_eq!(cache.get(&alice, &[]), None);
        cache.put(&alice, &[], Some(Role::Viewer));
        cache.put(&alice, std::slice::from_ref(&group), Some(Role::Admin));
        assert_eq!(cache.get(&alice, &[]), Some(Some(Role::Viewer)));
        assert_eq!(cache.get(&alice, &[group]), Some(Some(Role::Admin)));
        cache.clear();
        assert_eq!(cache.get(&alice, &[]), None);
    }
}
