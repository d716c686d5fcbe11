//! Identifiers that go into request paths: `UserId`, `RoomId`, `VolumeId`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a {kind}: {rule}")]
pub struct IdError {
    pub kind: &'static str,
    pub value: String,
    pub rule: &'static str,
}

macro_rules! path_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $rule:literal, $ok:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                let ok: fn(char) -> bool = $ok;
                if !t.is_empty() && t.len() <= 128 && t.chars().all(ok) {
                    Ok($name(t.to_string()))
                } else {
                    Err(IdError { kind: $kind, value: s.to_string(), rule: $rule })
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

path_id!(
    /// A Virbela user id (`objectId` of `GET /User`, e.g. `zCzMQrfRK9FR`).
    UserId,
    "user id",
    "letters and digits only, like zCzMQrfRK9FR",
    |c| c.is_ascii_alphanumeric()
);

path_id!(
    /// A room id (`objectId` of `GET /Rooms/World/{clientName}`, e.g. `KJDfj5wOjA`).
    RoomId,
    "room id",
    "letters and digits only, like KJDfj5wOjA",
    |c| c.is_ascii_alphanumeric()
);

path_id!(
    /// A private volume id as `/roominfo` shows it, with or without the `PR-` prefix
    /// (e.g. `PR-2114767535--NewCampus`).
    VolumeId,
    "private volume id",
    "letters, digits, '-' and '_' only, like PR-2114767535--NewCampus",
    |c| c.is_ascii_alphanumeric() || c == '-' || c == '_'
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_the_vendor_forms_and_refuse_path_tricks() {
        assert!("zCzMQrfRK9FR".parse::<UserId>().is_ok());
        assert!("KJDfj5wOjA".parse::<RoomId>().is_ok());
        assert!("PR-2114767535--NewCampus".parse::<VolumeId>().is_ok());
        assert!("2114767535--NewCampus".parse::<VolumeId>().is_ok());
        for bad in ["", "a/b", "../x", "a b", "x?y=1"] {
            assert!(bad.parse::<UserId>().is_err(), "{bad}");
            assert!(bad.parse::<VolumeId>().is_err(), "{bad}");
        }
        let err = "a/b".parse::<RoomId>().expect_err("slash");
        assert!(err.to_string().contains("room id"));
    }
}
