//! Slack request signatures: `X-Slack-Signature: v0=<hex>` is the HMAC-SHA256 of
//! `v0:{X-Slack-Request-Timestamp}:{raw body}` keyed with the signing secret's UTF-8
//! bytes. The comparison is constant-time and the timestamp must be within five minutes
//! of now, in either direction (replays and clock skew). The clock is a parameter so
//! Slack's published test vector can be checked. No error ever contains the secret.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// `X-Slack-Signature`.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";
/// `X-Slack-Request-Timestamp`.
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// How far a request's timestamp may be from now, in seconds (either direction).
pub const MAX_SKEW_SECONDS: i64 = 5 * 60;

const VERSION: &str = "v0";

/// Why a request was refused. Never contains the secret or the expected signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing {0} header")]
    MissingHeader(&'static str),
    #[error("timestamp header is not a unix time in seconds")]
    BadTimestamp,
    #[error("timestamp is stale by {0} s (more than 300 s old)")]
    Stale(i64),
    #[error("timestamp is {0} s in the future (more than 300 s ahead)")]
    Future(i64),
    #[error("signature header is not `v0=<64 hex digits>`")]
    Malformed,
    #[error("signature does not match")]
    Mismatch,
    #[error("no signing secret is configured, so no HTTP request can be verified")]
    NoSecret,
}

/// Checks Slack's signatures with the app's signing secret.
#[derive(Clone)]
pub struct SignatureVerifier {
    secret: SecretString,
}

impl std::fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureVerifier")
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl SignatureVerifier {
    pub fn new(secret: SecretString) -> SignatureVerifier {
        SignatureVerifier { secret }
    }

    /// Verifies `body` (the raw bytes, before any parsing) against the signature headers,
    /// with `now_unix` as the current time.
    pub fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now_unix: i64,
    ) -> Result<(), SignatureError> {
        let timestamp = header(headers, TIMESTAMP_HEADER)?;
        let signature = header(headers, SIGNATURE_HEADER)?;
        let ts: i64 = timestamp
            .parse()
            .map_err(|_| SignatureError::BadTimestamp)?;
        let age = now_unix.saturating_sub(ts);
        if age > MAX_SKEW_SECONDS {
            return Err(SignatureError::Stale(age));
        }
        if age < -MAX_SKEW_SECONDS {
            return Err(SignatureError::Future(-age));
        }
        let given = signature
            .strip_prefix("v0=")
            .and_then(|h| hex::decode(h).ok())
            .filter(|bytes| bytes.len() == 32)
            .ok_or(SignatureError::Malformed)?;
        let expected = mac(&self.secret, timestamp, body);
        if bool::from(expected.as_slice().ct_eq(&given)) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

/// The `X-Slack-Signature` value Slack would send for `body` at `timestamp` (tests,
/// benchmarks and fakes).
pub fn sign(secret: &SecretString, timestamp: i64, body: &[u8]) -> String {
    format!(
        "{VERSION}={}",
        hex::encode(mac(secret, &timestamp.to_string(), body))
    )
}

fn mac(secret: &SecretString, timestamp: &str, body: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(VERSION.as_bytes());
    mac.update(b":");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, SignatureError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or(SignatureError::MissingHeader(name))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: i64 = 1_531_420_618;
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn verifier() -> SignatureVerifier {
        SignatureVerifier::new(SecretString::from(SECRET))
    }

    fn headers(ts: &str, signature: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(TIMESTAMP_HEADER, HeaderValue::from_str(ts).expect("ts"));
        h.insert(
            SIGNATURE_HEADER,
            HeaderValue::from_str(signature).expect("sig"),
        );
        h
    }

    #[test]
    fn slacks_published_vector_verifies_with_the_clock_fixed() {
        let h = headers(&TS.to_string(), SIGNATURE);
        for now in [TS, TS + 1, TS + 300, TS - 300] {
            assert_eq!(verifier().verify(&h, BODY.as_bytes(), now), Ok(()), "{now}");
        }
        assert_eq!(
            sign(&SecretString::from(SECRET), TS, BODY.as_bytes()),
            SIGNATURE
        );
    }

    #[test]
    fn slack_morphisms_vector_verifies() {
        let secret = SecretString::from("fa2c05deeef5a4077494e89f54394de0");
        assert_eq!(
            sign(&secret, TS, b"test-body"),
            "v0=baa91ef62d346e56607bbdd278a8acd570b91226854f15a382f43d33be42f666"
        );
    }

    #[test]
    fn stale_and_future_timestamps_are_refused_with_the_skew() {
        let h = headers(&TS.to_string(), SIGNATURE);
        assert_eq!(
            verifier().verify(&h, BODY.as_bytes(), TS + 301),
            Err(SignatureError::Stale(301))
        );
        assert_eq!(
            verifier().verify(&h, BODY.as_bytes(), TS - 301),
            Err(SignatureError::Future(301))
        );
        assert!(
            SignatureError::Stale(301).to_string().contains("301 s"),
            "the reason names the age"
        );
    }

    #[test]
    fn a_changed_body_or_signature_is_a_mismatch() {
        let h = headers(&TS.to_string(), SIGNATURE);
        let mut body = BODY.as_bytes().to_vec();
        body.push(b'x');
        assert_eq!(
            verifier().verify(&h, &body, TS),
            Err(SignatureError::Mismatch)
        );
        let other = SignatureVerifier::new(SecretString::from("another-secret"));
        assert_eq!(
            other.verify(&h, BODY.as_bytes(), TS),
            Err(SignatureError::Mismatch)
        );
        let flipped = format!("{}0", &SIGNATURE[..SIGNATURE.len() - 1]);
        assert_eq!(
            verifier().verify(&headers(&TS.to_string(), &flipped), BODY.as_bytes(), TS),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_or_malformed_headers_are_named() {
        let mut h = headers(&TS.to_string(), SIGNATURE);
        h.remove(SIGNATURE_HEADER);
        assert_eq!(
            verifier().verify(&h, BODY.as_bytes(), TS),
            Err(SignatureError::MissingHeader(SIGNATURE_HEADER))
        );
        let mut h = headers(&TS.to_string(), SIGNATURE);
        h.remove(TIMESTAMP_HEADER);
        assert_eq!(
            verifier().verify(&h, BODY.as_bytes(), TS),
            Err(SignatureError::MissingHeader(TIMESTAMP_HEADER))
        );
        assert_eq!(
            verifier().verify(&headers("soon", SIGNATURE), BODY.as_bytes(), TS),
            Err(SignatureError::BadTimestamp)
        );
        for bad in ["a2114d57", "v1=00", "v0=zz", "v0=abcd"] {
            assert_eq!(
                verifier().verify(&headers(&TS.to_string(), bad), BODY.as_bytes(), TS),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn errors_and_debug_never_show_the_secret() {
        let shown = format!("{:?}", verifier());
        assert!(!shown.contains(SECRET), "{shown}");
        let h = headers(&TS.to_string(), "v0=00");
        let err = verifier().verify(&h, BODY.as_bytes(), TS).expect_err("bad");
        assert!(!err.to_string().contains(SECRET));
        assert!(!format!("{err:?}").contains(SECRET));
    }
}
