//! The user directory: every accepted user, cached for a short while, and resolving a
//! typed user (e-mail, id, display name) to one of them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use tokio::sync::Mutex;

use crate::core::command::UserRef;
use crate::virbela::models::User;
use crate::virbela::{VirbelaClient, VirbelaError};

/// How long a fetched directory is reused.
const TTL: Duration = Duration::from_secs(60);

/// Cached `GET /User` of one campus.
#[derive(Debug)]
pub(crate) struct Directory {
    client: VirbelaClient,
    cached: Mutex<Option<(Instant, Arc<Vec<User>>)>>,
}

/// How a typed user matched.
pub(crate) enum Found {
    One(Box<User>),
    /// Nobody matched; the closest display names or e-mails, if any.
    None {
        suggestions: Vec<String>,
    },
    /// Several users share the display name.
    Several(Vec<User>),
}

impl Directory {
    pub fn new(client: VirbelaClient) -> Directory {
        Directory {
            client,
            cached: Mutex::new(None),
        }
    }

    /// Every accepted user, from the cache when it is fresh.
    pub async fn users(&self) -> Result<Arc<Vec<User>>, VirbelaError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, users)) = cached.as_ref() {
            if at.elapsed() < TTL {
                return Ok(users.clone());
            }
        }
        let users: Arc<Vec<User>> = Arc::new(self.client.users().try_collect().await?);
        *cached = Some((Instant::now(), users.clone()));
        Ok(users)
    }

    /// Forgets the cache (after the bot changed users).
    pub async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }

    /// Finds a typed user: an e-mail (any case), an id, or a display name (any case).
    pub async fn find(&self, who: &UserRef) -> Result<Found, VirbelaError> {
        let users = self.users().await?;
        let matches = matching(&users, who);
        Ok(match matches.as_slice() {
            [one] => Found::One(Box::new((*one).clone())),
            [] => Found::None {
                suggestions: suggestions(&users, who),
            },
            several => Found::Several(several.iter().map(|u| (*u).clone()).collect()),
        })
    }
}

/// The users `who` names: an e-mail (any case); else a word that is an id exactly, or
/// failing that a display name (any case).
pub(crate) fn matching<'a>(users: &'a [User], who: &UserRef) -> Vec<&'a User> {
    match who {
        UserRef::Email(email) => users
            .iter()
            .filter(|u| u.email.as_deref().is_some_and(|e| email.same_address(e)))
            .collect(),
        UserRef::Word(word) => {
            let by_id: Vec<&User> = users
                .iter()
                .filter(|u| u.user_id.as_str() == word)
                .collect();
            if !by_id.is_empty() {
                return by_id;
            }
            users
                .iter()
                .filter(|u| {
                    u.displayname
                        .as_deref()
                        .is_some_and(|d| d.eq_ignore_ascii_case(word))
                })
                .collect()
        }
    }
}

/// Up to three display names or e-mails close to what was typed.
fn suggestions(users: &[User], who: &UserRef) -> Vec<String> {
    let typed = match who {
        UserRef::Email(e) => e.as_str().to_ascii_lowercase(),
        UserRef::Word(w) => w.to_ascii_lowercase(),
    };
    let mut scored: Vec<(f64, String)> = users
        .iter()
        .flat_map(|u| [u.displayname.clone(), u.email.clone()])
        .flatten()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&typed, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score > 0.85)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}
