//! The link signature: `sig` is the hex HMAC-SHA256 of `{id}|{exp}` under a key derived
//! from the shared secret (HMAC-SHA256(secret, "virbela-bot file links v1")), checked in
//! constant time. The derived key never leaves this module and is never printed.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// What the derived key is for; a new version makes every older link invalid.
const DERIVATION_LABEL: &[u8] = b"virbela-bot file links v1";

/// The derived signing key.
#[derive(Clone)]
pub(crate) struct LinkKey([u8; 32]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey([redacted])")
    }
}

impl LinkKey {
    pub(crate) fn derive(key_material: &SecretString) -> LinkKey {
        let mut mac = mac(key_material.expose_secret().as_bytes());
        mac.update(DERIVATION_LABEL);
        LinkKey(mac.finalize().into_bytes().into())
    }

    fn tag(&self, id: &str, exp: &str) -> [u8; 32] {
        let mut mac = mac(&self.0);
        mac.update(id.as_bytes());
        mac.update(b"|");
        mac.update(exp.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The `sig` of a link to `id` expiring at `exp` (unix seconds, as written in the URL).
    pub(crate) fn sign(&self, id: &str, exp: &str) -> String {
        hex::encode(self.tag(id, exp))
    }

    /// Whether `sig` is the signature of `id` and `exp`, compared in constant time.
    pub(crate) fn verify(&self, id: &str, exp: &str, sig: &str) -> bool {
        let mut given = [0u8; 32];
        if hex::decode_to_slice(sig, &mut given).is_err() {
            return false;
        }
        bool::from(self.tag(id, exp).ct_eq(&given))
    }
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length, so this never fails.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(secret: &str) -> LinkKey {
        LinkKey::derive(&SecretString::from(secret.to_string()))
    }

    #[test]
    fn signatures_verify_and_bind_every_part() {
        let k = key("app password");
        let sig = k.sign("abc", "1700000000");
        assert_eq!(sig.len(), 64);
        assert!(k.verify("abc", "1700000000", &sig));
        assert!(k.verify("abc", "1700000000", &sig.to_uppercase()));
        assert!(!k.verify("abd", "1700000000", &sig));
        assert!(!k.verify("abc", "1700000001", &sig));
        assert!(!k.verify("abc|1700000000", "", &sig));
        assert!(!k.verify("abc", "1700000000", &sig[..62]));
        assert!(!k.verify("abc", "1700000000", ""));
        assert!(!key("other password").verify("abc", "1700000000", &sig));
    }

    #[test]
    fn the_key_is_derived_not_the_secret_itself() {
        let secret = "app password";
        let derived = key(secret);
        let mut direct = mac(secret.as_bytes());
        direct.update(b"abc|1");
        let direct: [u8; 32] = direct.finalize().into_bytes().into();
        assert_ne!(hex::encode(direct), derived.sign("abc", "1"));
        assert_eq!(format!("{derived:?}"), "LinkKey([redacted])");
    }
}
