//! The story: one walk through every store function and every engine operation, on
//! each backend.

use chrono::TimeDelta;
use serde_json::json;
use virbela_bot::access::{Capability, Change, Group, Role, Subject};
use virbela_bot::approvals::{ApprovalError, ApprovalMessage, ApprovalState, Decision, NewRequest};
use virbela_bot::policy::{Action, Policy};
use virbela_bot::store::approval_requests::{self, NewApprovalRequest};
use virbela_bot::store::approval_votes::{self, Vote};
use virbela_bot::store::invitations::{self, NewInvitation};
use virbela_bot::store::{self, Db, audit_events, inbound_deliveries, now, role_bindings};

use crate::harness::{ROOT, TestClock, TestDb, access, engine, engine_with, grant, on_both, p};

on_both!(story);

async fn story(t: TestDb) {
    let db = &t.db;
    migrations_are_idempotent(db).await;
    roles(db).await;
    approval_lifecycle(db).await;
    refusals_and_cancel(db).await;
    store_guards(db).await;
    deliveries(db).await;
    invitation_ledger(db).await;
    audit_trail(db).await;
}

async fn migrations_are_idempotent(db: &Db) {
    db.migrate().await.expect("second migrate is a no-op");
    db.ready().await.expect("ready after migrate");
}

async fn roles(db: &Db) {
    let access = access();
    let alice = p("slack:UALICE");
    let group: Group = "slack-group:SAPPROVERS".parse().expect("group");

    // Arrange / Act
    let none = access.role_of(db, &alice, &[]).await.expect("role_of");
    let granted = access
        .grant(
            db,
            &p(ROOT),
            &Subject::Principal(alice.clone()),
            Role::Viewer,
        )
        .await
        .expect("grant");
    let again = access
        .grant(
            db,
            &p(ROOT),
            &Subject::Principal(alice.clone()),
            Role::Viewer,
        )
        .await
        .expect("grant again");
    access
        .grant(db, &p(ROOT), &Subject::Group(group.clone()), Role::Approver)
        .await
        .expect("grant group");

    // Assert
    assert_eq!(none, None, "no binding means no access");
    assert_eq!((granted, again), (Change::Done, Change::Unchanged));
    assert_eq!(
        access.role_of(db, &alice, &[]).await.expect("role"),
        Some(Role::Viewer)
    );
    assert_eq!(
        access
            .role_of(db, &alice, std::slice::from_ref(&group))
            .await
            .expect("role"),
        Some(Role::Approver),
        "the highest of own and group bindings"
    );
    assert_eq!(
        access.role_of(db, &p(ROOT), &[]).await.expect("role"),
        Some(Role::Admin)
    );
    let denied = access.require(db, &alice, &[], Capability::Request).await;
    assert!(
        denied.is_err_and(|e| e.to_string().contains("operator")),
        "viewers may not request"
    );

    let list = access.list(db).await.expect("list");
    let pairs: Vec<(String, Role)> = list.iter().map(|b| (b.subject.clone(), b.role)).collect();
    assert_eq!(
        pairs,
        vec![
            ("slack-group:SAPPROVERS".to_string(), Role::Approver),
            ("slack:UALICE".to_string(), Role::Viewer)
        ]
    );
    assert!(list.iter().all(|b| b.granted_by == ROOT));

    let revoked = access
        .revoke(db, &p(ROOT), &Subject::Group(group.clone()), Role::Approver)
        .await
        .expect("revoke");
    let revoked_again = access
        .revoke(db, &p(ROOT), &Subject::Group(group), Role::Approver)
        .await
        .expect("revoke");
    assert_eq!((revoked, revoked_again), (Change::Done, Change::Unchanged));

    // role_bindings directly
    let mut tx = db.begin().await.expect("tx");
    assert!(
        role_bindings::insert(&mut tx, "teams:abc", Role::Operator, ROOT, now())
            .await
            .expect("insert")
    );
    let roles = role_bindings::roles_for(&mut tx, &["teams:abc".into(), "teams-group:g".into()])
        .await
        .expect("roles");
    assert_eq!(roles, vec![Role::Operator]);
    assert!(
        role_bindings::delete(&mut tx, "teams:abc", Role::Operator)
            .await
            .expect("delete")
    );
    assert!(
        role_bindings::roles_for(&mut tx, &[])
            .await
            .expect("none")
            .is_empty()
    );
    tx.commit().await.expect("commit");

    let mut tx = db.begin_read().await.expect("tx");
    let events = audit_events::recent(&mut tx, 10).await.expect("recent");
    let grants = events
        .iter()
        .filter(|e| e.action == "role.grant" && e.actor == ROOT)
        .count();
    assert_eq!(grants, 3, "every grant is audited with who did it");
    assert!(
        events
            .iter()
            .any(|e| e.action == "role.revoke" && e.outcome == "unchanged")
    );
}

async fn approval_lifecycle(db: &Db) {
    let clock = TestClock::new();
    let engine = engine(db, &clock);
    grant(db, Role::Operator, &["slack:UREQ"]).await;
    grant(db, Role::Approver, &["slack:UAPP1", "slack-group:SAPP"]).await;
    let payload =
        json!({"email": "bob@example.com", "userId": "u-1", "client_secret": "never stored"});
    let new = NewRequest {
        action: Action::Delete,
        target: "bob@example.com",
        payload: &payload,
        requester: &p("slack:UREQ"),
        requester_groups: &[],
        reason: Some("left the company"),
        correlation_id: Some("corr-1"),
    };

    // Create: 2 approvals for delete, frozen payload with its hash.
    let created = engine.create(&new).await.expect("create");
    assert_eq!(
        (created.state, created.required_approvals),
        (ApprovalState::Pending, 2)
    );
    assert_eq!(
        created.expires_at - created.created_at,
        TimeDelta::hours(24)
    );
    assert_eq!(created.verified_payload().expect("payload"), payload);
    assert_eq!(created.correlation_id, "corr-1");
    let no_reason = engine
        .create(&NewRequest {
            reason: Some("  "),
            ..new.clone()
        })
        .await;
    assert!(
        matches!(no_reason, Err(ApprovalError::ReasonRequired(_))),
        "{no_reason:?}"
    );

    // Cards
    let card = |channel: &str, ts: &str| ApprovalMessage {
        request_id: created.id,
        platform: "slack".into(),
        channel: channel.into(),
        message_id: ts.into(),
        posted_at: clock.clock().now(),
    };
    engine.add_message(&card("C1", "1.1")).await.expect("card");
    engine.add_message(&card("D2", "2.2")).await.expect("card");
    engine
        .add_message(&card("C1", "1.1"))
        .await
        .expect("same card twice is harmless");
    assert_eq!(
        engine.messages(created.id).await.expect("messages").len(),
        2
    );

    // Votes: one through a group binding, then a direct one reaching the threshold.
    let first = engine
        .vote(
            created.id,
            &p("slack:UGROUPIE"),
            &[Group::slack("SAPP").expect("g")],
            Decision::Approve,
            None,
        )
        .await
        .expect("first vote");
    assert_eq!(
        (first.request.state, first.approvals, first.required),
        (ApprovalState::Pending, 1, 2)
    );
    clock.advance(TimeDelta::seconds(1));
    let second = engine
        .vote(
            created.id,
            &p("slack:UAPP1"),
            &[],
            Decision::Approve,
            Some("ok"),
        )
        .await
        .expect("second vote");
    assert_eq!(
        (second.request.state, second.approvals),
        (ApprovalState::Approved, 2)
    );
    assert_eq!(second.request.decided_by.as_deref(), Some("slack:UAPP1"));
    let votes = engine.votes(created.id).await.expect("votes");
    assert_eq!(
        votes.iter().map(|v| v.voter.as_str()).collect::<Vec<_>>(),
        ["slack:UGROUPIE", "slack:UAPP1"]
    );
    assert!(votes.iter().all(|v| v.voter_role == Role::Approver));

    // Claim once, record the result.
    let claimed = engine
        .claim(created.id, "slack:UAPP1")
        .await
        .expect("claim");
    assert_eq!(claimed.state, ApprovalState::Executing);
    let again = engine.claim(created.id, "slack:UAPP1").await;
    assert!(again.is_err_and(|e| e.to_string().contains("is being executed")));
    let done = engine
        .record_result(created.id, "slack:UAPP1", Ok("req-42"))
        .await
        .expect("result");
    assert_eq!(done.state, ApprovalState::Succeeded);
    assert_eq!(done.virbela_request_id.as_deref(), Some("req-42"));
    let twice = engine
        .record_result(created.id, "slack:UAPP1", Err("late"))
        .await;
    assert!(twice.is_err_and(|e| e.to_string().contains("executed at")));

    // No approval needed: approved at once, then claimed; a failure is recorded.
    let member = json!({"email": "new@example.com", "permission": "member"});
    let invite = engine
        .create(&NewRequest {
            action: Action::InviteMember,
            target: "new@example.com",
            payload: &member,
            reason: None,
            correlation_id: None,
            ..new.clone()
        })
        .await
        .expect("invite");
    assert_eq!(
        (invite.state, invite.required_approvals),
        (ApprovalState::Approved, 0)
    );
    assert!(!invite.correlation_id.is_empty());
    engine.claim(invite.id, "slack:UREQ").await.expect("claim");
    let failed = engine
        .record_result(invite.id, "slack:UREQ", Err("409 already invited"))
        .await
        .expect("fail");
    assert_eq!(
        (failed.state, failed.error.as_deref()),
        (ApprovalState::Failed, Some("409 already invited"))
    );

    // An override from the policy applies to new requests.
    let strict: toml::Table = toml::from_str("invite_member = 1").expect("toml");
    let strict_engine = engine_with(
        db,
        &clock,
        Policy::from_table(Some(&strict)).expect("policy"),
    );
    let gated = strict_engine
        .create(&NewRequest {
            action: Action::InviteMember,
            target: "new@example.com",
            payload: &member,
            reason: None,
            ..new.clone()
        })
        .await
        .expect("gated invite");
    assert_eq!(
        (gated.state, gated.required_approvals),
        (ApprovalState::Pending, 1)
    );

    // Listings
    let pending = engine.pending(50).await.expect("pending");
    assert_eq!(pending.iter().map(|r| r.id).collect::<Vec<_>>(), [gated.id]);
    let mine = engine.mine(&p("slack:UREQ"), 50).await.expect("mine");
    assert_eq!(
        mine.iter().map(|r| r.id).collect::<Vec<_>>(),
        [gated.id, invite.id, created.id]
    );

    // Expiry sweep returns what it expired, once.
    clock.advance(TimeDelta::hours(25));
    let swept = engine.sweep().await.expect("sweep");
    assert_eq!(
        swept.expired.iter().map(|r| r.id).collect::<Vec<_>>(),
        [gated.id]
    );
    assert!(swept.interrupted.is_empty());
    assert!(engine.expire_due().await.expect("again").is_empty());
    assert_eq!(
        engine.get(gated.id).await.expect("get").state,
        ApprovalState::Expired
    );
    assert!(matches!(
        engine.get(9999).await,
        Err(ApprovalError::NotFound(9999))
    ));
}

async fn refusals_and_cancel(db: &Db) {
    let clock = TestClock::new();
    let engine = engine(db, &clock);
    let payload = json!({"userId": "u-9"});
    let new = NewRequest {
        action: Action::Suspend,
        target: "u-9",
        payload: &payload,
        requester: &p("slack:UREQ"),
        requester_groups: &[],
        reason: None,
        correlation_id: None,
    };
    // A viewer cannot request, nor can an unknown user.
    let refused = engine
        .create(&NewRequest {
            requester: &p("slack:UALICE"),
            ..new.clone()
        })
        .await;
    assert!(
        matches!(refused, Err(ApprovalError::NotAllowed { .. })),
        "{refused:?}"
    );
    let unknown = engine
        .create(&NewRequest {
            requester: &p("slack:UNOBODY"),
            ..new.clone()
        })
        .await;
    assert!(unknown.is_err_and(|e| e.to_string().contains("no role")));

    // Deny ends the request; later votes say who denied it.
    let denied = engine.create(&new).await.expect("create");
    let viewer_vote = engine
        .vote(denied.id, &p("slack:UALICE"), &[], Decision::Approve, None)
        .await;
    assert!(viewer_vote.is_err_and(|e| e.to_string().contains("approver role")));
    let deny = engine
        .vote(
            denied.id,
            &p("slack:UAPP1"),
            &[],
            Decision::Deny,
            Some("not now"),
        )
        .await
        .expect("deny");
    assert_eq!(deny.request.state, ApprovalState::Denied);
    grant(db, Role::Admin, &["slack:UADMIN"]).await;
    let late = engine
        .vote(denied.id, &p("slack:UADMIN"), &[], Decision::Approve, None)
        .await;
    let message = late.expect_err("refused").to_string();
    assert!(
        message.contains(&format!(
            "request #{} was already denied by slack:UAPP1 at",
            denied.id
        )),
        "{message}"
    );

    // Only the requester cancels, only while pending.
    let pending = engine.create(&new).await.expect("create");
    let by_other = engine.cancel(pending.id, &p("slack:UAPP1")).await;
    assert!(
        matches!(by_other, Err(ApprovalError::NotRequester { .. })),
        "{by_other:?}"
    );
    let cancelled = engine
        .cancel(pending.id, &p("slack:UREQ"))
        .await
        .expect("cancel");
    assert_eq!(
        (cancelled.state, cancelled.decided_by.as_deref()),
        (ApprovalState::Cancelled, Some("slack:UREQ"))
    );
    let vote = engine
        .vote(pending.id, &p("slack:UAPP1"), &[], Decision::Approve, None)
        .await;
    assert!(vote.is_err_and(|e| e.to_string().contains("already cancelled by slack:UREQ")));
    let cancel_again = engine.cancel(pending.id, &p("slack:UREQ")).await;
    assert!(matches!(cancel_again, Err(ApprovalError::NotPending(_))));
    assert!(matches!(
        engine.cancel(424242, &p("slack:UREQ")).await,
        Err(ApprovalError::NotFound(_))
    ));
}

/// The rules hold in the schema itself, even for code that bypasses the engine.
async fn store_guards(db: &Db) {
    let at = now();
    let mut tx = db.begin().await.expect("tx");
    let base = NewApprovalRequest {
        action: "delete",
        target: "x",
        payload: "{}",
        payload_sha256: &"0".repeat(64),
        requester: "slack:UREQ",
        reason: None,
        required_approvals: 2,
        correlation_id: "c",
        created_at: at,
        expires_at: at + TimeDelta::hours(1),
    };
    let no_reason = approval_requests::insert(&mut tx, &base).await;
    assert!(
        no_reason.is_err(),
        "delete without a reason is refused by a CHECK"
    );
    tx.rollback().await.expect("rollback");

    let mut tx = db.begin().await.expect("tx");
    let request = approval_requests::insert(
        &mut tx,
        &NewApprovalRequest {
            reason: Some("r"),
            ..base.clone()
        },
    )
    .await
    .expect("insert");
    let vote = |voter: &str| Vote {
        request_id: request.id,
        voter: voter.into(),
        voter_role: Role::Approver,
        decision: Decision::Approve,
        reason: None,
        voted_at: at,
    };
    assert!(
        !approval_votes::insert(&mut tx, &vote("slack:UREQ"))
            .await
            .expect("guarded"),
        "own vote refused"
    );
    assert!(
        approval_votes::insert(&mut tx, &vote("slack:UAPP1"))
            .await
            .expect("vote")
    );
    let duplicate = approval_votes::insert(&mut tx, &vote("slack:UAPP1")).await;
    assert!(
        duplicate.is_err_and(|e| e.is_unique_violation()),
        "one vote per approver"
    );
    tx.rollback().await.expect("rollback");

    let mut tx = db.begin().await.expect("tx");
    let request = approval_requests::insert(
        &mut tx,
        &NewApprovalRequest {
            reason: Some("r"),
            ..base.clone()
        },
    )
    .await
    .expect("insert");
    let sql =
        "insert into approval_vote (request_id, requester, voter, voter_role, decision, voted_at)
        values ($1, $2, $2, 'approver', 'approve', $3)";
    let own = match &mut tx {
        store::Tx::Pg(c) => sqlx::query(sql)
            .bind(request.id)
            .bind("slack:UREQ")
            .bind(at)
            .execute(&mut **c)
            .await
            .err(),
        store::Tx::Sqlite(c) => sqlx::query(sql)
            .bind(request.id)
            .bind("slack:UREQ")
            .bind(at)
            .execute(&mut **c)
            .await
            .err(),
    };
    assert!(
        own.is_some(),
        "a raw insert of the requester's own vote violates the CHECK"
    );
    tx.rollback().await.expect("rollback");

    let mut tx = db.begin().await.expect("tx");
    let got = approval_requests::get(&mut tx, request.id)
        .await
        .expect("get");
    assert!(got.is_none(), "rolled back");
    tx.rollback().await.expect("rollback");
}

async fn deliveries(db: &Db) {
    let t0 = now();
    let ttl = TimeDelta::hours(1);
    let mut tx = db.begin().await.expect("tx");
    assert!(
        inbound_deliveries::insert_if_absent(&mut tx, "slack", "Ev1", t0, t0 + ttl)
            .await
            .expect("new")
    );
    assert!(
        !inbound_deliveries::insert_if_absent(&mut tx, "slack", "Ev1", t0, t0 + ttl)
            .await
            .expect("dup")
    );
    assert!(
        inbound_deliveries::insert_if_absent(&mut tx, "teams", "Ev1", t0, t0 + ttl)
            .await
            .expect("other platform")
    );
    let later = t0 + TimeDelta::hours(2);
    assert!(
        inbound_deliveries::insert_if_absent(&mut tx, "slack", "Ev1", later, later + ttl)
            .await
            .expect("renewed"),
        "an expired key counts as new"
    );
    assert_eq!(
        inbound_deliveries::purge_expired(&mut tx, later)
            .await
            .expect("purge"),
        1
    );
    tx.commit().await.expect("commit");
}

async fn invitation_ledger(db: &Db) {
    let at = now();
    let mut tx = db.begin().await.expect("tx");
    let sent = invitations::insert(
        &mut tx,
        &NewInvitation {
            email: "Carol@Example.com",
            virbela_user_id: None,
            display_name: Some("Carol"),
            permission: "moderator",
            invited_by: "slack:UREQ",
            request_id: None,
            correlation_id: Some("corr-9"),
            sent_at: at,
        },
    )
    .await
    .expect("insert");
    assert_eq!((sent.state.as_str(), sent.accepted_at), ("pending", None));
    assert_eq!(
        invitations::list_pending(&mut tx)
            .await
            .expect("pending")
            .len(),
        1
    );
    assert_eq!(
        invitations::find_by_email(&mut tx, "carol@example.com")
            .await
            .expect("find")
            .len(),
        1
    );
    let accepted = invitations::mark_accepted(&mut tx, "carol@EXAMPLE.com", Some("u-77"), at)
        .await
        .expect("accept");
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].virbela_user_id.as_deref(), Some("u-77"));
    assert_eq!(accepted[0].accepted_at, Some(at));
    assert!(
        invitations::list_pending(&mut tx)
            .await
            .expect("pending")
            .is_empty()
    );
    assert!(
        invitations::mark_accepted(&mut tx, "carol@example.com", None, at)
            .await
            .expect("again")
            .is_empty()
    );
    tx.commit().await.expect("commit");
}

async fn audit_trail(db: &Db) {
    let events = virbela_bot::audit::recent(db, 1000).await.expect("recent");
    for action in [
        "approval.create",
        "approval.vote",
        "approval.approve",
        "approval.deny",
        "approval.cancel",
        "approval.claim",
        "approval.succeed",
        "approval.fail",
        "approval.expire",
    ] {
        assert!(
            events.iter().any(|e| e.action == action),
            "no {action} event"
        );
    }
    assert!(
        events.iter().any(|e| e.outcome == "refused"),
        "refusals are audited"
    );
    assert!(
        events.iter().all(|e| !e.details.contains("never stored")),
        "secrets never reach the trail"
    );
    let corr = events
        .iter()
        .filter(|e| e.correlation_id.as_deref() == Some("corr-1"))
        .count();
    assert!(
        corr >= 6,
        "the delete's transitions share its correlation id ({corr})"
    );

    // Append-only, enforced by triggers.
    let mut tx = db.begin().await.expect("tx");
    let tampered = match &mut tx {
        store::Tx::Pg(c) => sqlx::query("update audit_event set outcome = 'x'")
            .execute(&mut **c)
            .await
            .err(),
        store::Tx::Sqlite(c) => sqlx::query("update audit_event set outcome = 'x'")
            .execute(&mut **c)
            .await
            .err(),
    };
    let message = tampered.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("append-only"), "{message}");
    tx.rollback().await.expect("rollback");
    let mut tx = db.begin().await.expect("tx");
    let deleted = match &mut tx {
        store::Tx::Pg(c) => sqlx::query("delete from audit_event")
            .execute(&mut **c)
            .await
            .err(),
        store::Tx::Sqlite(c) => sqlx::query("delete from audit_event")
            .execute(&mut **c)
            .await
            .err(),
    };
    assert!(deleted.is_some(), "audit events cannot be deleted");
}
