//! Approval votes from Teams: `Action.Execute` (verbs `approve`, `deny`, `refresh`; the
//! request id in `data.requestId`, an optional `reason` input) and its `Action.Submit`
//! fallback. A vote is the same `approvals approve|deny ID` command as everywhere, so the
//! store's conditional transitions decide: of two concurrent clicks one wins, the other is
//! told the request is decided. The clicker's invoke is answered with the card rebuilt
//! from the store once the request has settled (or the invoke budget is spent), so both
//! clickers see the resolved card; everyone else sees it through the notifier's `PUT`.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use super::TeamsState;
use crate::access::{Platform, Principal, Role};
use crate::approvals::ApprovalState;
use crate::core::{Caller, Prepared, Reply};
use crate::store::{role_bindings, teams_users};
use crate::teams::cards;

/// Longest reason kept from the card's input.
const MAX_REASON: usize = 500;
/// At most this many approvers get automatic refresh (Teams' limit).
const MAX_REFRESH_USERS: usize = 60;

/// A vote read from a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub approve: bool,
    pub request_id: i64,
    pub reason: Option<String>,
}

impl Vote {
    /// Reads `verb` and `data` (`requestId` as a string or a number, optional `reason`).
    /// `None` when the verb is not a vote or the id is not a request id.
    pub fn read(verb: &str, data: &Value) -> Option<Vote> {
        let approve = match verb {
            "approve" => true,
            "deny" => false,
            _ => return None,
        };
        let request_id = request_id(data)?;
        let reason = data
            .get("reason")
            .and_then(Value::as_str)
            .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|r| !r.is_empty())
            .map(|r| r.chars().take(MAX_REASON).collect());
        Some(Vote {
            approve,
            request_id,
            reason,
        })
    }
}

/// `data.requestId`: digits (string or number), at most 18 of them.
pub fn request_id(data: &Value) -> Option<i64> {
    match data.get("requestId")? {
        Value::String(s)
            if !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse().ok()
        }
        Value::Number(n) => n.as_i64().filter(|n| *n > 0),
        _ => None,
    }
}

/// Runs the vote as `caller` and returns what the core answered.
pub async fn vote(state: &TeamsState, caller: &Caller, vote: &Vote) -> Reply {
    let text = match (vote.approve, &vote.reason) {
        (true, _) => format!("approvals approve {}", vote.request_id),
        (false, Some(reason)) => format!("approvals deny {} {reason}", vote.request_id),
        (false, None) => format!("approvals deny {}", vote.request_id),
    };
    let bot = &state.inner.bot;
    match bot.prepare(caller, &text).await {
        Prepared::Done(reply) => reply,
        Prepared::Run(job) => bot.run(job).await,
    }
}

/// The approval card of request `id` as Teams shows it, with automatic refresh for the
/// approvers Teams can reach.
pub async fn card(state: &TeamsState, id: i64) -> Result<Value, crate::approvals::ApprovalError> {
    let reply = state.inner.bot.cards().card(id).await?;
    let refresh = approver_user_ids(state).await;
    Ok(cards::approval_card(&reply, id, &refresh))
}

/// Waits (until `deadline`) for request `id` to leave `approved` / `executing`, so the
/// card shown is the outcome rather than "executing".
pub async fn settle(state: &TeamsState, id: i64, deadline: Instant) {
    loop {
        match state.inner.bot.approvals().get(id).await {
            Ok(request)
                if matches!(
                    request.state,
                    ApprovalState::Approved | ApprovalState::Executing
                ) => {}
            _ => return,
        }
        if Instant::now() + Duration::from_millis(100) >= deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `29:` ids of Teams users bound to `approver` or `admin` whom the bot has met.
async fn approver_user_ids(state: &TeamsState) -> Vec<String> {
    let result: Result<Vec<String>, crate::store::StoreError> = async {
        let mut tx = state.inner.db.begin_read().await?;
        let bindings = role_bindings::list(&mut tx).await?;
        let mut aad: Vec<String> = bindings
            .into_iter()
            .filter(|b| matches!(b.role, Role::Approver | Role::Admin))
            .filter_map(|b| b.subject.parse::<Principal>().ok())
            .filter(|p| p.platform() == Platform::Teams)
            .map(|p| p.id().to_string())
            .collect();
        aad.sort();
        aad.dedup();
        aad.truncate(MAX_REFRESH_USERS);
        let ids = teams_users::list_user_ids(&mut tx, &aad).await?;
        tx.commit().await?;
        Ok(ids.into_iter().map(|(_, user_id)| user_id).collect())
    }
    .await;
    match result {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!(error = %e, "could not list the approvers for card refresh");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn votes_are_read_from_card_data() {
        assert_eq!(
            Vote::read("approve", &json!({"requestId": "12"})),
            Some(Vote {
                approve: true,
                request_id: 12,
                reason: None
            })
        );
        assert_eq!(
            Vote::read("deny", &json!({"requestId": 7, "reason": "  not\nnow "})),
            Some(Vote {
                approve: false,
                request_id: 7,
                reason: Some("not now".into())
            })
        );
        assert_eq!(
            Vote::read("approve", &json!({"requestId": "12; drop"})),
            None
        );
        assert_eq!(Vote::read("approve", &json!({})), None);
        assert_eq!(Vote::read("refresh", &json!({"requestId": "1"})), None);
        assert_eq!(Vote::read("approve", &json!({"requestId": -3})), None);
    }
}
