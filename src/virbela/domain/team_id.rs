//! `TeamId`: the 78 team letters of a campus (`A`..`Z`, `AA`..`AZ`, `BA`..`BZ`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of team ids a campus has.
pub const TEAM_COUNT: u8 = 78;

/// A campus team, made once from its letters (`"A"`, `"AZ"`, `"BZ"`) or from the
/// 0-based integer the invitation answer reports (`A = 0`, `Z = 25`, `AA = 26`, `BZ = 77`).
///
/// Careful: the Rooms endpoint's `teamAccess` numbers are 1-based in the vendor sample;
/// they are never converted into a `TeamId` (show `teamAccessFriendly` instead).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TeamId(u8);

/// Why a team id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamIdError {
    #[error("`{0}` is not a team id: use A–Z, AA–AZ or BA–BZ")]
    Letters(String),
    #[error("team index {0} is out of range: Virbela numbers teams 0 (A) to 77 (BZ)")]
    Index(i64),
}

impl TeamId {
    /// The first team, `A`.
    pub const A: TeamId = TeamId(0);

    /// Team from the 0-based index of the invitation answer.
    pub fn from_index(index: i64) -> Result<Self, TeamIdError> {
        u8::try_from(index)
            .ok()
            .filter(|i| *i < TEAM_COUNT)
            .map(TeamId)
            .ok_or(TeamIdError::Index(index))
    }

    /// The 0-based index (`A = 0` … `BZ = 77`).
    pub fn index(self) -> u8 {
        self.0
    }

    /// Every team id, in order.
    pub fn all() -> impl Iterator<Item = TeamId> {
        (0..TEAM_COUNT).map(TeamId)
    }

    /// The letters, e.g. `"AB"`.
    pub fn letters(self) -> String {
        let letter = |n: u8| char::from(b'A' + n);
        match self.0 {
            n @ 0..=25 => letter(n).to_string(),
            n => {
                let n = n - 26;
                format!("{}{}", letter(n / 26), letter(n % 26))
            }
        }
    }
}

impl FromStr for TeamId {
    type Err = TeamIdError;

    /// Accepts the letters in either case (`ab` is `AB`), surrounding spaces trimmed.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let refuse = || TeamIdError::Letters(s.to_string());
        let upper = s.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        let value = |b: u8| b.is_ascii_uppercase().then(|| b - b'A');
        match bytes {
            [a] => value(*a).map(TeamId).ok_or_else(refuse),
            [hi @ (b'A' | b'B'), lo] => {
                let lo = value(*lo).ok_or_else(refuse)?;
                Ok(TeamId(26 + (hi - b'A') * 26 + lo))
            }
            _ => Err(refuse()),
        }
    }
}

impl fmt::Display for TeamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.letters())
    }
}

impl fmt::Debug for TeamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TeamId({})", self.letters())
    }
}

impl Serialize for TeamId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.letters())
    }
}

/// Decodes the letters (users, requests) or the 0-based integer (invitation answer),
/// the integer also when sent as a string of digits.
impl<'de> Deserialize<'de> for TeamId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Index(i64),
            Text(String),
        }
        let team = match Wire::deserialize(d)? {
            Wire::Index(i) => TeamId::from_index(i),
            Wire::Text(t) => match t.trim().parse::<i64>() {
                Ok(i) => TeamId::from_index(i),
                Err(_) => t.parse(),
            },
        };
        team.map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_78_ids_round_trip_through_letters_and_index() {
        let all: Vec<TeamId> = TeamId::all().collect();
        assert_eq!(all.len(), 78);
        for (i, team) in all.iter().enumerate() {
            let letters = team.letters();
            assert_eq!(letters.parse::<TeamId>(), Ok(*team), "{letters}");
            assert_eq!(i64::from(team.index()), i as i64);
            assert_eq!(TeamId::from_index(i as i64), Ok(*team));
            let json = serde_json::to_string(team).expect("serialize");
            assert_eq!(
                serde_json::from_str::<TeamId>(&json).expect("letters"),
                *team
            );
            assert_eq!(
                serde_json::from_str::<TeamId>(&i.to_string()).expect("index"),
                *team
            );
        }
    }

    #[test]
    fn boundaries_follow_the_vendor_sequence() {
        let at = |s: &str| s.parse::<TeamId>().map(TeamId::index);
        assert_eq!(at("A"), Ok(0));
        assert_eq!(at("B"), Ok(1));
        assert_eq!(at("Z"), Ok(25));
        assert_eq!(at("AA"), Ok(26));
        assert_eq!(at("AZ"), Ok(51));
        assert_eq!(at("BA"), Ok(52));
        assert_eq!(at("BZ"), Ok(77));
        assert_eq!(at(" bz "), Ok(77));
    }

    #[test]
    fn out_of_range_ids_are_refused_with_the_accepted_forms() {
        for bad in ["", "CA", "ZZ", "AAA", "1", "A1", "Ä", "-"] {
            let err = bad.parse::<TeamId>().expect_err(bad);
            assert!(err.to_string().contains("A–Z, AA–AZ or BA–BZ"), "{err}");
        }
        assert_eq!(TeamId::from_index(78), Err(TeamIdError::Index(78)));
        assert_eq!(TeamId::from_index(-1), Err(TeamIdError::Index(-1)));
    }
}
