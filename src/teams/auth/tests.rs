//! The validator against a local token authority: OpenID metadata and JWKS served by axum
//! on an ephemeral port, tokens signed with the test-only key in `tests/fixtures/teams/`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, TimeDelta, Utc};
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::{Value, json};

use super::*;

const PRIVATE_KEY_PEM: &str = include_str!("../../../tests/fixtures/teams/test-key.pem");
const PUBLIC_JWK: &str = include_str!("../../../tests/fixtures/teams/test-key.jwk.json");
const APP_ID: &str = "c9e8c047-2a74-40a2-b28a-b162d5f5327c";
const SERVICE_URL: &str = "https://smba.trafficmanager.net/amer/";
const KID: &str = "test-key-1";

/// The local authority: what it serves and how often it was asked.
#[derive(Clone)]
struct Authority {
    jwks: Arc<Mutex<Value>>,
    down: Arc<Mutex<bool>>,
    metadata_hits: Arc<AtomicUsize>,
    jwks_hits: Arc<AtomicUsize>,
    base: Url,
}

impl Authority {
    async fn start() -> Authority {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let authority = Authority {
            jwks: Arc::new(Mutex::new(json!({ "keys": [jwk(KID, None)] }))),
            down: Arc::new(Mutex::new(false)),
            metadata_hits: Arc::new(AtomicUsize::new(0)),
            jwks_hits: Arc::new(AtomicUsize::new(0)),
            base,
        };
        let app = axum::Router::new()
            .route("/v1/.well-known/openidconfiguration", get(metadata))
            .route("/v1/.well-known/keys", get(keys))
            .with_state(authority.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        authority
    }

    fn set_keys(&self, keys: Vec<Value>) {
        *self.jwks.lock().unwrap() = json!({ "keys": keys });
    }

    fn set_down(&self, down: bool) {
        *self.down.lock().unwrap() = down;
    }

    fn metadata_url(&self) -> Url {
        self.base
            .join("v1/.well-known/openidconfiguration")
            .unwrap()
    }

    fn jwks_hits(&self) -> usize {
        self.jwks_hits.load(Ordering::SeqCst)
    }

    fn metadata_hits(&self) -> usize {
        self.metadata_hits.load(Ordering::SeqCst)
    }
}

async fn metadata(State(authority): State<Authority>) -> Response {
    authority.metadata_hits.fetch_add(1, Ordering::SeqCst);
    if *authority.down.lock().unwrap() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Json(json!({
        "issuer": ISSUER,
        "authorization_endpoint": "https://invalid.botframework.com",
        "jwks_uri": authority.base.join("v1/.well-known/keys").unwrap(),
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
    }))
    .into_response()
}

async fn keys(State(authority): State<Authority>) -> Response {
    authority.jwks_hits.fetch_add(1, Ordering::SeqCst);
    if *authority.down.lock().unwrap() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Json(authority.jwks.lock().unwrap().clone()).into_response()
}

/// The fixture's public key under `kid`, with `endorsements` when given.
fn jwk(kid: &str, endorsements: Option<&[&str]>) -> Value {
    let mut key: Value = serde_json::from_str(PUBLIC_JWK).unwrap();
    key["kid"] = json!(kid);
    if let Some(endorsements) = endorsements {
        key["endorsements"] = json!(endorsements);
    }
    key
}

/// A settable clock shared by the validator and the test.
#[derive(Clone)]
struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    fn new() -> TestClock {
        TestClock(Arc::new(Mutex::new(
            "2026-11-28T12:00:00Z".parse::<DateTime<Utc>>().unwrap(),
        )))
    }

    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }

    fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap() += by;
    }

    fn clock(&self) -> Clock {
        let shared = self.0.clone();
        Clock::from_fn(move || *shared.lock().unwrap())
    }
}

struct Setup {
    authority: Authority,
    clock: TestClock,
    auth: BotAuth,
}

async fn setup() -> Setup {
    let authority = Authority::start().await;
    let clock = TestClock::new();
    let auth = BotAuth::with_parts(
        AuthSettings {
            app_id: APP_ID.into(),
            openid_metadata_url: authority.metadata_url(),
        },
        reqwest::Client::new(),
        clock.clock(),
    );
    Setup {
        authority,
        clock,
        auth,
    }
}

impl Setup {
    /// The claims of a valid token at the current test time.
    fn claims(&self) -> Value {
        let now = self.clock.now().timestamp();
        json!({
            "iss": ISSUER,
            "aud": APP_ID,
            "serviceurl": SERVICE_URL,
            "nbf": now - 60,
            "exp": now + 3600,
        })
    }

    async fn check(&self, token: &str) -> Result<Claims, AuthError> {
        self.auth
            .validate(Some(&format!("Bearer {token}")), SERVICE_URL)
            .await
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn key_pair() -> RsaKeyPair {
    let body: String = PRIVATE_KEY_PEM
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    RsaKeyPair::from_pkcs8(&STANDARD.decode(body).unwrap()).unwrap()
}

/// An RS256 token signed with the fixture key.
fn rs256(header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let pair = key_pair();
    let mut signature = vec![0; pair.public().modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .unwrap();
    format!("{input}.{}", b64(&signature))
}

fn signed(kid: &str, claims: &Value) -> String {
    rs256(&json!({ "alg": "RS256", "typ": "JWT", "kid": kid }), claims)
}

/// A token whose signature is an HMAC-SHA256 keyed with `secret`, under header `alg`.
fn hmac_signed(alg: &str, secret: &[u8], claims: &Value) -> String {
    let header = json!({ "alg": alg, "typ": "JWT", "kid": KID });
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    let tag = ring::hmac::sign(&key, input.as_bytes());
    format!("{input}.{}", b64(tag.as_ref()))
}

#[tokio::test]
async fn valid_token_is_accepted() {
    let s = setup().await;
    let claims = s.check(&signed(KID, &s.claims())).await.unwrap();
    assert_eq!(claims.service_url, SERVICE_URL);
    assert_eq!(claims.audience, APP_ID);
    assert_eq!(claims.key_id, KID);
    assert_eq!(claims.expires_at, s.clock.now() + TimeDelta::hours(1));
    // The keys are cached: a second token fetches nothing.
    s.check(&signed(KID, &s.claims())).await.unwrap();
    assert_eq!(
        (s.authority.metadata_hits(), s.authority.jwks_hits()),
        (1, 1)
    );
}

#[tokio::test]
async fn wrong_issuer_is_refused() {
    let s = setup().await;
    let mut claims = s.claims();
    claims["iss"] = json!("https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/");
    assert_eq!(
        s.check(&signed(KID, &claims)).await,
        Err(AuthError::WrongIssuer)
    );
}

#[tokio::test]
async fn wrong_audience_is_refused() {
    let s = setup().await;
    let mut claims = s.claims();
    claims["aud"] = json!("another-bot");
    assert_eq!(
        s.check(&signed(KID, &claims)).await,
        Err(AuthError::WrongAudience)
    );
}

#[tokio::test]
async fn expired_token_is_refused_beyond_the_skew_and_accepted_within_it() {
    let s = setup().await;
    let now = s.clock.now().timestamp();
    let mut claims = s.claims();
    claims["nbf"] = json!(now - 7200);
    claims["exp"] = json!(now - 2 * 60);
    assert!(s.check(&signed(KID, &claims)).await.is_ok());
    claims["exp"] = json!(now - 10 * 60);
    assert!(matches!(
        s.check(&signed(KID, &claims)).await,
        Err(AuthError::Expired(_))
    ));
}

#[tokio::test]
async fn not_yet_valid_token_is_refused_beyond_the_skew_and_accepted_within_it() {
    let s = setup().await;
    let now = s.clock.now().timestamp();
    let mut claims = s.claims();
    claims["nbf"] = json!(now + 2 * 60);
    assert!(s.check(&signed(KID, &claims)).await.is_ok());
    claims["nbf"] = json!(now + 10 * 60);
    assert!(matches!(
        s.check(&signed(KID, &claims)).await,
        Err(AuthError::NotYetValid(_))
    ));
}

#[tokio::test]
async fn service_url_mismatch_is_refused() {
    let s = setup().await;
    let mut claims = s.claims();
    claims["serviceurl"] = json!("https://smba.trafficmanager.net/emea/");
    assert_eq!(
        s.check(&signed(KID, &claims)).await,
        Err(AuthError::ServiceUrlMismatch)
    );
    claims
        .as_object_mut()
        .unwrap()
        .remove("serviceurl")
        .unwrap();
    assert_eq!(
        s.check(&signed(KID, &claims)).await,
        Err(AuthError::MissingClaim("serviceurl".into()))
    );
}

#[tokio::test]
async fn hs256_and_none_are_refused() {
    let s = setup().await;
    let claims = s.claims();
    // HS256 keyed with the public modulus (the classic algorithm confusion).
    let modulus = jwk(KID, None)["n"].as_str().unwrap().to_owned();
    assert_eq!(
        s.check(&hmac_signed("HS256", modulus.as_bytes(), &claims))
            .await,
        Err(AuthError::AlgorithmNotAllowed("HS256".into()))
    );
    // The same forgery claiming RS256 fails the signature check.
    assert_eq!(
        s.check(&hmac_signed("RS256", modulus.as_bytes(), &claims))
            .await,
        Err(AuthError::BadSignature)
    );
    let none = format!(
        "{}.{}.",
        b64(json!({ "alg": "none", "kid": KID }).to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    assert_eq!(
        s.check(&none).await,
        Err(AuthError::AlgorithmNotAllowed("none".into()))
    );
}

#[tokio::test]
async fn tampered_claims_fail_the_signature_check() {
    let s = setup().await;
    let token = signed(KID, &s.claims());
    let mut parts: Vec<&str> = token.split('.').collect();
    let mut claims = s.claims();
    claims["serviceurl"] = json!("https://attacker.example/");
    let forged = b64(claims.to_string().as_bytes());
    parts[1] = &forged;
    assert_eq!(
        s.auth
            .validate(
                Some(&format!("Bearer {}", parts.join("."))),
                "https://attacker.example/"
            )
            .await,
        Err(AuthError::BadSignature)
    );
}

#[tokio::test]
async fn unknown_kid_triggers_one_refetch_then_refusal() {
    let s = setup().await;
    s.check(&signed(KID, &s.claims())).await.unwrap();
    assert_eq!(s.authority.jwks_hits(), 1);

    // Within 5 minutes of the last fetch: refused without asking again.
    s.clock.advance(TimeDelta::minutes(1));
    assert_eq!(
        s.check(&signed("rotated", &s.claims())).await,
        Err(AuthError::UnknownKey("rotated".into()))
    );
    assert_eq!(s.authority.jwks_hits(), 1);

    // Later: one re-fetch, still unknown, refused; an immediate retry fetches nothing.
    s.clock.advance(TimeDelta::minutes(5));
    assert_eq!(
        s.check(&signed("rotated", &s.claims())).await,
        Err(AuthError::UnknownKey("rotated".into()))
    );
    assert_eq!(s.authority.jwks_hits(), 2);
    assert_eq!(
        s.check(&signed("rotated", &s.claims())).await,
        Err(AuthError::UnknownKey("rotated".into()))
    );
    assert_eq!(s.authority.jwks_hits(), 2);

    // The key is published: the next re-fetch finds it.
    s.authority
        .set_keys(vec![jwk(KID, None), jwk("rotated", None)]);
    s.clock.advance(TimeDelta::minutes(5));
    let claims = s.check(&signed("rotated", &s.claims())).await.unwrap();
    assert_eq!(claims.key_id, "rotated");
    assert_eq!(s.authority.jwks_hits(), 3);
}

#[tokio::test]
async fn endorsements_without_msteams_are_refused() {
    let s = setup().await;
    s.authority.set_keys(vec![
        jwk("webchat-only", Some(&["webchat", "directline"])),
        jwk("teams", Some(&["msteams", "webchat"])),
        jwk("none-listed", Some(&[])),
    ]);
    assert_eq!(
        s.check(&signed("webchat-only", &s.claims())).await,
        Err(AuthError::NotEndorsed("webchat-only".into()))
    );
    assert!(s.check(&signed("teams", &s.claims())).await.is_ok());
    assert!(s.check(&signed("none-listed", &s.claims())).await.is_ok());
}

#[tokio::test]
async fn warm_cache_keeps_validating_when_the_endpoint_is_down() {
    let s = setup().await;
    s.check(&signed(KID, &s.claims())).await.unwrap();
    s.authority.set_down(true);

    // A day later the keys are stale: a refresh is tried, fails, and the cache serves.
    s.clock.advance(TimeDelta::hours(25));
    let claims = s.claims();
    assert!(s.check(&signed(KID, &claims)).await.is_ok());
    assert_eq!(s.authority.metadata_hits(), 2);
    // The failed refresh is not retried on every request.
    assert!(s.check(&signed(KID, &claims)).await.is_ok());
    assert_eq!(s.authority.metadata_hits(), 2);

    // Back up: the next refresh (5 minutes on) replaces the keys.
    s.authority.set_down(false);
    s.clock.advance(TimeDelta::minutes(6));
    assert!(s.check(&signed(KID, &s.claims())).await.is_ok());
    assert_eq!(
        (s.authority.metadata_hits(), s.authority.jwks_hits()),
        (3, 2)
    );
}

#[tokio::test]
async fn cold_cache_with_the_endpoint_down_refuses() {
    let s = setup().await;
    s.authority.set_down(true);
    assert!(matches!(
        s.check(&signed(KID, &s.claims())).await,
        Err(AuthError::KeysUnavailable(_))
    ));
    // It recovers as soon as the authority does.
    s.authority.set_down(false);
    assert!(s.check(&signed(KID, &s.claims())).await.is_ok());
}

#[tokio::test]
async fn bad_authorization_headers_are_refused() {
    let s = setup().await;
    let auth = &s.auth;
    assert_eq!(
        auth.validate(None, SERVICE_URL).await,
        Err(AuthError::MissingToken)
    );
    assert_eq!(
        auth.validate(Some("Basic dXNlcjpwYXNz"), SERVICE_URL).await,
        Err(AuthError::NotBearer)
    );
    assert!(matches!(
        auth.validate(Some("Bearer not-a-jwt"), SERVICE_URL).await,
        Err(AuthError::Malformed(_))
    ));
    let no_kid = rs256(&json!({ "alg": "RS256" }), &s.claims());
    assert_eq!(s.check(&no_kid).await, Err(AuthError::MissingKeyId));
    // Nothing was fetched for any of these.
    assert_eq!(s.authority.metadata_hits(), 0);
}
