//! Table `shared_file`: the bytes served at short-lived signed links (`crate::files`),
//! with their file name, media type and expiry.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};

/// One shared file.
#[derive(Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SharedFile {
    /// Random, URL-safe, at least 128 bits.
    pub id: String,
    pub filename: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Debug without the bytes (only their length).
impl std::fmt::Debug for SharedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedFile")
            .field("id", &self.id)
            .field("filename", &self.filename)
            .field("media_type", &self.media_type)
            .field("bytes", &self.bytes.len())
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Stores a file; a duplicate id is a unique violation.
pub async fn insert(tx: &mut Tx, file: &SharedFile) -> Result<(), StoreError> {
    const SQL: &str = "insert into shared_file (id, filename, media_type, bytes, created_at,
            expires_at)
        values ($1, $2, $3, $4, $5, $6)";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(&file.id)
        .bind(&file.filename)
        .bind(&file.media_type)
        .bind(&file.bytes)
        .bind(file.created_at)
        .bind(file.expires_at)
        .execute(c)
        .await?
        .rows_affected());
    Ok(())
}

/// The file, expired or not (the caller compares `expires_at` with its clock).
pub async fn get(tx: &mut Tx, id: &str) -> Result<Option<SharedFile>, StoreError> {
    const SQL: &str = "select id, filename, media_type, bytes, created_at, expires_at
        from shared_file where id = $1";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(c)
        .await?))
}

/// Deletes the files expired at `now` (`expires_at <= now`); returns how many.
pub async fn purge_expired(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StoreError> {
    const SQL: &str = "delete from shared_file where expires_at <= $1";
    Ok(on_tx!(tx, |c| sqlx::query(SQL)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()))
}
