//! Every command end to end, asserting on the reply and on the sandbox's call log.

use serde_json::json;
use virbela_bot::core::Status;

use crate::campus::{Bench, all_text};
use crate::harness::{TestDb, on_both};

async fn reading_commands(store: TestDb) {
    let b = Bench::new(store).await;

    let help = b.say("dave", "help").await;
    assert_eq!(help.status, Status::Ok);
    let text = all_text(&help);
    assert!(
        text.contains("attendance") && !text.contains("roles grant"),
        "a viewer's help hides admin commands:\n{text}"
    );
    let admin_help = all_text(&b.say("alice", "help").await);
    assert!(admin_help.contains("roles"), "{admin_help}");
    let nobody = b.say("mallory", "users").await;
    assert_eq!(nobody.status, Status::Refused, "no role, no access");
    assert!(nobody.text.contains("viewer"), "{}", nobody.text);

    let users = b.say("dave", "users").await;
    assert_eq!(users.status, Status::Ok);
    assert!(users.text.contains("members"), "{}", users.text);
    let blevins = all_text(&b.say("dave", "users blevins").await);
    assert!(blevins.contains("KBlevins123"), "{blevins}");
    let kareem = all_text(&b.say("dave", "user KBlevins123").await);
    assert!(
        kareem.contains("Kareem") && kareem.contains("Email"),
        "{kareem}"
    );
    let by_mail = all_text(&b.say("dave", "user kareem.blevins@test.com").await);
    assert!(by_mail.contains("KBlevins123"), "{by_mail}");
    let unknown = b.say("dave", "user KBlevins12").await;
    assert_eq!(unknown.status, Status::Refused);
    assert!(
        unknown.text.contains("KBlevins"),
        "suggests close names: {}",
        unknown.text
    );

    let profile = all_text(&b.say("dave", "profile KBlevins123").await);
    assert!(profile.contains("Profile of"), "{profile}");

    let rooms = b.say("dave", "rooms").await;
    assert!(rooms.table.as_ref().is_some_and(|t| t.rows.len() >= 15));
    let typo = b.say("dave", "attendance Theatre last week").await;
    assert_eq!(typo.status, Status::Refused);
    assert!(
        typo.text.contains("Did you mean `Theater`"),
        "{}",
        typo.text
    );
    let ambiguous = b.say("dave", "attendance work last week").await;
    assert_ne!(ambiguous.status, Status::Ok, "{}", all_text(&ambiguous));

    b.clear_calls().await;
    let theater = b.say("dave", "attendance theater last week").await;
    let text = all_text(&theater);
    assert_eq!(theater.status, Status::Ok, "{text}");
    assert!(
        text.contains("Sessions") && text.contains("Unique attendees"),
        "{text}"
    );
    assert_eq!(theater.attachments.len(), 1);
    assert!(
        String::from_utf8_lossy(&theater.attachments[0].bytes)
            .starts_with("user_id,name,email,join,leave")
    );
    let calls = b.calls().await;
    assert!(
        calls
            .iter()
            .any(|c| c == "GET /User/Attendance/Room/KJDfj5wOjA"),
        "{calls:?}"
    );

    let volume = b
        .say("dave", "volume PR-2114767535--NewCampus last month")
        .await;
    assert_eq!(volume.status, Status::Ok, "{}", all_text(&volume));
    let waitlist = b.say("dave", "waitlist last 30 days").await;
    assert_eq!(waitlist.status, Status::Ok, "{}", all_text(&waitlist));
    assert!(all_text(&waitlist).contains("Calls"));

    // Bare form commands show their help; nothing runs.
    let form = b.say("carol", "invite").await;
    assert_eq!(form.status, Status::Usage);
    assert!(form.text.contains("invite <email>"), "{}", form.text);

    // Virbela failures become plain words with a correlation id and the rotation hint.
    b.control(
        "credentials",
        json!({"clientId": "rotated", "clientSecret": "rotated"}),
    )
    .await;
    let rotated = b.say("dave", "rooms").await;
    assert_eq!(rotated.status, Status::Failed, "{}", rotated.text);
    assert!(
        rotated.text.contains("rotated") && rotated.text.contains("correlation id"),
        "{}",
        rotated.text
    );
}

async fn changing_commands(store: TestDb) {
    let b = Bench::new(store).await;

    // An invitation as member runs at once, is recorded in the ledger and listed as pending.
    b.clear_calls().await;
    let invite = b
        .say(
            "carol",
            "invite new.hire@example.com first=New last=Hire name=KBlevins",
        )
        .await;
    let text = all_text(&invite);
    assert_eq!(invite.status, Status::Ok, "{text}");
    assert!(
        text.contains("display name KBlevins") && text.contains("taken"),
        "reports the name Virbela gave: {text}"
    );
    assert_eq!(
        b.calls()
            .await
            .iter()
            .filter(|c| *c == "POST /User/Invitation")
            .count(),
        1
    );
    let pending = all_text(&b.say("dave", "users pending").await);
    assert!(pending.contains("new.hire@example.com"), "{pending}");
    b.control(
        "invitations/accept",
        json!({"email": "new.hire@example.com"}),
    )
    .await;
    let none = b.say("dave", "users pending").await;
    assert!(none.text.contains("No invitation"), "{}", none.text);

    // A moderator invitation waits for one approval.
    let gated = b
        .say("carol", "invite mod@example.com role=moderator")
        .await;
    assert_eq!(gated.status, Status::Pending, "{}", all_text(&gated));
    assert!(
        gated.text.contains("Pending approval #") && gated.text.contains("Needs 1 approval"),
        "{}",
        gated.text
    );
    assert_eq!(gated.actions.len(), 2);
    let id = gated.actions[0].value.clone();
    assert_eq!(gated.actions[0].command, format!("approvals approve {id}"));
    let listed = all_text(&b.say("dave", "approvals").await);
    assert!(listed.contains("mod@example.com"), "{listed}");
    let shown = all_text(&b.say("dave", &format!("approvals show {id}")).await);
    assert!(
        shown.contains("pending") && shown.contains("console:carol"),
        "{shown}"
    );
    let approved = b.say("bob", &format!("approvals approve {id}")).await;
    assert_eq!(approved.status, Status::Ok, "{}", all_text(&approved));
    assert!(
        approved
            .text
            .contains("Invited mod@example.com as moderator"),
        "{}",
        approved.text
    );

    // A denial ends a request, with the reason kept; nothing is done.
    b.clear_calls().await;
    let gated = b.say("carol", "invite owner2@example.com role=owner").await;
    let id = gated.actions[1].value.clone();
    assert_eq!(gated.actions[1].id, "approval.deny");
    let denied = b
        .say("bob", &format!("approvals deny {id} not this quarter"))
        .await;
    assert_eq!(denied.status, Status::Ok, "{}", denied.text);
    assert!(
        denied.text.contains("Denied") && denied.text.contains("Nothing was done"),
        "{}",
        denied.text
    );
    let shown = all_text(&b.say("dave", &format!("approvals show {id}")).await);
    assert!(
        shown.contains("denied") && shown.contains("not this quarter"),
        "{shown}"
    );
    assert!(
        !b.calls().await.iter().any(|c| c.contains("owner2")),
        "never sent"
    );

    // Profile edits run at once.
    let edit = b
        .say(
            "carol",
            "profile KBlevins123 set Department=\"Product Management\" unset eNPS",
        )
        .await;
    assert_eq!(edit.status, Status::Ok, "{}", all_text(&edit));
    let profile = all_text(&b.say("dave", "profile KBlevins123").await);
    assert!(
        profile.contains("Product Management") && !profile.contains("eNPS"),
        "{profile}"
    );
    let bad_field = b.say("carol", "profile KBlevins123 set Shoe=44").await;
    assert_eq!(
        bad_field.status,
        Status::Refused,
        "{}",
        all_text(&bad_field)
    );
    assert!(
        bad_field.text.contains("Shoe") && bad_field.text.contains("correlation id"),
        "{}",
        bad_field.text
    );

    // Deleting needs two approvals and a reason; it looks the e-mail up.
    let (victim_id, victim_email) = b.member(&["kareem.blevins@test.com"]).await;
    let delete = b
        .say("carol", &format!("delete {victim_id} left the company"))
        .await;
    assert_eq!(delete.status, Status::Pending, "{}", all_text(&delete));
    assert!(
        delete.text.contains("Needs 2 approvals") && delete.text.contains(&victim_email),
        "{}",
        delete.text
    );
    let id = delete.actions[0].value.clone();
    let first = b.say("bob", &format!("approvals approve {id}")).await;
    assert_eq!(first.status, Status::Pending, "{}", first.text);
    let second = b.say("alice", &format!("approvals approve #{id}")).await;
    assert_eq!(second.status, Status::Ok, "{}", all_text(&second));
    assert!(second.text.contains("Deleted"), "{}", second.text);
    let calls = b.calls().await;
    assert_eq!(
        calls
            .iter()
            .filter(|c| *c == "POST /User/Membership/deleteMember")
            .count(),
        1
    );

    // A private space waits for one approval; the requester can cancel it.
    let space = b
        .say("carol", "space create owner@example.com Olive Owner 1")
        .await;
    assert_eq!(space.status, Status::Pending, "{}", all_text(&space));
    let id = space.actions[0].value.clone();
    let mine = all_text(&b.say("carol", "approvals mine").await);
    assert!(mine.contains("private space"), "{mine}");
    let not_yours = b.say("bob", &format!("approvals cancel {id}")).await;
    assert_eq!(not_yours.status, Status::Refused);
    let cancelled = b.say("carol", &format!("approvals cancel {id}")).await;
    assert_eq!(cancelled.status, Status::Ok, "{}", cancelled.text);
    let late = b.say("bob", &format!("approvals approve {id}")).await;
    assert_eq!(late.status, Status::Refused);
    assert!(late.text.contains("cancelled"), "{}", late.text);
    let space = b
        .say("carol", "space create owner@example.com Olive Owner 1")
        .await;
    let id = space.actions[0].value.clone();
    let bought = b.say("bob", &format!("approvals approve {id}")).await;
    assert!(bought.text.contains("Office 20"), "{}", all_text(&bought));

    // Roles and the audit trail, for admins only.
    assert_eq!(b.say("bob", "roles").await.status, Status::Refused);
    let granted = b.say("alice", "roles grant <@U012ABCDEF> viewer").await;
    assert_eq!(granted.status, Status::Ok, "{}", all_text(&granted));
    let roles = all_text(&b.say("alice", "roles list").await);
    assert!(
        roles.contains("slack:U012ABCDEF") && roles.contains("console:bob"),
        "{roles}"
    );
    let revoked = b.say("alice", "roles revoke slack:U012ABCDEF viewer").await;
    assert_eq!(revoked.status, Status::Ok, "{}", revoked.text);
    // Role changes apply at once on this replica (the role cache is cleared).
    assert_eq!(
        b.say("dave", "invite d1@example.com").await.status,
        Status::Refused
    );
    assert_eq!(
        b.say("alice", "roles grant console:dave operator")
            .await
            .status,
        Status::Ok
    );
    assert_eq!(
        b.say("dave", "invite d1@example.com").await.status,
        Status::Ok
    );
    assert_eq!(
        b.say("alice", "roles revoke console:dave operator")
            .await
            .status,
        Status::Ok
    );
    assert_eq!(
        b.say("dave", "invite d2@example.com").await.status,
        Status::Refused
    );
    let audit = all_text(&b.say("alice", "audit recent").await);
    assert!(
        audit.contains("role.revoke") && audit.contains("approval.succeed"),
        "{audit}"
    );
}

on_both!(reading_commands, changing_commands);
