//! The approval card: what a request will run (its frozen payload, field by field), the
//! target's current state in Virbela, the risk, the reason, the votes, the expiry, and
//! Approve/Deny buttons while (and only while) it is pending. Rebuilt from the store each
//! time it is shown, so every copy converges on the latest state.

use std::sync::Arc;

use chrono_tz::Tz;
use serde_json::Value;

use crate::approvals::{ApprovalError, ApprovalRequest, ApprovalState, Approvals, Decision, Vote};
use crate::core::execute::{Directory, GatedAction, vote_buttons};
use crate::core::reply::{Reply, Status, Table, Visibility};
use crate::policy::Action;
use crate::virbela::models::User;

/// Longest payload value shown on a card.
const MAX_VALUE_CHARS: usize = 200;

/// Builds approval cards. Cheap to clone.
#[derive(Debug, Clone)]
pub struct CardSource {
    approvals: Approvals,
    directory: Arc<Directory>,
    tz: Tz,
}

impl CardSource {
    pub(crate) fn new(approvals: Approvals, directory: Arc<Directory>, tz: Tz) -> CardSource {
        CardSource {
            approvals,
            directory,
            tz,
        }
    }

    /// The zone cards and notices show times in (`DEFAULT_TIMEZONE`).
    pub fn timezone(&self) -> Tz {
        self.tz
    }

    /// The approval engine (adapters read and record card messages through it).
    pub fn approvals(&self) -> &Approvals {
        &self.approvals
    }

    /// The card of request `id` as it stands now.
    pub async fn card(&self, id: i64) -> Result<Reply, ApprovalError> {
        let (request, votes) =
            futures::try_join!(self.approvals.get(id), self.approvals.votes(id))?;
        let payload = request.verified_payload();
        let action = payload
            .as_ref()
            .ok()
            .and_then(|p| serde_json::from_value::<GatedAction>(p.clone()).ok());
        let target_now = match &action {
            Some(action) => self.target_state(action).await,
            None => None,
        };
        Ok(build(
            &request,
            &votes,
            payload.as_ref().ok(),
            action.as_ref(),
            target_now,
            self.tz,
        ))
    }

    /// The target as Virbela shows it now, in words; `None` when it has no state (a
    /// space order) or the directory could not be read.
    async fn target_state(&self, action: &GatedAction) -> Option<String> {
        let users = match self.directory.users().await {
            Ok(users) => users,
            Err(e) => return Some(format!("could not be read from Virbela: {e}")),
        };
        match action {
            GatedAction::Suspend { user_id, .. }
            | GatedAction::Delete { user_id, .. }
            | GatedAction::ProfileEdit { user_id, .. } => {
                Some(users.iter().find(|u| &u.user_id == user_id).map_or_else(
                    || "not a campus member (anymore?)".to_owned(),
                    describe_user,
                ))
            }
            GatedAction::Invite { invitation } => Some(
                users
                    .iter()
                    .find(|u| {
                        u.email
                            .as_deref()
                            .is_some_and(|e| invitation.email.same_address(e))
                    })
                    .map_or_else(
                        || "not a campus member yet".to_owned(),
                        |u| format!("already a member: {}", describe_user(u)),
                    ),
            ),
            GatedAction::SpaceCreate { .. } => None,
        }
    }
}

fn describe_user(user: &User) -> String {
    let status = if user.is_suspended() {
        "suspended"
    } else {
        "active"
    };
    let mut words = format!("{} — {status}", user.label());
    if let Some(role) = &user.role {
        words.push_str(&format!(", role {role}"));
    }
    if let Some(email) = &user.email {
        words.push_str(&format!(", {email}"));
    }
    if let Some(team) = &user.team_id {
        words.push_str(&format!(", team {team}"));
    }
    words
}

/// The card, from what the store and Virbela said.
pub(super) fn build(
    request: &ApprovalRequest,
    votes: &[Vote],
    payload: Option<&Value>,
    action: Option<&GatedAction>,
    target_now: Option<String>,
    tz: Tz,
) -> Reply {
    let id = request.id;
    let when = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
    };
    let what = action.map_or_else(|| request.action.clone(), GatedAction::describe);
    let approvals: Vec<&Vote> = votes
        .iter()
        .filter(|v| v.decision == Decision::Approve)
        .collect();
    let denial = votes.iter().find(|v| v.decision == Decision::Deny);
    let by = request.decided_by.as_deref().unwrap_or("someone");
    let (state_text, status) = match request.state {
        ApprovalState::Pending => (
            format!(
                "Waiting for approval: needs {} approval{} from an approver other than the requester, before {}.",
                request.required_approvals,
                if request.required_approvals == 1 { "" } else { "s" },
                when(request.expires_at)
            ),
            Status::Pending,
        ),
        ApprovalState::Approved | ApprovalState::Executing => {
            ("Approved: executing now.".to_owned(), Status::Pending)
        }
        ApprovalState::Succeeded => (
            format!(
                "Approved and executed{}.",
                request
                    .virbela_request_id
                    .as_deref()
                    .filter(|r| !r.is_empty())
                    .map(|r| format!(" (Virbela requestId {r})"))
                    .unwrap_or_default()
            ),
            Status::Ok,
        ),
        ApprovalState::Failed => (
            format!(
                "Approved, but not executed: {}.",
                request.error.as_deref().unwrap_or("unknown error")
            ),
            Status::Failed,
        ),
        ApprovalState::Denied => (
            format!(
                "Denied by {}{}. Nothing was done.",
                denial.map_or(by, |v| v.voter.as_str()),
                denial
                    .and_then(|v| v.reason.as_deref())
                    .map(|r| format!(": “{r}”"))
                    .unwrap_or_default()
            ),
            Status::Refused,
        ),
        ApprovalState::Cancelled => (
            format!("Cancelled by {by}. Nothing was done."),
            Status::Refused,
        ),
        ApprovalState::Expired => (
            format!(
                "Expired at {} without enough approvals. Nothing was done.",
                when(request.expires_at)
            ),
            Status::Refused,
        ),
        ApprovalState::Interrupted => (
            "Interrupted while executing: the outcome in Virbela is unknown; check before asking again."
                .to_owned(),
            Status::Failed,
        ),
    };
    let risk = request
        .action
        .parse::<Action>()
        .map_or("unknown", Action::risk);
    let voters = if approvals.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = approvals.iter().map(|v| v.voter.as_str()).collect();
        format!(" ({})", names.join(", "))
    };
    let mut card = Reply::ok(format!("*{what}*\n{state_text}"))
        .titled(format!("Approval request #{id}"))
        .field("State", request.state.as_str())
        .field("Risk", risk)
        .field("Requested by", request.requester.clone())
        .field(
            "Reason",
            request.reason.clone().unwrap_or_else(|| "—".to_owned()),
        )
        .field(
            "Approvals",
            format!(
                "{} of {}{voters}",
                approvals.len(),
                request.required_approvals
            ),
        )
        .field(
            if request.state == ApprovalState::Pending {
                "Expires"
            } else {
                "Requested"
            },
            if request.state == ApprovalState::Pending {
                when(request.expires_at)
            } else {
                when(request.created_at)
            },
        );
    if let Some(target) = target_now {
        card = card.field("Target now", target);
    }
    card = card.field("Correlation id", request.correlation_id.clone());
    match payload {
        Some(payload) => {
            let mut table = Table::new(["Will run", "Value"]);
            flatten("", payload, &mut table);
            card = card.table(table);
        }
        None => {
            card.text.push_str(
                "\n⚠️ The frozen payload does not match its checksum: this request cannot run.",
            );
        }
    }
    if request.state == ApprovalState::Pending {
        let [approve, deny] = vote_buttons(id);
        card = card.action(approve).action(deny);
    }
    card.status = status;
    card.visibility = Visibility::Channel;
    card
}

/// One row per leaf of the payload (`invitation.email`, `user_id`…).
fn flatten(prefix: &str, value: &Value, table: &mut Table) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, value, table);
            }
        }
        Value::Null => {}
        Value::String(s) => table.push([prefix.to_owned(), clip(s)]),
        other => table.push([prefix.to_owned(), clip(&other.to_string())]),
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_VALUE_CHARS {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX_VALUE_CHARS - 1).collect();
    out.push('…');
    out
}
