//! A local Bot Framework token authority: OpenID metadata and a JWKS (the test-only key
//! in `tests/fixtures/teams/`, endorsed for `msteams`) served on an ephemeral port, and
//! RS256 tokens minted with that key for any claims.

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::{Value, json};
use url::Url;

const PRIVATE_KEY_PEM: &str = include_str!("../fixtures/teams/test-key.pem");
const PUBLIC_JWK: &str = include_str!("../fixtures/teams/test-key.jwk.json");
pub const KID: &str = "test-key-1";
pub const ISSUER: &str = "https://api.botframework.com";

#[derive(Clone)]
pub struct Authority {
    base: Url,
}

impl Authority {
    pub async fn start() -> Authority {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind authority");
        let base =
            Url::parse(&format!("http://{}/", listener.local_addr().expect("addr"))).expect("base");
        let app = axum::Router::new()
            .route("/v1/.well-known/openidconfiguration", get(metadata))
            .route("/v1/.well-known/keys", get(keys))
            .with_state(base.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Authority { base }
    }

    pub fn metadata_url(&self) -> Url {
        self.base
            .join("v1/.well-known/openidconfiguration")
            .expect("metadata url")
    }
}

async fn metadata(State(base): State<Url>) -> Json<Value> {
    Json(json!({
        "issuer": ISSUER,
        "jwks_uri": base.join("v1/.well-known/keys").expect("jwks url"),
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn keys() -> Json<Value> {
    let mut key: Value = serde_json::from_str(PUBLIC_JWK).expect("jwk");
    key["kid"] = json!(KID);
    key["endorsements"] = json!(["msteams"]);
    Json(json!({ "keys": [key] }))
}

/// A token the connector would send for an activity from `service_url` to `app_id`.
pub fn token(app_id: &str, service_url: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    sign(&json!({
        "iss": ISSUER,
        "aud": app_id,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
    }))
}

/// An RS256 token over `claims`, signed with the fixture key.
pub fn sign(claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": KID});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let body: String = PRIVATE_KEY_PEM
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let pair = RsaKeyPair::from_pkcs8(&STANDARD.decode(body).expect("pem")).expect("key");
    let mut signature = vec![0; pair.public().modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .expect("sign");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}
