use chrono::{TimeZone, Utc};
use serde_json::json;

use super::card::build;
use super::*;
use crate::access::Role;
use crate::approvals::Vote;
use crate::core::execute::GatedAction;
use crate::core::reply::Status;

fn request(state: ApprovalState) -> ApprovalRequest {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 28, 9, 0, 0)
        .single()
        .expect("time");
    ApprovalRequest {
        id: 7,
        action: "suspend".into(),
        target: "u42".into(),
        payload: String::new(),
        payload_sha256: String::new(),
        requester: "slack:UCAROL".into(),
        reason: Some("left the company".into()),
        required_approvals: 1,
        state,
        correlation_id: "abc123".into(),
        created_at: at,
        expires_at: at + chrono::Duration::hours(24),
        decided_at: None,
        decided_by: None,
        claimed_at: None,
        claimed_by: None,
        finished_at: None,
        virbela_request_id: None,
        error: None,
    }
}

fn payload() -> serde_json::Value {
    json!({"kind": "suspend", "user_id": "u42", "email": "ann@example.com", "name": "Ann"})
}

fn vote(voter: &str, decision: Decision, reason: Option<&str>) -> Vote {
    Vote {
        request_id: 7,
        voter: voter.into(),
        voter_role: Role::Approver,
        decision,
        reason: reason.map(str::to_owned),
        voted_at: Utc::now(),
    }
}

fn card_of(state: ApprovalState, votes: &[Vote]) -> Reply {
    let payload = payload();
    let action: GatedAction = serde_json::from_value(payload.clone()).expect("action");
    build(
        &request(state),
        votes,
        Some(&payload),
        Some(&action),
        Some("Ann — active, ann@example.com".into()),
        chrono_tz::Europe::Paris,
    )
}

#[test]
fn a_pending_card_shows_what_will_run_and_has_the_buttons() {
    let card = card_of(ApprovalState::Pending, &[]);
    assert_eq!(card.status, Status::Pending);
    assert_eq!(card.title.as_deref(), Some("Approval request #7"));
    assert!(card.text.contains("suspend Ann (u42)"), "{}", card.text);
    let field = |label: &str| {
        card.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.clone())
            .unwrap_or_default()
    };
    assert!(field("Risk").starts_with("medium"));
    assert_eq!(field("Reason"), "left the company");
    assert_eq!(field("Approvals"), "0 of 1");
    assert_eq!(field("Expires"), "2026-11-29 10:00 CET");
    assert_eq!(field("Target now"), "Ann — active, ann@example.com");
    let table = card.table.as_ref().expect("payload table");
    assert!(
        table
            .rows
            .contains(&vec!["user_id".to_owned(), "u42".to_owned()])
    );
    assert!(
        table
            .rows
            .contains(&vec!["kind".to_owned(), "suspend".to_owned()])
    );
    let ids: Vec<&str> = card.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["approval.approve", "approval.deny"]);
    assert!(card.actions.iter().all(|a| a.value == "7"));
}

#[test]
fn a_decided_card_has_no_buttons_and_says_who_and_why() {
    let votes = [vote("slack:UBOB", Decision::Deny, Some("not yet"))];
    let card = card_of(ApprovalState::Denied, &votes);
    assert!(card.actions.is_empty());
    assert_eq!(card.status, Status::Refused);
    assert!(
        card.text.contains("Denied by slack:UBOB: “not yet”"),
        "{}",
        card.text
    );
    for state in [
        ApprovalState::Succeeded,
        ApprovalState::Expired,
        ApprovalState::Cancelled,
        ApprovalState::Failed,
        ApprovalState::Interrupted,
        ApprovalState::Executing,
    ] {
        assert!(card_of(state, &[]).actions.is_empty(), "{state:?}");
    }
}

#[test]
fn a_tampered_payload_is_flagged_on_the_card() {
    let card = build(
        &request(ApprovalState::Pending),
        &[],
        None,
        None,
        None,
        chrono_tz::UTC,
    );
    assert!(card.text.contains("does not match its checksum"));
    assert!(card.table.is_none());
}

#[test]
fn votes_and_outcomes_make_thread_notes_and_requester_notices() {
    let approved = ApprovalEvent {
        request: request(ApprovalState::Approved),
        change: Change::Voted {
            voter: "slack:UBOB".into(),
            decision: Decision::Approve,
            reason: None,
        },
    };
    assert!(
        approved
            .thread_note()
            .expect("note")
            .contains("executing it now")
    );
    let notice = approved.requester_notice(chrono_tz::UTC).expect("notice");
    assert!(notice.text.contains("slack:UBOB approved your request #7"));

    let partial = ApprovalEvent {
        request: request(ApprovalState::Pending),
        ..approved.clone()
    };
    assert!(partial.requester_notice(chrono_tz::UTC).is_none());
    assert_eq!(
        partial.thread_note().as_deref(),
        Some("✅ slack:UBOB approved #7.")
    );

    let denied = ApprovalEvent {
        request: request(ApprovalState::Denied),
        change: Change::Voted {
            voter: "slack:UBOB".into(),
            decision: Decision::Deny,
            reason: Some("wrong person".into()),
        },
    };
    let notice = denied.requester_notice(chrono_tz::UTC).expect("notice");
    assert_eq!(notice.status, Status::Refused);
    assert!(notice.text.contains("“wrong person”"));

    let expired = ApprovalEvent {
        request: request(ApprovalState::Expired),
        change: Change::Expired,
    };
    assert!(
        expired
            .requester_notice(chrono_tz::UTC)
            .expect("notice")
            .text
            .contains("expired at 2026-11-29 09:00 UTC")
    );

    let own_cancel = ApprovalEvent {
        request: request(ApprovalState::Cancelled),
        change: Change::Cancelled {
            by: "slack:UCAROL".into(),
        },
    };
    assert!(own_cancel.requester_notice(chrono_tz::UTC).is_none());
    assert!(own_cancel.thread_note().is_some());

    let mut done = request(ApprovalState::Succeeded);
    done.virbela_request_id = Some("r-1".into());
    let finished = ApprovalEvent {
        request: done,
        change: Change::Finished {
            reply: Reply::ok("Suspended Ann."),
        },
    };
    assert_eq!(
        finished.thread_note().as_deref(),
        Some("🏁 Executed #7: Suspended Ann.")
    );
    let notice = finished.requester_notice(chrono_tz::UTC).expect("notice");
    assert_eq!(notice.text, "Request #7: Suspended Ann.");
    assert_eq!(notice.visibility, crate::core::Visibility::Caller);
}
