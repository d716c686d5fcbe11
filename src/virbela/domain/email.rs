//! `Email`: an e-mail address checked once at the edge.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An e-mail address, syntax-checked (RFC 5322 addr-spec via `email_address`, plus a
/// dotted domain, as every campus address has one). The text is kept as given, but
/// equality and hashing ignore ASCII case, as Virbela matches addresses.
#[derive(Clone)]
pub struct Email(String);

impl PartialEq for Email {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for Email {}

impl std::hash::Hash for Email {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

/// Why an address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an e-mail address (expected something like name@example.com)")]
pub struct EmailError(pub String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Same mailbox, ignoring case (Virbela treats `Kareem.Blevins@test.com` and
    /// `kareem.blevins@test.com` as one user).
    pub fn same_address(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.trim())
    }
}

impl FromStr for Email {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        // Slack wraps addresses as <mailto:a@b.c|a@b.c>; the chat layer unwraps those.
        let plain = email_address::EmailAddress::parse_with_options(
            trimmed,
            email_address::Options::default().without_display_text(),
        )
        .is_ok();
        let domain_ok = trimmed
            .rsplit_once('@')
            .is_some_and(|(_, d)| d.contains('.') && !d.starts_with('.') && !d.ends_with('.'));
        if plain && domain_ok && !trimmed.contains(char::is_whitespace) {
            Ok(Email(trimmed.to_string()))
        } else {
            Err(EmailError(s.to_string()))
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_parse_and_keep_their_case() {
        let e: Email = " Kareem.Blevins@test.com ".parse().expect("valid");
        assert_eq!(e.as_str(), "Kareem.Blevins@test.com");
        assert!(e.same_address("kareem.blevins@TEST.com"));
        assert!("a+b@sub.example.org".parse::<Email>().is_ok());
        let lower: Email = "kareem.blevins@test.com".parse().expect("valid");
        assert_eq!(e, lower, "one mailbox whatever the case");
        let set: std::collections::HashSet<Email> = [e, lower].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn malformed_addresses_are_refused_with_an_example() {
        for bad in [
            "",
            "alice",
            "alice@",
            "@test.com",
            "alice@test",
            "a b@test.com",
            "alice@@test.com",
            "Alice <a@test.com>",
        ] {
            let err = bad.parse::<Email>().expect_err(bad);
            assert!(err.to_string().contains("name@example.com"), "{err}");
        }
    }
}
