//! `InvitationEmail`: when Virbela sends the invitation e-mail.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `sendInvitationEmail` option of an invitation (default `all`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InvitationEmail {
    /// Always send the e-mail.
    #[default]
    All,
    /// Only to people who never signed up for a Virbela campus in the region.
    NewToVirbela,
    /// Only to people new to this campus.
    NewToCampus,
    /// Never send it.
    None,
}

/// Why an option was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an invitation e-mail option: use all, newToVirbela, newToCampus or none")]
pub struct InvitationEmailError(pub String);

impl InvitationEmail {
    pub const ALL: [InvitationEmail; 4] = [
        InvitationEmail::All,
        InvitationEmail::NewToVirbela,
        InvitationEmail::NewToCampus,
        InvitationEmail::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvitationEmail::All => "all",
            InvitationEmail::NewToVirbela => "newToVirbela",
            InvitationEmail::NewToCampus => "newToCampus",
            InvitationEmail::None => "none",
        }
    }
}

impl FromStr for InvitationEmail {
    type Err = InvitationEmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InvitationEmail::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| InvitationEmailError(s.to_string()))
    }
}

impl fmt::Display for InvitationEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for InvitationEmail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for InvitationEmail {
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
    fn the_four_options_round_trip_and_others_are_refused() {
        for o in InvitationEmail::ALL {
            assert_eq!(o.as_str().parse::<InvitationEmail>(), Ok(o));
        }
        assert_eq!(InvitationEmail::default(), InvitationEmail::All);
        for bad in ["ALL", "newtovirbela", "never", ""] {
            assert!(bad.parse::<InvitationEmail>().is_err(), "{bad}");
        }
    }
}
