//! Table `teams_user`: how to reach a Microsoft Teams user 1:1 (their `29:…` id, service
//! URL, tenant and personal conversation), keyed by their Azure AD object id.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};

/// How many ids [`list_user_ids`] puts in one `IN (…)` list.
const IN_LIST_CHUNK: usize = 100;

/// One Teams user as last seen by the bot.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamsUser {
    /// Azure AD object id.
    pub aad_object_id: String,
    /// The Bot Framework user id (`29:…`).
    pub user_id: String,
    pub service_url: String,
    pub tenant_id: String,
    /// The bot's 1:1 conversation with the user, once known.
    pub personal_conversation_id: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Inserts the user or updates `user_id`, `service_url`, `tenant_id` and `updated_at`;
/// `personal_conversation_id` is only set when `Some` (a known one is never erased here).
pub async fn upsert(tx: &mut Tx, user: &TeamsUser) -> Result<(), StoreError> {
    const SQL: &str = "insert into teams_user (aad_object_id, user_id, service_url, tenant_id,
            personal_conversation_id, updated_at)
        values ($1, $2, $3, $4, $5, $6)
        on conflict (aad_object_id) do update set
            user_id = excluded.user_id,
            service_url = excluded.service_url,
            tenant_id = excluded.tenant_id,
            personal_conversation_id = coalesce(excluded.personal_conversation_id,
                teams_user.personal_conversation_id),
            updated_at = excluded.updated_at";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(&user.aad_object_id)
        .bind(&user.user_id)
        .bind(&user.service_url)
        .bind(&user.tenant_id)
        .bind(&user.personal_conversation_id)
        .bind(user.updated_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

pub async fn get(tx: &mut Tx, aad_object_id: &str) -> Result<Option<TeamsUser>, StoreError> {
    const SQL: &str = "select aad_object_id, user_id, service_url, tenant_id,
            personal_conversation_id, updated_at
        from teams_user where aad_object_id = $1";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(aad_object_id)
        .fetch_optional(c)
        .await?))
}

/// Forgets the user's 1:1 conversation (the connector said it is gone). True when one
/// was known.
pub async fn forget_personal_conversation(
    tx: &mut Tx,
    aad_object_id: &str,
) -> Result<bool, StoreError> {
    const SQL: &str = "update teams_user set personal_conversation_id = null
        where aad_object_id = $1 and personal_conversation_id is not null";
    let rows = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(aad_object_id)
        .execute(c)
        .await?
        .rows_affected());
    Ok(rows == 1)
}

/// `(aad_object_id, user_id)` of the known users among `aad_object_ids`, in the order
/// asked, each once; unknown ids are left out.
pub async fn list_user_ids(
    tx: &mut Tx,
    aad_object_ids: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut found: HashMap<String, String> = HashMap::new();
    for chunk in aad_object_ids.chunks(IN_LIST_CHUNK) {
        let sql = in_list_sql(chunk.len());
        let rows: Vec<(String, String)> = on_tx!(tx, |c| {
            let mut query = sqlx::query_as(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_all(c).await?
        });
        found.extend(rows);
    }
    let mut listed = Vec::with_capacity(found.len());
    for aad in aad_object_ids {
        if let Some(user_id) = found.remove(aad) {
            listed.push((aad.clone(), user_id));
        }
    }
    Ok(listed)
}

/// The one query text of [`list_user_ids`] for `n` ids: `… in ($1, …, $n)`.
fn in_list_sql(n: usize) -> String {
    let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "select aad_object_id, user_id from teams_user where aad_object_id in ({})",
        placeholders.join(", ")
    )
}
