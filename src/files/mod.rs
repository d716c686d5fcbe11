//! Short-lived signed file links served by the bot: [`FileLinks::publish`] stores bytes
//! (table `shared_file`) under a random id and returns
//! `{PUBLIC_URL}/files/{id}?exp={unix}&sig={hex}`; [`FileLinks::router`] serves
//! `GET /files/{id}` (mount it at the root of the listener `PUBLIC_URL` points to; a
//! path prefix in `PUBLIC_URL` is for a proxy that strips it). Any replica sharing the
//! secret and the store serves any link. `sign.rs` owns the signature, `route.rs` the
//! route, `headers.rs` the served media types and file names.

mod headers;
mod route;
mod sign;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use chrono::{DateTime, TimeDelta, Utc};
use secrecy::SecretString;
use url::Url;

use crate::approvals::Clock;
use crate::store::shared_files::{self, SharedFile};
use crate::store::{Db, StoreError};

pub use route::EXPIRED_TEXT;
use sign::LinkKey;

/// How long a link works unless told otherwise: a day.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Longest lifetime a link is given (a longer `ttl` is shortened to it).
pub const MAX_TTL: Duration = Duration::from_secs(366 * 24 * 60 * 60);

/// Bytes of randomness in a file id (hex in the URL): 128 bits.
const ID_BYTES: usize = 16;

/// Why a file could not be published or purged. Never contains the secret.
#[derive(Debug, thiserror::Error)]
pub enum FileLinkError {
    #[error("PUBLIC_URL `{0}` cannot be the base of a file link")]
    PublicUrl(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Publishes files at signed links and serves them.
#[derive(Clone)]
pub struct FileLinks {
    db: Db,
    public_url: Url,
    key: LinkKey,
    ttl: TimeDelta,
    clock: Clock,
}

impl std::fmt::Debug for FileLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileLinks")
            .field("public_url", &self.public_url.as_str())
            .field("ttl_seconds", &self.ttl.num_seconds())
            .field("key", &"[redacted]")
            .finish()
    }
}

impl FileLinks {
    /// `key_material` is a secret every replica shares (the caller passes
    /// `TEAMS_APP_PASSWORD`); only a key derived from it is kept. `ttl` is clamped to
    /// 1 s ..= [`MAX_TTL`].
    pub fn new(db: Db, public_url: Url, key_material: &SecretString, ttl: Duration) -> FileLinks {
        let seconds = ttl.clamp(Duration::from_secs(1), MAX_TTL).as_secs();
        let ttl = TimeDelta::try_seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
            .unwrap_or(TimeDelta::days(366));
        FileLinks {
            db,
            public_url,
            key: LinkKey::derive(key_material),
            ttl,
            clock: Clock::system(),
        }
    }

    /// Reads the time from `clock` (tests move it to expire links).
    pub fn with_clock(mut self, clock: Clock) -> FileLinks {
        self.clock = clock;
        self
    }

    /// Stores the bytes under a fresh random id and returns the signed link to them,
    /// valid for the TTL (whole seconds).
    pub async fn publish(
        &self,
        filename: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Url, FileLinkError> {
        let created_at = self.now();
        let expires_at = whole_seconds(created_at + self.ttl);
        let id = hex::encode(rand::random::<[u8; ID_BYTES]>());
        let link = self.link(&id, expires_at.timestamp())?;
        let file = SharedFile {
            id,
            filename: filename.to_string(),
            media_type: media_type.to_string(),
            bytes: bytes.to_vec(),
            created_at,
            expires_at,
        };
        let mut tx = self.db.begin().await?;
        shared_files::insert(&mut tx, &file).await?;
        tx.commit().await?;
        Ok(link)
    }

    /// `GET /files/{id}` (and HEAD), with this value as its state.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/files/{id}", get(route::serve))
            .with_state(self.clone())
    }

    /// Deletes the files expired by now; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, FileLinkError> {
        let mut tx = self.db.begin().await?;
        let purged = shared_files::purge_expired(&mut tx, self.now()).await?;
        tx.commit().await?;
        Ok(purged)
    }

    /// The signed link to `id` expiring at `exp` (unix seconds), under `PUBLIC_URL`'s
    /// path (a trailing slash or none), without its query or fragment.
    fn link(&self, id: &str, exp: i64) -> Result<Url, FileLinkError> {
        let mut url = self.public_url.clone();
        if url.cannot_be_a_base() {
            return Err(FileLinkError::PublicUrl(self.public_url.to_string()));
        }
        url.set_query(None);
        url.set_fragment(None);
        let path = format!("{}/files/{id}", url.path().trim_end_matches('/'));
        url.set_path(&path);
        let exp = exp.to_string();
        let sig = self.key.sign(id, &exp);
        url.query_pairs_mut()
            .append_pair("exp", &exp)
            .append_pair("sig", &sig);
        Ok(url)
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    async fn load(&self, id: &str) -> Result<Option<SharedFile>, StoreError> {
        let mut tx = self.db.begin_read().await?;
        let file = shared_files::get(&mut tx, id).await?;
        tx.commit().await?;
        Ok(file)
    }
}

fn whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DatabaseUrl;

    async fn links(public_url: &str) -> (FileLinks, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("s.db").display());
        let db = Db::open(&DatabaseUrl::parse(&url).unwrap()).await.unwrap();
        let secret = SecretString::from("app password".to_string());
        let links = FileLinks::new(db, Url::parse(public_url).unwrap(), &secret, DEFAULT_TTL);
        (links, dir)
    }

    #[tokio::test]
    async fn links_respect_a_path_prefix_and_are_signed() {
        for (base, prefix) in [
            ("https://bot.example.com", ""),
            ("https://bot.example.com/", ""),
            ("https://bot.example.com/virbela", "/virbela"),
            ("https://bot.example.com/virbela/?x=1#f", "/virbela"),
        ] {
            let (links, _dir) = links(base).await;
            let url = links.link("abc", 1_700_000_000).unwrap();
            assert_eq!(url.path(), format!("{prefix}/files/abc"), "{base}");
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            assert_eq!(pairs.len(), 2, "{url}");
            assert_eq!(pairs[0], ("exp".into(), "1700000000".into()));
            assert!(links.key.verify("abc", "1700000000", &pairs[1].1));
            assert!(url.fragment().is_none());
        }
        let (links, _dir) = links("mailto:bot@example.com").await;
        assert!(matches!(
            links.link("abc", 1),
            Err(FileLinkError::PublicUrl(_))
        ));
    }

    #[tokio::test]
    async fn publish_stores_with_a_random_id_and_the_ttl() {
        let (links, _dir) = links("https://bot.example.com").await;
        let a = links.publish("a.csv", "text/csv", b"x,y\n").await.unwrap();
        let b = links.publish("a.csv", "text/csv", b"x,y\n").await.unwrap();
        assert_ne!(a.path(), b.path());
        let id = a.path().trim_start_matches("/files/").to_string();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|c| c.is_ascii_hexdigit()));
        let file = links.load(&id).await.unwrap().unwrap();
        assert_eq!(file.bytes, b"x,y\n");
        assert_eq!(file.expires_at.timestamp_subsec_nanos(), 0);
        let ttl = file.expires_at - file.created_at;
        assert!(ttl <= TimeDelta::days(1) && ttl > TimeDelta::days(1) - TimeDelta::seconds(1));
        let exp = a.query_pairs().find(|(k, _)| k == "exp").unwrap().1;
        assert_eq!(exp, file.expires_at.timestamp().to_string());
        let shown = format!("{links:?}");
        assert!(shown.contains("[redacted]") && !shown.contains("app password"));
    }
}
