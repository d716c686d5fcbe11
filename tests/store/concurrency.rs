//! The engine's invariants under races, on each backend: many approvers at once, one
//! approver clicking twice, the requester voting, votes after expiry, and a crash
//! between claim and result.

use chrono::TimeDelta;
use serde_json::json;
use virbela_bot::access::Role;
use virbela_bot::approvals::{
    ApprovalError, ApprovalRequest, ApprovalState, Approvals, Decision, NewRequest,
};
use virbela_bot::policy::Action;

use crate::harness::{TestClock, TestDb, engine, grant, on_both, p};

on_both!(
    fifty_approvers_racing_yield_exactly_one_execution,
    one_approver_clicking_twice_at_once_counts_once,
    requester_cannot_vote_on_own_request,
    votes_after_expiry_are_refused_and_the_request_expires,
    a_crash_between_claim_and_result_leaves_the_request_interrupted,
);

async fn delete_request(engine: &Approvals) -> ApprovalRequest {
    grant(engine.db(), Role::Operator, &["slack:UREQ"]).await;
    let payload = json!({"email": "bob@example.com", "userId": "u-1"});
    engine
        .create(&NewRequest {
            action: Action::Delete,
            target: "bob@example.com",
            payload: &payload,
            requester: &p("slack:UREQ"),
            requester_groups: &[],
            reason: Some("offboarding"),
            correlation_id: None,
        })
        .await
        .expect("create")
}

async fn fifty_approvers_racing_yield_exactly_one_execution(t: TestDb) {
    // Arrange: a 2-approval request and 50 distinct approvers.
    let clock = TestClock::new();
    let engine = engine(&t.db, &clock);
    let request = delete_request(&engine).await;
    assert_eq!(request.required_approvals, 2);
    let approvers: Vec<String> = (0..50).map(|i| format!("slack:UAPP{i:02}")).collect();
    let names: Vec<&str> = approvers.iter().map(String::as_str).collect();
    grant(&t.db, Role::Approver, &names).await;

    // Act: each approves, then tries to execute, all at once.
    let tasks: Vec<_> = approvers
        .into_iter()
        .map(|voter| {
            let engine = engine.clone();
            tokio::spawn(async move {
                let voter = p(&voter);
                let vote = engine
                    .vote(request.id, &voter, &[], Decision::Approve, None)
                    .await;
                let claim = engine.claim(request.id, &voter.to_string()).await;
                (vote, claim)
            })
        })
        .collect();
    let mut votes_counted = 0;
    let mut claims_won = 0;
    for task in tasks {
        let (vote, claim) = task.await.expect("task");
        match vote {
            Ok(_) => votes_counted += 1,
            Err(ApprovalError::NotPending(message)) => {
                assert!(message.contains("already approved"), "{message}");
            }
            Err(other) => panic!("unexpected refusal: {other}"),
        }
        if claim.is_ok() {
            claims_won += 1;
        }
    }

    // Assert
    assert_eq!(
        votes_counted, 2,
        "votes stop counting once the request is approved"
    );
    assert_eq!(claims_won, 1, "exactly one caller executes");
    assert_eq!(engine.votes(request.id).await.expect("votes").len(), 2);
    let after = engine.get(request.id).await.expect("get");
    assert_eq!(after.state, ApprovalState::Executing);
    let events = virbela_bot::audit::recent(&t.db, 500).await.expect("audit");
    let count = |action: &str| {
        events
            .iter()
            .filter(|e| e.action == action && e.outcome != "refused")
            .count()
    };
    assert_eq!(
        (
            count("approval.vote"),
            count("approval.approve"),
            count("approval.claim")
        ),
        (2, 1, 1)
    );
}

async fn one_approver_clicking_twice_at_once_counts_once(t: TestDb) {
    let clock = TestClock::new();
    let engine = engine(&t.db, &clock);
    let request = delete_request(&engine).await;
    grant(&t.db, Role::Approver, &["slack:UAPP1"]).await;

    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let engine = engine.clone();
            tokio::spawn(async move {
                engine
                    .vote(request.id, &p("slack:UAPP1"), &[], Decision::Approve, None)
                    .await
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(outcome) => {
                accepted += 1;
                assert_eq!(
                    (outcome.approvals, outcome.request.state),
                    (1, ApprovalState::Pending)
                );
            }
            Err(e @ ApprovalError::AlreadyVoted { .. }) => {
                assert!(
                    e.to_string().contains("you already voted to approve"),
                    "{e}"
                );
            }
            Err(other) => panic!("unexpected: {other}"),
        }
    }
    assert_eq!(accepted, 1);
    assert_eq!(engine.votes(request.id).await.expect("votes").len(), 1);
    assert_eq!(
        engine.get(request.id).await.expect("get").state,
        ApprovalState::Pending
    );
}

async fn requester_cannot_vote_on_own_request(t: TestDb) {
    let clock = TestClock::new();
    let engine = engine(&t.db, &clock);
    let request = delete_request(&engine).await;
    // Even an admin requester cannot approve their own request.
    grant(&t.db, Role::Admin, &["slack:UREQ"]).await;

    let own = engine
        .vote(request.id, &p("slack:UREQ"), &[], Decision::Approve, None)
        .await;

    let err = own.expect_err("refused");
    assert!(
        matches!(err, ApprovalError::OwnRequest(id) if id == request.id),
        "{err}"
    );
    assert!(err.to_string().contains("your own request"));
    assert!(engine.votes(request.id).await.expect("votes").is_empty());
    assert_eq!(
        engine.get(request.id).await.expect("get").state,
        ApprovalState::Pending
    );
}

async fn votes_after_expiry_are_refused_and_the_request_expires(t: TestDb) {
    let clock = TestClock::new();
    let engine = engine(&t.db, &clock);
    let request = delete_request(&engine).await;
    grant(&t.db, Role::Approver, &["slack:UAPP1", "slack:UAPP2"]).await;
    engine
        .vote(request.id, &p("slack:UAPP1"), &[], Decision::Approve, None)
        .await
        .expect("in time");

    clock.advance(TimeDelta::hours(24));
    let late = engine
        .vote(request.id, &p("slack:UAPP2"), &[], Decision::Approve, None)
        .await;

    let err = late.expect_err("refused");
    assert!(matches!(err, ApprovalError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("expired at"), "{err}");
    let after = engine.get(request.id).await.expect("get");
    assert_eq!(after.state, ApprovalState::Expired);
    let again = engine
        .vote(request.id, &p("slack:UAPP2"), &[], Decision::Approve, None)
        .await;
    assert!(again.is_err_and(|e| {
        e.to_string()
            .contains(&format!("request #{} expired at", request.id))
    }));
    assert_eq!(engine.votes(request.id).await.expect("votes").len(), 1);
    assert!(
        engine.expire_due().await.expect("sweep").is_empty(),
        "already expired by the vote"
    );
    assert!(engine.claim(request.id, "slack:UAPP2").await.is_err());
}

async fn a_crash_between_claim_and_result_leaves_the_request_interrupted(t: TestDb) {
    // Arrange: approved and claimed, then the process "dies" before the result.
    let clock = TestClock::new();
    let engine = engine(&t.db, &clock);
    let request = delete_request(&engine).await;
    grant(&t.db, Role::Approver, &["slack:UAPP1", "slack:UAPP2"]).await;
    for voter in ["slack:UAPP1", "slack:UAPP2"] {
        engine
            .vote(request.id, &p(voter), &[], Decision::Approve, None)
            .await
            .expect("vote");
    }
    engine
        .claim(request.id, "slack:UAPP2")
        .await
        .expect("claim");
    drop(engine);
    t.db.close().await;

    // Act: restart on the same database.
    let db = t.reopen().await;
    let restarted = crate::harness::engine(&db, &clock);
    let too_soon = restarted.recover_interrupted().await.expect("recover");
    clock.advance(TimeDelta::minutes(11));
    let recovered = restarted.recover_interrupted().await.expect("recover");

    // Assert: a claim another replica may still be running is left alone; a stale one
    // is interrupted, reported once, and never executed again.
    assert!(too_soon.is_empty(), "{too_soon:?}");
    assert_eq!(
        recovered.iter().map(|r| r.id).collect::<Vec<_>>(),
        [request.id]
    );
    assert_eq!(recovered[0].state, ApprovalState::Interrupted);
    assert!(
        restarted
            .recover_interrupted()
            .await
            .expect("again")
            .is_empty()
    );
    let claim = restarted.claim(request.id, "slack:UAPP1").await;
    assert!(claim.is_err_and(|e| e.to_string().contains("interrupted while executing")));
    let events = virbela_bot::audit::recent(&db, 50).await.expect("audit");
    assert!(
        events
            .iter()
            .any(|e| e.action == "approval.interrupt" && e.actor == "system")
    );
    // A late answer from the call that was in flight is still recorded.
    let late = restarted
        .record_result(request.id, "slack:UAPP2", Ok("req-7"))
        .await
        .expect("late result");
    assert_eq!(late.state, ApprovalState::Succeeded);
}
