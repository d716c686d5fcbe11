//! Table `role_binding`: which subject (principal or group) holds which role.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};
use crate::access::Role;

/// One binding as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoleBinding {
    pub subject: String,
    pub role: Role,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

/// Adds a binding; false when it already existed (nothing changes then).
pub async fn insert(
    tx: &mut Tx,
    subject: &str,
    role: Role,
    granted_by: &str,
    granted_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    const SQL: &str = "insert into role_binding (subject, role, granted_by, granted_at)
        values ($1, $2, $3, $4) on conflict (subject, role) do nothing";
    let rows = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(subject)
        .bind(role.as_str())
        .bind(granted_by)
        .bind(granted_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(rows == 1)
}

/// Removes a binding; false when there was none.
pub async fn delete(tx: &mut Tx, subject: &str, role: Role) -> Result<bool, StoreError> {
    const SQL: &str = "delete from role_binding where subject = $1 and role = $2";
    let rows = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(subject)
        .bind(role.as_str())
        .execute(c)
        .await?
        .rows_affected());
    Ok(rows == 1)
}

/// Every binding, by subject then role.
pub async fn list(tx: &mut Tx) -> Result<Vec<RoleBinding>, StoreError> {
    const SQL: &str = "select subject, role, granted_by, granted_at from role_binding
        order by subject, role";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL).fetch_all(c).await?))
}

/// The distinct subjects that start with `prefix`, in order: with `slack-group:`, the
/// Slack user groups that hold a role (the Slack adapter fetches their members).
pub async fn subjects_starting_with(tx: &mut Tx, prefix: &str) -> Result<Vec<String>, StoreError> {
    const SQL: &str = "select distinct subject from role_binding
        where subject like $1 escape '\\' order by subject";
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    let subjects: Vec<String> = on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(&pattern)
        .fetch_all(c)
        .await?);
    // SQLite's `like` ignores ASCII case; keep exact matches only.
    Ok(subjects
        .into_iter()
        .filter(|s| s.starts_with(prefix))
        .collect())
}

/// The roles bound to any of `subjects` (a principal and the groups it belongs to).
pub async fn roles_for(tx: &mut Tx, subjects: &[String]) -> Result<Vec<Role>, StoreError> {
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    // Only placeholders are generated; the values are bound.
    let placeholders: Vec<String> = (1..=subjects.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "select distinct role from role_binding where subject in ({})",
        placeholders.join(", ")
    );
    let words: Vec<String> = on_tx!(tx, |c| {
        let mut query = sqlx::query_scalar(&sql);
        for subject in subjects {
            query = query.bind(subject);
        }
        query.fetch_all(c).await?
    });
    words
        .iter()
        .map(|w| super::parse_column("role_binding.role", w))
        .collect()
}
