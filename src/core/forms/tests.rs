//! The forms: their shape, and submissions read exactly as the typed commands are (the
//! command a form gives equals the parse of its canonical text), with errors per field.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};

use super::*;
use crate::core::command::{ApprovalsCommand, Command, ParseContext, UserRef};
use crate::core::grammar::{self, parse};

fn ctx() -> ParseContext {
    ParseContext {
        now: Utc
            .with_ymd_and_hms(2026, 1, 15, 12, 0, 0)
            .single()
            .expect("a time"),
        tz: chrono_tz::Europe::Paris,
    }
}

fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn valid(form: FormId, pairs: &[(&str, &str)]) -> Valid {
    submit(form, &values(pairs), &ctx()).unwrap_or_else(|e| panic!("{form}: {e:?}"))
}

fn errors(form: FormId, pairs: &[(&str, &str)]) -> HashMap<String, String> {
    match submit(form, &values(pairs), &ctx()) {
        Ok(v) => panic!("{form} should be refused, gave {:?}", v.command),
        Err(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
    }
}

/// The command a form gave is the one its canonical text parses to.
fn same_as_typed(command: &Command) -> String {
    let text = canonical_text(command).expect("canonical text");
    assert_eq!(
        parse(&text, &ctx()).as_ref(),
        Ok(command),
        "`{text}` parses to the form's command"
    );
    text
}

#[test]
fn form_ids_round_trip_and_every_form_command_has_a_form() {
    for id in FormId::ALL {
        assert_eq!(id.as_str().parse::<FormId>(), Ok(id));
    }
    assert!("nope".parse::<FormId>().is_err());
    for spec in grammar::specs() {
        assert_eq!(
            FormId::of_command(spec.id).is_some(),
            spec.opens_form,
            "{}",
            spec.name
        );
        if let Some(form) = FormId::of_command(spec.id) {
            assert_eq!(form.command(), spec.id);
        }
    }
}

#[test]
fn forms_are_well_formed() {
    for id in FormId::ALL {
        let form = describe(id, &ctx());
        assert_eq!(form.id, id);
        assert!(form.title.chars().count() <= 24, "{}", form.title);
        assert!(form.submit_label.chars().count() <= 24);
        assert!(!form.fields.is_empty());
        let mut ids: Vec<&str> = form.fields.iter().map(|f| f.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), form.fields.len(), "{id}: field ids are unique");
        for field in &form.fields {
            if let FieldKind::Select { options } = &field.kind {
                assert!(!options.is_empty() && options.len() <= MAX_CHOICES);
            }
        }
        // A form that searches says it is loading until it is loaded.
        assert_eq!(form.status.is_some(), !form.searches().is_empty(), "{id}");
    }
    let invite = describe(FormId::Invite, &ctx());
    let Some(FieldKind::Select { options }) = invite.field("team").map(|f| &f.kind) else {
        panic!("a team select");
    };
    assert_eq!(options.len(), 78);
    assert_eq!(options.last().map(|o| o.value.as_str()), Some("BZ"));
    let attendance = describe(FormId::Attendance, &ctx());
    let initial = |f: &str| attendance.field(f).and_then(|f| f.initial.clone());
    assert_eq!(initial("from").as_deref(), Some("2026-01-09"));
    assert_eq!(initial("to").as_deref(), Some("2026-01-15"));
    assert_eq!(attendance.searches(), vec![SearchSource::Rooms]);
}

#[test]
fn an_invitation_form_gives_the_typed_invitation() {
    let v = valid(
        FormId::Invite,
        &[
            ("email", " kareem.blevins@test.com "),
            ("first", "Kareem"),
            ("last", "Blevins"),
            ("name", ""),
            ("title", "Head of Sales"),
            ("team", "AB"),
            ("role", "leader"),
            ("send_email", "newToCampus"),
            ("overwrite", "true"),
        ],
    );
    let text = same_as_typed(&v.command);
    assert_eq!(
        text,
        "invite kareem.blevins@test.com first=Kareem last=Blevins title=\"Head of Sales\" \
         team=AB role=leader email=newToCampus overwrite=yes"
    );
    assert_eq!(v.confirm_email, None);

    let bare = valid(FormId::Invite, &[("email", "a@example.com")]);
    assert_eq!(same_as_typed(&bare.command), "invite a@example.com");
}

#[test]
fn invitation_errors_are_on_their_fields_all_at_once() {
    let e = errors(
        FormId::Invite,
        &[
            ("email", "not-an-email"),
            ("team", "CA"),
            ("role", "Moderator"),
        ],
    );
    assert!(e["email"].contains("not an e-mail address"), "{e:?}");
    assert!(e["team"].contains("A–Z, AA–AZ or BA–BZ"), "{e:?}");
    assert!(e["role"].contains("lower case"), "{e:?}");
    assert_eq!(e.len(), 3);
    let missing = errors(FormId::Invite, &[("first", "x".repeat(201).as_str())]);
    assert!(missing["email"].contains("e-mail"), "{missing:?}");
    assert!(missing["first"].contains("200"), "{missing:?}");
}

#[test]
fn suspend_and_delete_forms_read_users_and_reasons_as_typed() {
    let s = valid(
        FormId::Suspend,
        &[
            ("user", "zCzMQrfRK9FR"),
            ("reason", "course ended\n  see  ticket"),
        ],
    );
    assert_eq!(
        s.command,
        Command::Suspend {
            who: UserRef::Word("zCzMQrfRK9FR".into()),
            reason: Some("course ended see ticket".into()),
        }
    );
    same_as_typed(&s.command);
    let no_reason = valid(FormId::Suspend, &[("user", "kim@example.com")]);
    assert_eq!(same_as_typed(&no_reason.command), "suspend kim@example.com");

    let d = valid(
        FormId::Delete,
        &[
            ("user", "zCzMQrfRK9FR"),
            ("reason", "left in March"),
            ("confirm", "Kim@Example.com"),
        ],
    );
    same_as_typed(&d.command);
    assert_eq!(
        d.confirm_email.map(|e| e.to_string()),
        Some("Kim@Example.com".to_string())
    );
    let e = errors(
        FormId::Delete,
        &[("user", "zCzMQrfRK9FR"), ("confirm", "kim")],
    );
    assert!(e["reason"].contains("required"), "{e:?}");
    assert!(e["confirm"].contains("not an e-mail address"), "{e:?}");
    let e = errors(FormId::Delete, &[]);
    assert_eq!(e.len(), 3, "{e:?}");
}

#[test]
fn report_forms_read_dates_as_the_typed_range() {
    let a = valid(
        FormId::Attendance,
        &[
            ("room", "KJDfj5wOjA"),
            ("from", "2026-01-01"),
            ("to", "2026-01-07"),
        ],
    );
    let text = same_as_typed(&a.command);
    assert_eq!(text, "attendance \"KJDfj5wOjA\" 2026-01-01..2026-01-07");
    let Command::Attendance { range_label, .. } = &a.command else {
        panic!("attendance");
    };
    assert!(range_label.contains("Europe/Paris"), "{range_label}");

    let one_day = valid(
        FormId::Attendance,
        &[
            ("room", "Theater"),
            ("from", "2026-01-07"),
            ("to", "2026-01-07"),
        ],
    );
    same_as_typed(&one_day.command);

    let w = valid(
        FormId::Waitlist,
        &[
            ("from", "2025-12-01"),
            ("to", "2025-12-31"),
            ("room", "HelpDesk"),
        ],
    );
    assert_eq!(
        same_as_typed(&w.command),
        "waitlist 2025-12-01..2025-12-31 room=HelpDesk"
    );
    let every_room = valid(
        FormId::Waitlist,
        &[("from", "2025-12-01"), ("to", "2025-12-31")],
    );
    same_as_typed(&every_room.command);

    let e = errors(
        FormId::Attendance,
        &[("from", "2026-01-07"), ("to", "2026-01-01")],
    );
    assert!(e["room"].contains("room"), "{e:?}");
    assert!(e["to"].contains("before"), "{e:?}");
    let e = errors(FormId::Waitlist, &[("from", "2026-02-30"), ("to", "today")]);
    assert!(e["from"].contains("YYYY-MM-DD"), "{e:?}");
    assert!(e["to"].contains("YYYY-MM-DD"), "{e:?}");
}

#[test]
fn the_deny_form_denies_its_hidden_request_with_the_reason() {
    let v = valid(
        FormId::DenyReason,
        &[("request", "12"), ("reason", "wrong member")],
    );
    assert_eq!(
        v.command,
        Command::Approvals(ApprovalsCommand::Deny {
            id: 12,
            reason: Some("wrong member".into()),
        })
    );
    assert_eq!(same_as_typed(&v.command), "approvals deny 12 wrong member");
    let e = errors(FormId::DenyReason, &[("request", "x"), ("reason", "no")]);
    assert!(e["reason"].contains("approval request"), "{e:?}");
    let e = errors(FormId::DenyReason, &[("request", "12")]);
    assert!(e["reason"].contains("required"), "{e:?}");
}

#[test]
fn errors_only_name_fields_the_form_shows() {
    let junk = values(&[
        ("email", "@"),
        ("team", "?"),
        ("role", "?"),
        ("send_email", "?"),
        ("user", "a@"),
        ("confirm", "?"),
        ("from", "?"),
        ("to", "?"),
        ("request", "-1"),
    ]);
    for id in FormId::ALL {
        let form = describe(id, &ctx());
        for set in [HashMap::new(), junk.clone()] {
            if let Err(errors) = submit(id, &set, &ctx()) {
                assert!(!errors.is_empty());
                for e in errors {
                    assert!(form.field(&e.field).is_some(), "{id}: {e:?}");
                    assert!(!e.message.is_empty());
                }
            }
        }
    }
}

#[test]
fn values_that_cannot_be_typed_have_no_canonical_text_but_still_work() {
    let v = valid(
        FormId::Invite,
        &[("email", "a@example.com"), ("title", "The \"Boss\"")],
    );
    assert_eq!(canonical_text(&v.command), None);
    let Command::Invite(args) = v.command else {
        panic!("invite");
    };
    assert_eq!(args.title.as_deref(), Some("The \"Boss\""));
}

fn room(id: &str, name: &str, sfs: &str, group: Option<&str>) -> crate::virbela::models::Room {
    serde_json::from_value(serde_json::json!({
        "objectId": id,
        "name": name,
        "SFSRoom": sfs,
        "group": group,
    }))
    .expect("a room")
}

#[test]
fn searches_rank_prefix_matches_first_and_stop_at_100() {
    let rooms = vec![
        room("r1", "Team Suite", "WorkRm", None),
        room("r2", "Theater", "Theater", None),
        room("r3", "The Future", "Board", Some("Women in Tech")),
        room("r4", "Another Theater", "Theater", None),
    ];
    let found = search::rooms(&rooms, "thea");
    let ids: Vec<&str> = found.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(ids, ["r2", "r4"]);
    let all = search::rooms(&rooms, "");
    assert_eq!(all.len(), 4);
    assert!(all.iter().any(|c| c.label == "The Future · Women in Tech"));
    let sfs = search::sfs_rooms(&rooms, "");
    let names: Vec<&str> = sfs.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(
        names,
        ["Board", "Theater", "WorkRm"],
        "one option per SFS room"
    );

    let many: Vec<_> = (0..250)
        .map(|i| room(&format!("id{i}"), &format!("Room {i}"), "x", None))
        .collect();
    assert_eq!(search::rooms(&many, "room").len(), MAX_CHOICES);
    assert_eq!(search::rooms(&many, "Room 249").len(), 1);
}
