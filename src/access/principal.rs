//! Who someone is: a [`Principal`] (`slack:U…`, `teams:<id>`, `console:<name>`), a
//! [`Group`] (`slack-group:S…`, `teams-group:<id>`), or either as a binding [`Subject`].
//! Always the immutable platform id, never a display name.

use std::fmt;
use std::str::FromStr;

/// Where a principal comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    Slack,
    Teams,
    Console,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Teams => "teams",
            Platform::Console => "console",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = PrincipalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "slack" => Ok(Platform::Slack),
            "teams" => Ok(Platform::Teams),
            "console" => Ok(Platform::Console),
            other => Err(PrincipalError(format!(
                "`{other}` is not a platform: use slack, teams or console"
            ))),
        }
    }
}

/// Why a principal, group or subject was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PrincipalError(String);

/// A user on one platform, e.g. `slack:U012ABCDEF`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Principal {
    platform: Platform,
    id: String,
}

impl Principal {
    pub fn new(platform: Platform, id: &str) -> Result<Self, PrincipalError> {
        let valid = match platform {
            Platform::Slack => is_slack_id(id),
            Platform::Teams => is_opaque_id(id),
            Platform::Console => {
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            }
        };
        if valid {
            Ok(Principal {
                platform,
                id: id.to_string(),
            })
        } else {
            Err(PrincipalError(format!(
                "`{platform}:{id}` is not a principal: use slack:U012ABCDEF, teams:<Azure AD object id> or console:<name>"
            )))
        }
    }

    /// A console user, e.g. from `$USER`; names outside `[A-Za-z0-9._-]` become `_`.
    pub fn console(name: &str) -> Principal {
        let id: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Principal {
            platform: Platform::Console,
            id: if id.is_empty() { "unknown".into() } else { id },
        }
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

impl FromStr for Principal {
    type Err = PrincipalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (platform, id) = s.trim().split_once(':').ok_or_else(|| {
            PrincipalError(format!(
                "`{s}` is not a principal: write platform:id, e.g. slack:U012ABCDEF or console:alice"
            ))
        })?;
        Principal::new(platform.parse()?, id)
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.id)
    }
}

/// A group whose members share its bindings: a Slack user group or an Azure AD group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Group {
    platform: Platform,
    id: String,
}

impl Group {
    pub fn slack(id: &str) -> Result<Self, PrincipalError> {
        format!("slack-group:{id}").parse()
    }

    pub fn teams(id: &str) -> Result<Self, PrincipalError> {
        format!("teams-group:{id}").parse()
    }
}

impl FromStr for Group {
    type Err = PrincipalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let refused = || {
            PrincipalError(format!(
                "`{s}` is not a group: use slack-group:S012ABCDEF or teams-group:<Azure AD group id>"
            ))
        };
        let (kind, id) = s.trim().split_once(':').ok_or_else(refused)?;
        let platform = match kind {
            "slack-group" if id.starts_with('S') && is_slack_id(id) => Platform::Slack,
            "teams-group" if is_opaque_id(id) => Platform::Teams,
            _ => return Err(refused()),
        };
        Ok(Group {
            platform,
            id: id.to_string(),
        })
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-group:{}", self.platform, self.id)
    }
}

/// What a role binding names: one principal or a group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Principal(Principal),
    Group(Group),
}

impl FromStr for Subject {
    type Err = PrincipalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let kind = s.trim().split_once(':').map(|(k, _)| k);
        match kind {
            Some(k) if k.ends_with("-group") => s.parse().map(Subject::Group),
            _ => s.parse().map(Subject::Principal),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Principal(p) => p.fmt(f),
            Subject::Group(g) => g.fmt(f),
        }
    }
}

impl From<Principal> for Subject {
    fn from(p: Principal) -> Self {
        Subject::Principal(p)
    }
}

impl From<Group> for Subject {
    fn from(g: Group) -> Self {
        Subject::Group(g)
    }
}

fn is_slack_id(id: &str) -> bool {
    id.len() >= 2
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn is_opaque_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && id.chars().all(|c| c.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_and_groups_parse_and_print_back() {
        for text in [
            "slack:U012ABCDEF",
            "teams:8c1f-42",
            "console:alice",
            "console:a.b_c-d",
        ] {
            let p: Principal = text.parse().expect(text);
            assert_eq!(p.to_string(), text);
            assert_eq!(text.parse::<Subject>(), Ok(Subject::Principal(p)));
        }
        for text in ["slack-group:S0123", "teams-group:0a1b-2c3d"] {
            let g: Group = text.parse().expect(text);
            assert_eq!(g.to_string(), text);
            assert_eq!(text.parse::<Subject>(), Ok(Subject::Group(g)));
        }
    }

    #[test]
    fn display_names_and_typos_are_refused() {
        for bad in [
            "alice",
            "slack:alice",
            "slack:",
            "discord:U1",
            "console:a b",
            "teams:",
            "@alice",
        ] {
            assert!(bad.parse::<Principal>().is_err(), "{bad}");
        }
        for bad in [
            "slack-group:U123",
            "slack-group:",
            "group:S1",
            "teams-group:a b",
        ] {
            assert!(bad.parse::<Group>().is_err(), "{bad}");
        }
        assert_eq!(
            Principal::console("Jane Doe").to_string(),
            "console:Jane_Doe"
        );
    }
}
