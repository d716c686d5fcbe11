//! The demo's four people and how `:as NAME` finds who is meant.

use crate::access::{Platform, Principal, PrincipalError, Role};

/// A demo person: a console principal with a role granted at start.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub name: &'static str,
    pub role: Role,
    pub may: &'static str,
}

/// alice admin, bob approver, carol operator, dave viewer.
pub const PEOPLE: [Person; 4] = [
    Person {
        name: "alice",
        role: Role::Admin,
        may: "everything, incl. roles and the audit trail",
    },
    Person {
        name: "bob",
        role: Role::Approver,
        may: "approves or denies the requests of others",
    },
    Person {
        name: "carol",
        role: Role::Operator,
        may: "invites, suspends, deletes: gated ones wait for approval",
    },
    Person {
        name: "dave",
        role: Role::Viewer,
        may: "reads users, rooms and reports",
    },
];

/// Who grants the demo roles (shows in the audit trail).
pub const GRANTED_BY: &str = "demo";

impl Person {
    pub fn principal(&self) -> Principal {
        Principal::console(self.name)
    }
}

/// `alice` (or any bare name) → `console:alice`; `slack:U012ABCDEF` → itself.
pub fn resolve(text: &str) -> Result<Principal, PrincipalError> {
    let text = text.trim();
    if text.contains(':') {
        text.parse()
    } else {
        Principal::new(Platform::Console, &text.to_ascii_lowercase())
    }
}

/// What the prompt shows: the name of a console principal, else the whole principal.
pub fn prompt_name(principal: &Principal) -> String {
    match principal.platform() {
        Platform::Console => principal.id().to_string(),
        _ => principal.to_string(),
    }
}

/// The demo person behind a principal, if any.
pub fn person(principal: &Principal) -> Option<&'static Person> {
    PEOPLE.iter().find(|p| p.principal() == *principal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_principals_resolve() {
        assert_eq!(
            resolve("bob").map(|p| p.to_string()),
            Ok("console:bob".into())
        );
        assert_eq!(
            resolve(" Carol ").map(|p| p.to_string()),
            Ok("console:carol".into())
        );
        assert_eq!(
            resolve("slack:U012ABCDEF").map(|p| p.to_string()),
            Ok("slack:U012ABCDEF".into())
        );
        assert!(resolve("bob smith").is_err());
        assert!(resolve("mastodon:bob").is_err());
        assert!(resolve("").is_err());
    }

    #[test]
    fn prompts_are_short_for_console_people() {
        let bob = resolve("bob").expect("bob");
        assert_eq!(prompt_name(&bob), "bob");
        assert_eq!(person(&bob).map(|p| p.role), Some(Role::Approver));
        let slack = resolve("slack:U012ABCDEF").expect("slack");
        assert_eq!(prompt_name(&slack), "slack:U012ABCDEF");
        assert!(person(&slack).is_none());
    }
}
