//! The approval flow of a suspension: who may decide, exactly once, and a target that
//! changed in the meantime.

use virbela_bot::core::Status;
use virbela_bot::virbela::domain::UserId;
use virbela_bot::virbela::models::SuspendTarget;

use crate::campus::{Bench, all_text};
use crate::harness::{TestDb, on_both};

async fn suspension_needs_someone_else_with_the_right_role(store: TestDb) {
    let b = Bench::new(store).await;
    let (user_id, email) = b.member(&[]).await;
    b.clear_calls().await;

    let request = b
        .say("carol", &format!("suspend {email} course ended"))
        .await;
    assert_eq!(request.status, Status::Pending, "{}", all_text(&request));
    let id = request.actions[0].value.clone();

    let own = b.say("carol", &format!("approvals approve {id}")).await;
    assert_eq!(
        own.status,
        Status::Refused,
        "carol is an operator and the requester"
    );
    let viewer = b.say("dave", &format!("approvals approve {id}")).await;
    assert_eq!(viewer.status, Status::Refused);
    assert!(viewer.text.contains("approver"), "{}", viewer.text);
    let approved = b.say("bob", &format!("approvals approve {id}")).await;
    assert_eq!(approved.status, Status::Ok, "{}", all_text(&approved));
    assert!(approved.text.contains("Suspended"), "{}", approved.text);
    let again = b.say("alice", &format!("approvals approve {id}")).await;
    assert_eq!(
        again.status,
        Status::Refused,
        "a decided request takes no more votes"
    );

    let suspends = b
        .calls()
        .await
        .iter()
        .filter(|c| *c == "POST /User/Membership/suspend")
        .count();
    assert_eq!(suspends, 1, "the suspension happened once");
    let user = b
        .client
        .user(&user_id.parse::<UserId>().expect("id"))
        .await
        .expect("user");
    assert!(user.is_suspended());
    let shown = all_text(&b.say("dave", &format!("approvals show {id}")).await);
    assert!(
        shown.contains("succeeded") && shown.contains("console:bob"),
        "{shown}"
    );
}

async fn a_target_that_changed_meanwhile_is_not_touched(store: TestDb) {
    let b = Bench::new(store).await;
    let (user_id, email) = b.member(&[]).await;
    let request = b.say("carol", &format!("suspend {email} weekend")).await;
    let id = request.actions[0].value.clone();

    // Someone suspends the user directly in Virbela before the approval.
    let user_id: UserId = user_id.parse().expect("id");
    b.client
        .suspend(&SuspendTarget::by_id(user_id))
        .await
        .expect("direct suspend");
    b.clear_calls().await;

    let approved = b.say("bob", &format!("approvals approve {id}")).await;
    assert_eq!(approved.status, Status::Refused, "{}", all_text(&approved));
    assert!(
        approved.text.contains("already suspended") && approved.text.contains("not executed"),
        "{}",
        approved.text
    );
    assert!(
        !b.calls()
            .await
            .iter()
            .any(|c| c == "POST /User/Membership/suspend"),
        "no second suspension"
    );
    let shown = all_text(&b.say("dave", &format!("approvals show {id}")).await);
    assert!(
        shown.contains("failed") && shown.contains("already suspended"),
        "{shown}"
    );
}

on_both!(
    suspension_needs_someone_else_with_the_right_role,
    a_target_that_changed_meanwhile_is_not_touched
);
