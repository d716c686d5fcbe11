//! Access control: principals and groups, roles, and resolving a principal's effective
//! role: the highest of its own bindings, its groups' bindings and `BOOTSTRAP_ADMINS`
//! (always admin). No binding means no access (default deny). Granting and revoking are
//! audited with the acting principal, in the same transaction as the change.

pub mod cli;
mod principal;
mod role;

pub use principal::{Group, Platform, Principal, PrincipalError, Subject};
pub use role::{Capability, Role, RoleError};

use std::collections::BTreeSet;

use serde_json::json;

use crate::audit::{self, Entry};
use crate::store::role_bindings::{self, RoleBinding};
use crate::store::{Db, StoreError, Tx, now};

/// Why an access operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("BOOTSTRAP_ADMINS: {0}")]
    BadBootstrapAdmin(PrincipalError),
    #[error("{principal} may not do this: it needs the {needed} role or higher (has {has})")]
    Denied {
        principal: String,
        needed: Role,
        has: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a grant or revoke did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Done,
    /// The binding already existed (grant) or did not exist (revoke).
    Unchanged,
}

/// Role resolution and role administration.
#[derive(Debug, Clone, Default)]
pub struct Access {
    bootstrap_admins: BTreeSet<Principal>,
}

impl Access {
    /// From the `BOOTSTRAP_ADMINS` entries; a malformed one is an error, not ignored.
    pub fn new(bootstrap_admins: &[String]) -> Result<Access, AccessError> {
        let bootstrap_admins = bootstrap_admins
            .iter()
            .map(|s| s.parse().map_err(AccessError::BadBootstrapAdmin))
            .collect::<Result<_, _>>()?;
        Ok(Access { bootstrap_admins })
    }

    pub fn is_bootstrap_admin(&self, principal: &Principal) -> bool {
        self.bootstrap_admins.contains(principal)
    }

    pub fn bootstrap_admins(&self) -> impl Iterator<Item = &Principal> {
        self.bootstrap_admins.iter()
    }

    /// The effective role of `principal`, a member of `groups` (as its platform reports
    /// them), or `None`: no access.
    pub async fn role_of(
        &self,
        db: &Db,
        principal: &Principal,
        groups: &[Group],
    ) -> Result<Option<Role>, StoreError> {
        // No store round trip for the admins of the configuration.
        if self.is_bootstrap_admin(principal) {
            return Ok(Some(Role::Admin));
        }
        let mut tx = db.begin_read().await?;
        let role = self.role_in(&mut tx, principal, groups).await?;
        tx.commit().await?;
        Ok(role)
    }

    /// [`Access::role_of`] inside a transaction (votes resolve the role in their own).
    pub async fn role_in(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        groups: &[Group],
    ) -> Result<Option<Role>, StoreError> {
        if self.is_bootstrap_admin(principal) {
            return Ok(Some(Role::Admin));
        }
        let subjects: Vec<String> = std::iter::once(principal.to_string())
            .chain(groups.iter().map(Group::to_string))
            .collect();
        Ok(role_bindings::roles_for(tx, &subjects)
            .await?
            .into_iter()
            .max())
    }

    /// The role, or [`AccessError::Denied`] when it does not include `capability`.
    pub async fn require(
        &self,
        db: &Db,
        principal: &Principal,
        groups: &[Group],
        capability: Capability,
    ) -> Result<Role, AccessError> {
        let role = self.role_of(db, principal, groups).await?;
        match role {
            Some(r) if r.can(capability) => Ok(r),
            _ => Err(AccessError::Denied {
                principal: principal.to_string(),
                needed: capability.min_role(),
                has: role.map_or_else(|| "no role".to_string(), |r| r.to_string()),
            }),
        }
    }

    /// Binds `role` to `subject`. The caller has checked that `actor` may (admin, or the
    /// shell); the change and its author are audited.
    pub async fn grant(
        &self,
        db: &Db,
        actor: &Principal,
        subject: &Subject,
        role: Role,
    ) -> Result<Change, StoreError> {
        let mut tx = db.begin().await?;
        let at = now();
        let added =
            role_bindings::insert(&mut tx, &subject.to_string(), role, &actor.to_string(), at)
                .await?;
        let change = if added {
            Change::Done
        } else {
            Change::Unchanged
        };
        audit_role_change(&mut tx, actor, "role.grant", subject, role, change, at).await?;
        tx.commit().await?;
        Ok(change)
    }

    /// Removes the binding of `role` to `subject`, audited like [`Access::grant`].
    /// Bootstrap admins stay admins whatever the store says.
    pub async fn revoke(
        &self,
        db: &Db,
        actor: &Principal,
        subject: &Subject,
        role: Role,
    ) -> Result<Change, StoreError> {
        let mut tx = db.begin().await?;
        let at = now();
        let removed = role_bindings::delete(&mut tx, &subject.to_string(), role).await?;
        let change = if removed {
            Change::Done
        } else {
            Change::Unchanged
        };
        audit_role_change(&mut tx, actor, "role.revoke", subject, role, change, at).await?;
        tx.commit().await?;
        Ok(change)
    }

    /// Every stored binding, by subject.
    pub async fn list(&self, db: &Db) -> Result<Vec<RoleBinding>, StoreError> {
        let mut tx = db.begin_read().await?;
        let bindings = role_bindings::list(&mut tx).await?;
        tx.commit().await?;
        Ok(bindings)
    }
}

async fn audit_role_change(
    tx: &mut Tx,
    actor: &Principal,
    action: &str,
    subject: &Subject,
    role: Role,
    change: Change,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<i64, StoreError> {
    let actor = actor.to_string();
    let target = subject.to_string();
    let outcome = match change {
        Change::Done => "ok",
        Change::Unchanged => "unchanged",
    };
    audit::append(
        tx,
        at,
        &Entry {
            actor: &actor,
            action,
            target: Some(&target),
            outcome,
            correlation_id: None,
            details: json!({ "role": role.as_str() }),
        },
    )
    .await
}
