//! Bot Framework token validation: every inbound activity carries
//! `Authorization: Bearer <JWT>` signed by the Bot Framework connector. [`BotAuth::validate`]
//! checks all of it before anything else reads the activity:
//!
//! - the signing key comes from the JWKS named by the OpenID metadata document
//!   (`TEAMS_OPENID_METADATA_URL`, by default Microsoft's); keys are cached, refreshed when
//!   older than 24 hours, and re-fetched on an unknown `kid` at most once per 5 minutes. A
//!   failing metadata or JWKS endpoint never empties a warm cache: the old keys keep working
//!   (while the cache is still empty, every request tries a fetch, one at a time);
//! - RS256 only (the JOSE header is read first so `none`, HS256 and the rest are named);
//! - issuer `https://api.botframework.com`, audience the bot's app id (`TEAMS_APP_ID`);
//! - `nbf` and `exp` with 5 minutes of clock skew, read from an injectable [`Clock`];
//! - the `serviceurl` claim equal to the activity's `serviceUrl`;
//! - when the key lists `endorsements`, `msteams` must be among them.
//!
//! The answer is the checked [`Claims`] or an [`AuthError`] naming the reason, for a 401
//! and a log line. No error, log line or `Debug` output contains the token.

mod ring_provider;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::{Mutex, RwLock};
use url::Url;

pub use crate::approvals::Clock;

/// The only issuer of connector-to-bot tokens.
pub const ISSUER: &str = "https://api.botframework.com";
/// The endorsement a key must carry (when it lists any) to sign Teams activities.
pub const TEAMS_ENDORSEMENT: &str = "msteams";
/// Allowed clock skew on `nbf` and `exp`, in seconds.
pub const CLOCK_SKEW_SECONDS: i64 = 5 * 60;
/// Keys older than this are refreshed.
pub const KEYS_MAX_AGE: TimeDelta = TimeDelta::hours(24);
/// At most one fetch per this interval for an unknown `kid` or a failed refresh.
pub const MIN_REFETCH_INTERVAL: TimeDelta = TimeDelta::minutes(5);
/// Timeout of one metadata or JWKS request.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a token was refused (answer 401; the text is safe to log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no Authorization header")]
    MissingToken,
    #[error("the Authorization header is not a Bearer token")]
    NotBearer,
    #[error("the token is not a well-formed JWT: {0}")]
    Malformed(String),
    #[error("algorithm {0} is not allowed (RS256 only)")]
    AlgorithmNotAllowed(String),
    #[error("the token header has no kid")]
    MissingKeyId,
    #[error("no signing key {0} in the Bot Framework JWKS")]
    UnknownKey(String),
    #[error("signing keys unavailable: {0}")]
    KeysUnavailable(String),
    #[error("signing key {0} is not endorsed for msteams")]
    NotEndorsed(String),
    #[error("bad signature")]
    BadSignature,
    #[error("wrong issuer")]
    WrongIssuer,
    #[error("wrong audience (not this bot's app id)")]
    WrongAudience,
    #[error("missing claim {0}")]
    MissingClaim(String),
    #[error("expired at {0}")]
    Expired(DateTime<Utc>),
    #[error("not valid before {0}")]
    NotYetValid(DateTime<Utc>),
    #[error("the serviceurl claim does not match the activity's serviceUrl")]
    ServiceUrlMismatch,
}

/// The claims of an accepted token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The `serviceurl` claim (equal to the activity's `serviceUrl`).
    pub service_url: String,
    /// The `aud` claim: this bot's app id.
    pub audience: String,
    pub expires_at: DateTime<Utc>,
    pub not_before: Option<DateTime<Utc>>,
    /// The `kid` of the key that signed the token.
    pub key_id: String,
}

/// What [`BotAuth`] needs (from `TeamsSettings`: `app_id`, `openid_metadata_url`).
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub app_id: String,
    pub openid_metadata_url: Url,
}

/// The validator: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct BotAuth {
    inner: Arc<Inner>,
}

struct Inner {
    settings: AuthSettings,
    http: reqwest::Client,
    clock: Clock,
    cache: RwLock<KeyCache>,
    /// One fetch at a time; requests that waited re-read the cache.
    fetching: Mutex<()>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, CachedKey>,
    /// When the keys were last fetched successfully.
    fetched_at: Option<DateTime<Utc>>,
    /// When a fetch was last tried (success or failure).
    attempted_at: Option<DateTime<Utc>>,
}

#[derive(Clone)]
struct CachedKey {
    key: DecodingKey,
    endorsements: Vec<String>,
}

impl std::fmt::Debug for BotAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotAuth")
            .field("app_id", &self.inner.settings.app_id)
            .field(
                "openid_metadata_url",
                &self.inner.settings.openid_metadata_url.as_str(),
            )
            .finish_non_exhaustive()
    }
}

impl BotAuth {
    /// A validator with its own HTTP client and the system clock. Nothing is fetched yet.
    pub fn new(settings: AuthSettings) -> Result<BotAuth, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(FETCH_TIMEOUT).build()?;
        Ok(BotAuth::with_parts(settings, http, Clock::system()))
    }

    /// A validator over the given client and clock (tests move the clock).
    pub fn with_parts(settings: AuthSettings, http: reqwest::Client, clock: Clock) -> BotAuth {
        ring_provider::install();
        BotAuth {
            inner: Arc::new(Inner {
                settings,
                http,
                clock,
                cache: RwLock::new(KeyCache::default()),
                fetching: Mutex::new(()),
            }),
        }
    }

    /// Validates the `Authorization` header value of an activity whose `serviceUrl` is
    /// `service_url`.
    pub async fn validate(
        &self,
        authorization: Option<&str>,
        service_url: &str,
    ) -> Result<Claims, AuthError> {
        let token = bearer_token(authorization)?;
        let header = read_header(token)?;
        if header.alg != "RS256" {
            return Err(AuthError::AlgorithmNotAllowed(header.alg));
        }
        let kid = header.kid.ok_or(AuthError::MissingKeyId)?;
        let key = self.key(&kid).await?;
        if !key.endorsements.is_empty() && !key.endorsements.iter().any(|e| e == TEAMS_ENDORSEMENT)
        {
            return Err(AuthError::NotEndorsed(kid));
        }

        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[self.inner.settings.app_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        // Lifetime is checked below against the injectable clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = jsonwebtoken::decode::<RawClaims>(token, &key.key, &validation)
            .map_err(|e| map_jwt_error(e.into_kind()))?;
        let claims = data.claims;

        let now = self.inner.clock.now().timestamp();
        let expires_at = timestamp(claims.exp)?;
        if now > claims.exp.saturating_add(CLOCK_SKEW_SECONDS) {
            return Err(AuthError::Expired(expires_at));
        }
        let not_before = claims.nbf.map(timestamp).transpose()?;
        if let Some(nbf) =
            not_before.filter(|nbf| now.saturating_add(CLOCK_SKEW_SECONDS) < nbf.timestamp())
        {
            return Err(AuthError::NotYetValid(nbf));
        }
        let claimed = claims
            .serviceurl
            .ok_or_else(|| AuthError::MissingClaim("serviceurl".into()))?;
        if claimed != service_url {
            return Err(AuthError::ServiceUrlMismatch);
        }
        Ok(Claims {
            service_url: claimed,
            audience: self.inner.settings.app_id.clone(),
            expires_at,
            not_before,
            key_id: kid,
        })
    }

    /// The key `kid`, fetching the keys when the cache is empty or stale, or (rate-limited)
    /// when `kid` is unknown.
    async fn key(&self, kid: &str) -> Result<CachedKey, AuthError> {
        let now = self.inner.clock.now();
        {
            let cache = self.inner.cache.read().await;
            match cache.keys.get(kid) {
                Some(key) if !cache.is_stale(now) => return Ok(key.clone()),
                Some(key) if !cache.may_refetch(now) => return Ok(key.clone()),
                None if !cache.keys.is_empty() && !cache.may_refetch(now) => {
                    return Err(AuthError::UnknownKey(kid.to_owned()));
                }
                _ => {}
            }
        }

        let _fetching = self.inner.fetching.lock().await;
        // Another request may have fetched while this one waited.
        let now = self.inner.clock.now();
        let must_fetch = {
            let cache = self.inner.cache.read().await;
            match cache.keys.get(kid) {
                Some(_) => cache.is_stale(now) && cache.may_refetch(now),
                None => cache.keys.is_empty() || cache.may_refetch(now),
            }
        };
        let mut failure = None;
        if must_fetch {
            let fetched = self.fetch_keys().await;
            let mut cache = self.inner.cache.write().await;
            cache.attempted_at = Some(now);
            match fetched {
                Ok(keys) => {
                    tracing::debug!(keys = keys.len(), "Bot Framework signing keys fetched");
                    cache.keys = keys;
                    cache.fetched_at = Some(now);
                }
                Err(reason) => {
                    tracing::warn!(
                        %reason,
                        cached_keys = cache.keys.len(),
                        "Bot Framework signing keys could not be fetched"
                    );
                    failure = Some(reason);
                }
            }
        }
        let cache = self.inner.cache.read().await;
        match cache.keys.get(kid) {
            Some(key) => Ok(key.clone()),
            None if cache.keys.is_empty() => Err(AuthError::KeysUnavailable(
                failure.unwrap_or_else(|| "no keys fetched yet".into()),
            )),
            None => Err(AuthError::UnknownKey(kid.to_owned())),
        }
    }

    /// Metadata document → `jwks_uri` → the RSA keys that have a `kid`.
    async fn fetch_keys(&self) -> Result<HashMap<String, CachedKey>, String> {
        let metadata: OpenIdMetadata = self
            .get_json(self.inner.settings.openid_metadata_url.clone())
            .await?;
        let jwks: Jwks = self.get_json(metadata.jwks_uri).await?;
        let mut keys = HashMap::new();
        for jwk in jwks.keys {
            let (Some(kid), Some(n), Some(e)) = (jwk.kid, jwk.n, jwk.e) else {
                continue;
            };
            if jwk.kty != "RSA" {
                continue;
            }
            match DecodingKey::from_rsa_components(&n, &e) {
                Ok(key) => {
                    let endorsements = jwk.endorsements.unwrap_or_default();
                    keys.insert(kid, CachedKey { key, endorsements });
                }
                Err(e) => {
                    tracing::warn!(%kid, error = %e, "unusable key in the Bot Framework JWKS")
                }
            }
        }
        if keys.is_empty() {
            return Err("the JWKS has no usable RSA key".into());
        }
        Ok(keys)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: Url) -> Result<T, String> {
        let response = self
            .inner
            .http
            .get(url.clone())
            .send()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("GET {url}: HTTP {status}"));
        }
        response
            .json::<T>()
            .await
            .map_err(|e| format!("GET {url}: unexpected body: {e}"))
    }
}

impl KeyCache {
    fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.fetched_at.is_none_or(|at| now - at >= KEYS_MAX_AGE)
    }

    fn may_refetch(&self, now: DateTime<Utc>) -> bool {
        self.attempted_at
            .is_none_or(|at| now - at >= MIN_REFETCH_INTERVAL)
    }
}

fn bearer_token(authorization: Option<&str>) -> Result<&str, AuthError> {
    let value = authorization.ok_or(AuthError::MissingToken)?.trim();
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::NotBearer);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(AuthError::MissingToken);
    }
    Ok(token)
}

/// The JOSE header, read without `jsonwebtoken` so that an algorithm it does not know
/// (`none`) is still named in the error.
#[derive(Deserialize)]
struct JoseHeader {
    alg: String,
    kid: Option<String>,
}

fn read_header(token: &str) -> Result<JoseHeader, AuthError> {
    let encoded = token
        .split('.')
        .next()
        .ok_or_else(|| AuthError::Malformed("no header".into()))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| AuthError::Malformed("header is not base64url".into()))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| AuthError::Malformed("header is not a JOSE header".into()))
}

#[derive(Deserialize)]
struct RawClaims {
    exp: i64,
    nbf: Option<i64>,
    serviceurl: Option<String>,
}

#[derive(Deserialize)]
struct OpenIdMetadata {
    jwks_uri: Url,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    n: Option<String>,
    e: Option<String>,
    endorsements: Option<Vec<String>>,
}

fn timestamp(seconds: i64) -> Result<DateTime<Utc>, AuthError> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| AuthError::Malformed("timestamp out of range".into()))
}

fn map_jwt_error(kind: ErrorKind) -> AuthError {
    match kind {
        ErrorKind::InvalidSignature => AuthError::BadSignature,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            AuthError::AlgorithmNotAllowed("not RS256".into())
        }
        ErrorKind::MissingRequiredClaim(claim) => AuthError::MissingClaim(claim),
        ErrorKind::InvalidClaimFormat(claim) => {
            AuthError::Malformed(format!("claim {claim} has the wrong type"))
        }
        ErrorKind::Json(_) => AuthError::Malformed("claims are not the expected JSON".into()),
        ErrorKind::Base64(_) | ErrorKind::Utf8(_) | ErrorKind::InvalidToken => {
            AuthError::Malformed("not three base64url parts".into())
        }
        other => AuthError::Malformed(format!("{other:?}")),
    }
}
