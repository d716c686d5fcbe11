//! Forms through the bot: which text opens a form (and for whom), submissions validated
//! per field and authorized exactly as typed commands, the delete form's e-mail check
//! against the campus, searches, loading, and the deny reason form.

use std::collections::HashMap;

use virbela_bot::access::Principal;
use virbela_bot::core::forms::{ChoicesError, FormId, Opening, Submission, canonical_text};
use virbela_bot::core::{Bot, Caller, Prepared, Status};

use crate::campus::{Bench, all_text};
use crate::harness::{TestDb, on_both};

fn caller(who: &str) -> Caller {
    let principal: Principal = format!("console:{who}").parse().expect("principal");
    Caller::new(principal)
}

fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

async fn submitted(bot: &Bot, who: &str, form: FormId, pairs: &[(&str, &str)]) -> Submission {
    bot.submit_form(&caller(who), form, &values(pairs)).await
}

async fn forms_open_for_those_who_may_run_them(store: TestDb) {
    let b = Bench::new(store).await;
    match b.bot.prepare_with_forms(&caller("carol"), "invite").await {
        Opening::Form(form) => assert_eq!(form.id, FormId::Invite),
        other => panic!("carol's bare invite opens the form: {other:?}"),
    }
    match b
        .bot
        .prepare_with_forms(&caller("dave"), "/virbela attendance")
        .await
    {
        Opening::Form(form) => assert_eq!(form.id, FormId::Attendance),
        other => panic!("a viewer may report: {other:?}"),
    }
    match b.bot.prepare_with_forms(&caller("dave"), "invite").await {
        Opening::Prepared(Prepared::Done(reply)) => {
            assert!(reply.text.contains("operator"), "{}", reply.text)
        }
        other => panic!("dave may not invite: {other:?}"),
    }
    match b
        .bot
        .prepare_with_forms(&caller("carol"), "invite a@example.com")
        .await
    {
        Opening::Prepared(Prepared::Run(_)) => {}
        other => panic!("a full command runs as typed: {other:?}"),
    }
    // The console keeps its usage help for the bare command.
    let bare = b.say("carol", "invite").await;
    assert_eq!(bare.status, Status::Usage);

    match b.bot.open_deny_form(&caller("bob"), "#12").await {
        Ok(form) => {
            assert_eq!(form.id, FormId::DenyReason);
            assert_eq!(form.hidden, vec![("request".to_string(), "12".to_string())]);
            assert!(form.title.contains("#12"));
        }
        Err(reply) => panic!("bob may decide: {}", reply.text),
    }
    let refused = b
        .bot
        .open_deny_form(&caller("carol"), "12")
        .await
        .expect_err("an operator may not deny");
    assert_eq!(refused.status, Status::Refused);
    assert!(refused.text.contains("approver"), "{}", refused.text);
    let not_an_id = b
        .bot
        .open_deny_form(&caller("bob"), "twelve")
        .await
        .expect_err("not a request");
    assert_eq!(not_an_id.status, Status::Usage);
}

async fn submissions_are_validated_then_authorized_as_typed(store: TestDb) {
    let b = Bench::new(store).await;
    b.clear_calls().await;
    let audit_before = b.audit_count().await;

    let Submission::Invalid(errors) = submitted(
        &b.bot,
        "carol",
        FormId::Invite,
        &[("email", "nope"), ("team", "ZZ")],
    )
    .await
    else {
        panic!("a bad e-mail and team are refused");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["email", "team"]);
    assert!(b.calls().await.is_empty());
    assert_eq!(b.audit_count().await, audit_before, "nothing written");

    let good = [
        ("email", "form.hire@example.com"),
        ("first", "Form"),
        ("team", "C"),
    ];
    let Submission::Prepared(Prepared::Done(refused)) =
        submitted(&b.bot, "dave", FormId::Invite, &good).await
    else {
        panic!("a viewer's submission is refused");
    };
    assert_eq!(refused.status, Status::Refused);
    assert!(refused.text.contains("operator"), "{}", refused.text);

    let Submission::Prepared(Prepared::Run(job)) =
        submitted(&b.bot, "carol", FormId::Invite, &good).await
    else {
        panic!("carol may invite");
    };
    assert_eq!(
        canonical_text(job.command()).as_deref(),
        Some("invite form.hire@example.com first=Form team=C")
    );
    let reply = b.bot.run(job).await;
    assert_eq!(reply.status, Status::Ok, "{}", all_text(&reply));
    assert!(
        b.calls().await.iter().any(|c| c == "POST /User/Invitation"),
        "invited"
    );
}

async fn the_delete_form_checks_the_retyped_email(store: TestDb) {
    let b = Bench::new(store).await;
    let (id, email) = b.member(&[]).await;
    let Submission::Invalid(errors) = submitted(
        &b.bot,
        "carol",
        FormId::Delete,
        &[
            ("user", &id),
            ("reason", "left"),
            ("confirm", "other@example.com"),
        ],
    )
    .await
    else {
        panic!("a mismatching e-mail is refused");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "confirm");

    let Submission::Invalid(errors) = submitted(
        &b.bot,
        "carol",
        FormId::Delete,
        &[
            ("user", "nobody-by-that-id"),
            ("reason", "left"),
            ("confirm", &email),
        ],
    )
    .await
    else {
        panic!("an unknown member is refused");
    };
    assert_eq!(errors[0].field, "user");

    // A viewer is refused before any lookup, whatever the e-mail.
    let Submission::Prepared(Prepared::Done(refused)) = submitted(
        &b.bot,
        "dave",
        FormId::Delete,
        &[
            ("user", &id),
            ("reason", "left"),
            ("confirm", "x@example.com"),
        ],
    )
    .await
    else {
        panic!("a viewer may not delete");
    };
    assert_eq!(refused.status, Status::Refused);

    let Submission::Prepared(Prepared::Run(job)) = submitted(
        &b.bot,
        "carol",
        FormId::Delete,
        &[
            ("user", &id),
            ("reason", "left the company"),
            ("confirm", &email.to_uppercase()),
        ],
    )
    .await
    else {
        panic!("the right e-mail in any case passes");
    };
    let reply = b.bot.run(job).await;
    assert_eq!(reply.status, Status::Pending, "{}", all_text(&reply));
}

async fn searches_and_loading(store: TestDb) {
    let b = Bench::new(store).await;
    let dave = caller("dave");
    let rooms = b
        .bot
        .form_choices(&dave, FormId::Attendance, "room", "thea")
        .await
        .expect("rooms");
    assert_eq!(rooms[0].value, "KJDfj5wOjA");
    assert_eq!(rooms[0].label, "Theater");
    let members = b
        .bot
        .form_choices(&caller("carol"), FormId::Suspend, "user", "blevins")
        .await
        .expect("members");
    assert!(
        members.iter().any(|m| m.label.contains("KBlevins123")),
        "{members:?}"
    );
    assert!(matches!(
        b.bot
            .form_choices(&dave, FormId::Suspend, "user", "blevins")
            .await,
        Err(ChoicesError::NotAllowed(FormId::Suspend))
    ));
    assert!(matches!(
        b.bot
            .form_choices(&caller("carol"), FormId::Invite, "email", "")
            .await,
        Err(ChoicesError::NoSuchField { .. })
    ));

    let form = b
        .bot
        .open_form(&dave, FormId::Attendance)
        .await
        .expect("a viewer may report");
    assert_eq!(form.status.as_deref(), Some("Loading the rooms…"));
    let loaded = b.bot.load_form(&form).await.expect("something to load");
    assert!(
        loaded
            .status
            .as_deref()
            .is_some_and(|s| s.contains("rooms on this campus")),
        "{:?}",
        loaded.status
    );
    assert_eq!(loaded.fields, form.fields);
    let invite = b
        .bot
        .open_form(&caller("carol"), FormId::Invite)
        .await
        .expect("an operator may invite");
    assert!(b.bot.load_form(&invite).await.is_none());
    assert!(b.bot.open_form(&dave, FormId::Invite).await.is_err());
}

on_both!(
    forms_open_for_those_who_may_run_them,
    submissions_are_validated_then_authorized_as_typed,
    the_delete_form_checks_the_retyped_email,
    searches_and_loading,
);
