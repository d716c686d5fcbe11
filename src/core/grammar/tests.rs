//! Tests of the grammar: every command's happy path, ranges in UTC and across DST,
//! the room/range split, Slack markup, help filtered by role, the bad-input table shared
//! with the end-to-end tests, and inputs that must not panic.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use indexmap::IndexMap;

use super::*;
use crate::access::Role;
use crate::core::command::{
    ApprovalsCommand, Command, CommandId, ParseContext, RolesCommand, UsageError, UserRef,
};
use crate::virbela::domain::{Email, InvitationEmail, Permission, TeamId};

const ALL_IDS: [CommandId; 16] = [
    CommandId::Help,
    CommandId::Users,
    CommandId::User,
    CommandId::Invite,
    CommandId::Suspend,
    CommandId::Delete,
    CommandId::Profile,
    CommandId::Rooms,
    CommandId::Attendance,
    CommandId::Volume,
    CommandId::Waitlist,
    CommandId::Space,
    CommandId::Approvals,
    CommandId::Roles,
    CommandId::Audit,
    CommandId::Schedule,
];

fn at(tz: Tz, rfc3339: &str) -> ParseContext {
    let now = DateTime::parse_from_rfc3339(rfc3339)
        .expect("test instant")
        .with_timezone(&Utc);
    ParseContext { now, tz }
}

/// Wednesday 25 November 2026, 10:30 UTC.
fn utc() -> ParseContext {
    at(Tz::UTC, "2026-11-25T10:30:00Z")
}

fn paris() -> ParseContext {
    at(chrono_tz::Europe::Paris, "2026-11-25T10:30:00Z")
}

fn ok(text: &str) -> Command {
    match parse(text, &utc()) {
        Ok(c) => c,
        Err(e) => panic!("`{text}` was refused: {}", e.message),
    }
}

fn bad(text: &str) -> UsageError {
    match parse(text, &utc()) {
        Ok(c) => panic!("`{text}` was accepted as {c:?}"),
        Err(e) => e,
    }
}

fn email(s: &str) -> Email {
    s.parse().expect("test address")
}

fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("test instant")
        .with_timezone(&Utc)
}

fn range(words: &str, ctx: &ParseContext) -> (DateTime<Utc>, DateTime<Utc>, String) {
    match parse_range(words, ctx) {
        Ok((r, label)) => (r.start(), r.stop(), label),
        Err(e) => panic!("`{words}` was refused: {}", e.message),
    }
}

/// The command a parsed `Command` belongs to.
fn id_of(command: &Command) -> CommandId {
    match command {
        Command::Help { .. } => CommandId::Help,
        Command::Users { .. } | Command::UsersPending => CommandId::Users,
        Command::User { .. } => CommandId::User,
        Command::Invite(_) => CommandId::Invite,
        Command::Suspend { .. } => CommandId::Suspend,
        Command::Delete { .. } => CommandId::Delete,
        Command::Profile { .. } | Command::ProfileEdit { .. } => CommandId::Profile,
        Command::Rooms { .. } => CommandId::Rooms,
        Command::Attendance { .. } => CommandId::Attendance,
        Command::Volume { .. } => CommandId::Volume,
        Command::Waitlist { .. } => CommandId::Waitlist,
        Command::SpaceCreate { .. } => CommandId::Space,
        Command::Approvals(_) => CommandId::Approvals,
        Command::Roles(_) => CommandId::Roles,
        Command::AuditRecent => CommandId::Audit,
        Command::Schedule(_) => CommandId::Schedule,
        Command::Form(id) => *id,
    }
}

// ---------------------------------------------------------------- declarations

#[test]
fn specs_follow_the_ids_and_their_examples_parse() {
    assert_eq!(specs().len(), ALL_IDS.len());
    for (i, id) in ALL_IDS.into_iter().enumerate() {
        assert_eq!(spec(id).id, id);
        assert_eq!(specs()[i].id, id);
    }
    let mut names: Vec<&str> = specs().iter().map(|s| s.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), specs().len(), "names are unique");
    for s in specs() {
        assert!(!s.usage.is_empty() && !s.examples.is_empty(), "{}", s.name);
        for example in s.examples {
            assert_eq!(id_of(&ok(example)), s.id, "{example}");
        }
        if s.opens_form {
            assert_eq!(ok(s.name), Command::Form(s.id));
        }
    }
}

#[test]
fn capabilities_follow_the_design() {
    use crate::access::Capability::*;
    for (id, cap) in [
        (CommandId::Help, View),
        (CommandId::Users, View),
        (CommandId::User, View),
        (CommandId::Profile, View),
        (CommandId::Rooms, View),
        (CommandId::Attendance, View),
        (CommandId::Volume, View),
        (CommandId::Waitlist, View),
        (CommandId::Approvals, View),
        (CommandId::Invite, Request),
        (CommandId::Suspend, Request),
        (CommandId::Delete, Request),
        (CommandId::Space, Request),
        (CommandId::Roles, Administer),
        (CommandId::Audit, Administer),
        (CommandId::Schedule, Administer),
    ] {
        assert_eq!(spec(id).capability, cap, "{id:?}");
    }
}

// ---------------------------------------------------------------- help

fn rows(reply: &crate::core::reply::Reply) -> Vec<String> {
    reply
        .table
        .as_ref()
        .map(|t| t.rows.iter().map(|r| r[0].clone()).collect())
        .unwrap_or_default()
}

#[test]
fn help_lists_only_what_the_role_may_run() {
    let none = help_overview(None);
    assert!(none.text.contains("no role"), "{}", none.text);
    assert!(none.text.contains("admin must grant"), "{}", none.text);
    assert!(none.table.is_none());

    let viewer = rows(&help_overview(Some(Role::Viewer)));
    let has = |rows: &[String], prefix: &str| rows.iter().any(|r| r.starts_with(prefix));
    assert!(has(&viewer, "attendance") && has(&viewer, "users pending"));
    assert!(has(&viewer, "profile <email|id>") && !has(&viewer, "profile <email|id> set"));
    assert!(has(&viewer, "approvals [pending]") && !has(&viewer, "approvals approve"));
    for hidden in ["invite", "suspend", "delete", "space", "roles", "audit"] {
        assert!(!has(&viewer, hidden), "viewer sees {hidden}");
    }

    let operator = rows(&help_overview(Some(Role::Operator)));
    assert!(has(&operator, "invite") && has(&operator, "delete"));
    assert!(has(&operator, "profile <email|id> set"));
    assert!(has(&operator, "approvals cancel") && !has(&operator, "approvals approve"));
    assert!(!has(&operator, "roles"));

    let approver = rows(&help_overview(Some(Role::Approver)));
    assert!(has(&approver, "approvals approve") && has(&approver, "approvals deny"));
    assert!(!has(&approver, "audit"));

    let admin = rows(&help_overview(Some(Role::Admin)));
    assert!(has(&admin, "roles grant") && has(&admin, "audit"));
    assert!(has(&admin, "schedule add"));
    assert!(!has(&approver, "schedule"));
}

#[test]
fn help_for_a_command_shows_usage_defaults_examples_and_the_role_needed() {
    let h = help_for(CommandId::Attendance, Some(Role::Viewer));
    assert_eq!(h.title.as_deref(), Some("help attendance"));
    assert!(h.text.contains("attendance <room name|id> [range]"));
    assert!(h.text.contains("attendance Theater last week"));
    assert!(h.text.contains("last N days"));
    assert!(!h.text.contains("You cannot"));
    let table = h.table.expect("arguments");
    assert!(
        table
            .rows
            .iter()
            .any(|r| r[0] == "[range]" && r[2] == "last 7 days")
    );

    let roles = help_for(CommandId::Roles, Some(Role::Operator));
    assert!(
        roles.text.contains("needs the admin role"),
        "{}",
        roles.text
    );
    assert!(roles.text.contains("yours is operator"), "{}", roles.text);
    let nobody = help_for(CommandId::Invite, None);
    assert!(nobody.text.contains("no role") && nobody.text.contains("admin"));
    assert!(nobody.text.contains("operator"));

    let approvals = help_for(CommandId::Approvals, Some(Role::Operator));
    assert!(approvals.text.contains("need the approver role"));
    assert!(approvals.text.contains("only on your own requests"));
    assert!(
        approvals
            .text
            .contains("approvals approve <ID>   (needs the approver role)")
    );
    let for_approver = help_for(CommandId::Approvals, Some(Role::Approver));
    assert!(!for_approver.text.contains("(needs the approver role)"));

    let invite = help_for(CommandId::Invite, Some(Role::Operator));
    let table = invite.table.expect("options");
    assert!(
        table
            .rows
            .iter()
            .any(|r| r[0] == "role=" && r[2] == "member")
    );
    assert!(table.rows.iter().any(|r| r[0] == "email=" && r[2] == "all"));
    assert!(invite.text.contains("opens a form"));
    for id in ALL_IDS {
        for role in [None, Some(Role::Viewer), Some(Role::Admin)] {
            assert!(!help_for(id, role).text.is_empty());
        }
    }
}

#[test]
fn help_topics() {
    assert_eq!(ok("help"), Command::Help { topic: None });
    assert_eq!(
        ok("help invite"),
        Command::Help {
            topic: Some(CommandId::Invite)
        }
    );
    assert_eq!(
        ok("HELP Attendance"),
        Command::Help {
            topic: Some(CommandId::Attendance)
        }
    );
    let e = bad("help inivte");
    assert_eq!(e.command, Some(CommandId::Help));
    assert!(
        e.message.contains("Did you mean `invite`?"),
        "{}",
        e.message
    );
}

// ---------------------------------------------------------------- commands

#[test]
fn prefix_case_and_unknown_commands() {
    assert_eq!(ok("/virbela rooms"), Command::Rooms { filter: None });
    assert_eq!(
        ok("  ROOMS   Suite  "),
        Command::Rooms {
            filter: Some("Suite".into())
        }
    );
    let e = bad("inivte a@b.com");
    assert_eq!(
        e.message,
        "Unknown command `inivte`. Did you mean `invite`? Type `help` for the list."
    );
    assert_eq!(e.command, None);
    let e = bad("frobnicate");
    assert_eq!(
        e.message,
        "Unknown command `frobnicate`. Type `help` for the list."
    );
    assert!(
        bad("schedule frobnicate")
            .message
            .starts_with("Unknown subcommand `frobnicate` for `schedule`")
    );
    assert!(bad("").message.contains("help"));
    assert!(bad("/virbela").message.contains("help"));
}

#[test]
fn users_and_user() {
    assert_eq!(ok("users"), Command::Users { filter: None });
    assert_eq!(
        ok("users kareem blevins"),
        Command::Users {
            filter: Some("kareem blevins".into())
        }
    );
    assert_eq!(ok("users pending"), Command::UsersPending);
    assert_eq!(ok("users PENDING"), Command::UsersPending);
    assert_eq!(
        ok("users \"pendin\""),
        Command::Users {
            filter: Some("pendin".into())
        }
    );
    let e = bad("users pendin");
    assert!(e.message.contains("users pending"), "{}", e.message);

    assert_eq!(
        ok("user Kareem.Blevins@test.com"),
        Command::User {
            who: UserRef::Email(email("kareem.blevins@test.com"))
        }
    );
    assert_eq!(
        ok("user zCzMQrfRK9FR"),
        Command::User {
            who: UserRef::Word("zCzMQrfRK9FR".into())
        }
    );
    assert_eq!(
        ok("user \"Kareem Blevins\""),
        Command::User {
            who: UserRef::Word("Kareem Blevins".into())
        }
    );
    assert!(bad("user kareem@").message.contains("name@example.com"));
    assert_eq!(bad("user").command, Some(CommandId::User));
    assert!(
        bad("user Kareem Blevins")
            .message
            .contains("Quote a display name")
    );
}

#[test]
fn invite_with_every_option() {
    let c = ok(
        "invite kareem.blevins@test.com first=Kareem last=Blevins name=KBlevins \
                title=\"Head of Sales\" team=ab role=moderator email=newToCampus overwrite=yes",
    );
    let Command::Invite(args) = c else {
        panic!("{c:?}")
    };
    assert_eq!(args.email, email("kareem.blevins@test.com"));
    assert_eq!(args.first_name.as_deref(), Some("Kareem"));
    assert_eq!(args.last_name.as_deref(), Some("Blevins"));
    assert_eq!(args.display_name.as_deref(), Some("KBlevins"));
    assert_eq!(args.title.as_deref(), Some("Head of Sales"));
    assert_eq!(args.team, Some("AB".parse::<TeamId>().expect("team")));
    assert_eq!(args.permission, Some(Permission::Moderator));
    assert_eq!(args.send_email, Some(InvitationEmail::NewToCampus));
    assert_eq!(args.overwrite, Some(true));

    let c = ok("invite a@test.com Title=“Head of Sales” OVERWRITE=false");
    let Command::Invite(args) = c else {
        panic!("{c:?}")
    };
    assert_eq!(args.title.as_deref(), Some("Head of Sales"));
    assert_eq!(args.overwrite, Some(false));
    assert_eq!(args.team, None);

    let c = ok("invite <mailto:a@test.com|a@test.com>");
    let Command::Invite(args) = c else {
        panic!("{c:?}")
    };
    assert_eq!(args.email, email("a@test.com"));
    assert_eq!(ok("invite"), Command::Form(CommandId::Invite));
}

#[test]
fn invite_mistakes_name_the_closest_option() {
    let e = bad("invite a@test.com tema=B");
    assert!(
        e.message
            .starts_with("Unknown option `tema`. Did you mean `team`?"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("`overwrite`"),
        "lists the options: {}",
        e.message
    );
    assert_eq!(e.command, Some(CommandId::Invite));
    assert!(
        bad("invite a@test.com team=A team=B")
            .message
            .contains("twice")
    );
    assert!(
        bad("invite a@test.com team=")
            .message
            .contains("needs a value")
    );
    assert!(
        bad("invite a@test.com team=ZZ")
            .message
            .contains("A–Z, AA–AZ or BA–BZ")
    );
    assert!(
        bad("invite a@test.com role=Moderator")
            .message
            .contains("lower case")
    );
    assert!(
        bad("invite a@test.com title=Head of Sales")
            .message
            .contains("Quote values")
    );
    assert!(
        bad("invite team=B")
            .message
            .contains("e-mail address first")
    );
    assert!(bad("invite kareem").message.contains("name@example.com"));
}

#[test]
fn suspend_delete_and_forms() {
    assert_eq!(ok("suspend"), Command::Form(CommandId::Suspend));
    assert_eq!(ok("delete"), Command::Form(CommandId::Delete));
    assert_eq!(ok("attendance"), Command::Form(CommandId::Attendance));
    assert_eq!(ok("waitlist"), Command::Form(CommandId::Waitlist));
    assert_eq!(
        ok("suspend a@test.com"),
        Command::Suspend {
            who: UserRef::Email(email("a@test.com")),
            reason: None
        }
    );
    assert_eq!(
        ok("suspend zCzMQrfRK9FR left the company"),
        Command::Suspend {
            who: UserRef::Word("zCzMQrfRK9FR".into()),
            reason: Some("left the company".into())
        }
    );
    assert_eq!(
        ok("delete a@test.com left in March"),
        Command::Delete {
            who: UserRef::Email(email("a@test.com")),
            reason: Some("left in March".into())
        }
    );
    let e = bad("delete a@test.com");
    assert!(e.message.contains("needs a reason") && e.message.contains("Example"));
    assert_eq!(e.command, Some(CommandId::Delete));
}

#[test]
fn profile_read_set_and_unset() {
    let who = UserRef::Email(email("a@test.com"));
    assert_eq!(
        ok("profile a@test.com"),
        Command::Profile { who: who.clone() }
    );
    let mut set = IndexMap::new();
    set.insert("Department".to_string(), "Product Management".to_string());
    set.insert("eNPS".to_string(), "9".to_string());
    assert_eq!(
        ok("profile a@test.com set Department=\"Product Management\" eNPS=9 unset Hobby Pets"),
        Command::ProfileEdit {
            who: who.clone(),
            set,
            unset: vec!["Hobby".into(), "Pets".into()]
        }
    );
    assert_eq!(
        ok("profile a@test.com UNSET eNPS"),
        Command::ProfileEdit {
            who,
            set: IndexMap::new(),
            unset: vec!["eNPS".into()]
        }
    );
    assert!(
        bad("profile a@test.com set")
            .message
            .contains("at least one Field=Value")
    );
    assert!(
        bad("profile a@test.com set =x")
            .message
            .contains("no field name")
    );
    assert!(
        bad("profile a@test.com set eNPS=")
            .message
            .contains("unset eNPS")
    );
    assert!(
        bad("profile a@test.com set a=1 a=2")
            .message
            .contains("twice")
    );
    assert!(
        bad("profile a@test.com set a=1 unset a")
            .message
            .contains("both set and unset")
    );
    assert!(
        bad("profile a@test.com sett a=1")
            .message
            .contains("Did you mean `set`?")
    );
    assert!(
        bad("profile a@test.com unset")
            .message
            .contains("at least one field")
    );
    assert!(
        bad("profile a@test.com set unset a")
            .message
            .contains("at least one Field=Value")
    );
}

#[test]
fn attendance_takes_the_longest_range_suffix() {
    let room_of = |text: &str| match ok(text) {
        Command::Attendance {
            room, range_label, ..
        } => (room, range_label),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        room_of("attendance Theater last week"),
        (
            "Theater".into(),
            "last week (2026-11-16 – 2026-11-22, UTC)".into()
        )
    );
    assert_eq!(
        room_of("attendance \"Team Suite\" last week").0,
        "Team Suite"
    );
    assert_eq!(room_of("attendance “Team Suite” today").0, "Team Suite");
    assert_eq!(
        room_of("attendance Team Suite"),
        (
            "Team Suite".into(),
            "last 7 days (2026-11-19 – 2026-11-25, UTC)".into()
        )
    );
    assert_eq!(
        room_of("attendance Big Team Suite last 30 days").0,
        "Big Team Suite"
    );
    assert_eq!(
        room_of("attendance Team Suite 2023-01-01 .. 2023-01-31"),
        ("Team Suite".into(), "2023-01-01 – 2023-01-31 (UTC)".into())
    );
    // Not a range at the end: the words are the room (the resolver will say if not found).
    assert_eq!(
        room_of("attendance Theater last fortnight").0,
        "Theater last fortnight"
    );
    // A quoted phrase is a room, never a range.
    assert_eq!(room_of("attendance \"last week\"").0, "last week");
    assert_eq!(room_of("attendance Lobby \"today\"").0, "Lobby today");
    let e = bad("attendance last week");
    assert!(e.message.contains("needs a room"), "{}", e.message);
    assert!(
        bad("attendance Theater 2023-02-30")
            .message
            .contains("not a calendar date")
    );
    assert!(
        bad("attendance Theater 2023-03-01..2023-01-01")
            .message
            .contains("ends before")
    );
    let Command::Attendance { range, .. } = ok("attendance Theater yesterday") else {
        panic!("attendance")
    };
    assert_eq!(range.start(), instant("2026-11-24T00:00:00Z"));
}

#[test]
fn volume_and_waitlist() {
    let Command::Volume {
        volume,
        range_label,
        ..
    } = ok("volume PR-2114767535--NewCampus")
    else {
        panic!("volume")
    };
    assert_eq!(volume.as_str(), "PR-2114767535--NewCampus");
    assert!(range_label.starts_with("last 7 days"));
    let Command::Volume { range_label, .. } = ok("volume PR-1 this month") else {
        panic!("volume")
    };
    assert_eq!(range_label, "this month (2026-11-01 – 2026-11-25, UTC)");
    assert!(bad("volume PR/1").message.contains("private volume id"));
    assert!(bad("volume PR-1 sometime").message.contains("not a range"));
    assert_eq!(bad("volume").command, Some(CommandId::Volume));

    assert_eq!(
        ok("waitlist last month room=HelpDesk"),
        match parse_range("last month", &utc()) {
            Ok((range, range_label)) => Command::Waitlist {
                range,
                range_label,
                sfs_room: Some("HelpDesk".into())
            },
            Err(e) => panic!("{e}"),
        }
    );
    let Command::Waitlist {
        sfs_room,
        range_label,
        ..
    } = ok("waitlist room=\"Help Desk\"")
    else {
        panic!("waitlist")
    };
    assert_eq!(sfs_room.as_deref(), Some("Help Desk"));
    assert!(range_label.starts_with("last 7 days"));
    assert!(
        bad("waitlist rom=X")
            .message
            .contains("Did you mean `room`?")
    );
    assert!(bad("waitlist room=A room=B").message.contains("twice"));
}

#[test]
fn space_create() {
    assert_eq!(
        ok("space create ana@test.com Ana \"Lopez Garcia\" 3"),
        Command::SpaceCreate {
            email: email("ana@test.com"),
            first_name: "Ana".into(),
            last_name: "Lopez Garcia".into(),
            pricing_id: 3
        }
    );
    assert!(
        bad("space create ana@test.com Ana")
            .message
            .contains("missing <last> <pricingId>")
    );
    assert!(
        bad("space create ana@test.com Ana Lopez three")
            .message
            .contains("not a pricing id")
    );
    assert!(
        bad("space create ana@test.com Ana Lopez +3")
            .message
            .contains("not a pricing id")
    );
    assert!(
        bad("space crate x")
            .message
            .contains("Did you mean `create`?")
    );
    assert!(bad("space make x").message.contains("Use `space create"));
    assert!(bad("space").message.contains("space create <email>"));
}

#[test]
fn approvals() {
    use ApprovalsCommand::*;
    for (text, expected) in [
        ("approvals", Pending),
        ("approvals pending", Pending),
        ("approvals MINE", Mine),
        ("approvals show 12", Show(12)),
        ("approvals show #12", Show(12)),
        ("approvals approve #7", Approve(7)),
        ("approvals cancel 3", Cancel(3)),
        (
            "approvals deny 4",
            Deny {
                id: 4,
                reason: None,
            },
        ),
        (
            "approvals deny #4 wrong person",
            Deny {
                id: 4,
                reason: Some("wrong person".into()),
            },
        ),
    ] {
        assert_eq!(ok(text), Command::Approvals(expected), "{text}");
    }
    assert!(
        bad("approvals approve x")
            .message
            .contains("not a request id")
    );
    assert!(
        bad("approvals approve -3")
            .message
            .contains("not a request id")
    );
    assert!(
        bad("approvals approve")
            .message
            .contains("needs a request id")
    );
    assert!(bad("approvals approve 1 2").message.contains("extra"));
    let e = bad("approvals aprove 3");
    assert!(
        e.message.contains("Did you mean `approve`?"),
        "{}",
        e.message
    );
    assert_eq!(e.command, Some(CommandId::Approvals));
}

#[test]
fn roles_with_slack_mentions_and_principals() {
    assert_eq!(ok("roles"), Command::Roles(RolesCommand::List));
    assert_eq!(ok("roles list"), Command::Roles(RolesCommand::List));
    assert_eq!(
        ok("roles grant <@U012ABC|bob> Approver"),
        Command::Roles(RolesCommand::Grant {
            subject: "slack:U012ABC".into(),
            role: Role::Approver
        })
    );
    assert_eq!(
        ok("roles revoke <!subteam^S0123|@ops> viewer"),
        Command::Roles(RolesCommand::Revoke {
            subject: "slack-group:S0123".into(),
            role: Role::Viewer
        })
    );
    assert_eq!(
        ok("/virbela roles grant console:alice admin"),
        Command::Roles(RolesCommand::Grant {
            subject: "console:alice".into(),
            role: Role::Admin
        })
    );
    assert!(
        bad("roles grant <@U012ABC>")
            .message
            .contains("needs a role")
    );
    assert!(
        bad("roles grant <@U012ABC> owner")
            .message
            .contains("viewer, operator, approver or admin")
    );
    assert!(
        bad("roles grant approver <@U012ABC>")
            .message
            .contains("user first")
    );
    assert!(
        bad("roles grnt x admin")
            .message
            .contains("Did you mean `grant`?")
    );
}

#[test]
fn audit() {
    assert_eq!(ok("audit"), Command::AuditRecent);
    assert_eq!(ok("audit recent"), Command::AuditRecent);
    assert!(
        bad("audit recnt")
            .message
            .contains("Did you mean `recent`?")
    );
    assert!(bad("audit recent now").message.contains("extra"));
}

#[test]
fn slack_markup_becomes_plain_words() {
    assert_eq!(unwrap_slack("<mailto:a@b.co|a@b.co>"), "a@b.co");
    assert_eq!(
        unwrap_slack("<@U012ABC> <@W9|x y>"),
        "slack:U012ABC slack:W9"
    );
    assert_eq!(unwrap_slack("<#C123|general>"), "C123");
    assert_eq!(
        unwrap_slack("<https://example.com|example.com>"),
        "example.com"
    );
    assert_eq!(unwrap_slack("R&amp;D &lt;3"), "R&D <3");
    assert_eq!(unwrap_slack("a < b > c <<@U1>"), "a < b > c <slack:U1");
    assert_eq!(unwrap_slack("<nope> <"), "<nope> <");
    assert_eq!(
        ok("rooms R&amp;D"),
        Command::Rooms {
            filter: Some("R&D".into())
        }
    );
}

#[test]
fn quotes() {
    let e = bad("attendance \"Team Suite last week");
    assert!(e.message.contains("not closed"), "{}", e.message);
    assert!(bad("\"").message.contains("not closed"));
    assert_eq!(ok("\"rooms\""), Command::Rooms { filter: None });
}

// ---------------------------------------------------------------- ranges

#[test]
fn phrase_ranges_in_utc() {
    let ctx = utc();
    let now = ctx.now;
    let cases = [
        (
            "today",
            "2026-11-25T00:00:00Z",
            None,
            "today (2026-11-25, UTC)",
        ),
        (
            "yesterday",
            "2026-11-24T00:00:00Z",
            Some("2026-11-24T23:59:59.999Z"),
            "yesterday (2026-11-24, UTC)",
        ),
        (
            "last 7 days",
            "2026-11-19T00:00:00Z",
            None,
            "last 7 days (2026-11-19 – 2026-11-25, UTC)",
        ),
        (
            "last 1 day",
            "2026-11-25T00:00:00Z",
            None,
            "last 1 day (2026-11-25, UTC)",
        ),
        (
            "this week",
            "2026-11-23T00:00:00Z",
            None,
            "this week (2026-11-23 – 2026-11-25, UTC)",
        ),
        (
            "Last  Week",
            "2026-11-16T00:00:00Z",
            Some("2026-11-22T23:59:59.999Z"),
            "last week (2026-11-16 – 2026-11-22, UTC)",
        ),
        (
            "this month",
            "2026-11-01T00:00:00Z",
            None,
            "this month (2026-11-01 – 2026-11-25, UTC)",
        ),
        (
            "last month",
            "2026-10-01T00:00:00Z",
            Some("2026-10-31T23:59:59.999Z"),
            "last month (2026-10-01 – 2026-10-31, UTC)",
        ),
        (
            "2023-01-01..2023-03-31",
            "2023-01-01T00:00:00Z",
            Some("2023-03-31T23:59:59.999Z"),
            "2023-01-01 – 2023-03-31 (UTC)",
        ),
        (
            "2023-01-01 .. 2023-01-01",
            "2023-01-01T00:00:00Z",
            Some("2023-01-01T23:59:59.999Z"),
            "2023-01-01 (UTC)",
        ),
        (
            "2023-02-28",
            "2023-02-28T00:00:00Z",
            Some("2023-02-28T23:59:59.999Z"),
            "2023-02-28 (UTC)",
        ),
        (
            "2023-01-01T09:00..2023-01-01T17:30+02:00",
            "2023-01-01T09:00:00Z",
            Some("2023-01-01T15:30:00Z"),
            "2023-01-01 09:00 – 2023-01-01 15:30 (UTC)",
        ),
        (
            "2023-01-01t09:00:15z..2023-01-02",
            "2023-01-01T09:00:15Z",
            Some("2023-01-02T23:59:59.999Z"),
            "2023-01-01 09:00:15 – 2023-01-02 23:59:59 (UTC)",
        ),
        (
            "2023-01-01 09:00 .. 2023-01-01 10:00-0330",
            "2023-01-01T09:00:00Z",
            Some("2023-01-01T13:30:00Z"),
            "2023-01-01 09:00 – 2023-01-01 13:30 (UTC)",
        ),
    ];
    for (words, start, stop, label) in cases {
        let (s, e, l) = range(words, &ctx);
        assert_eq!(s, instant(start), "{words}");
        assert_eq!(e, stop.map(instant).unwrap_or(now), "{words}");
        assert_eq!(l, label, "{words}");
    }
    let (s, _, _) = range("last 3650 days", &ctx);
    assert_eq!(s, instant("2016-11-28T00:00:00Z"));
    // January: last month is December of the year before.
    let (s, e, _) = range("last month", &at(Tz::UTC, "2026-01-15T08:00:00Z"));
    assert_eq!(
        (s, e),
        (
            instant("2025-12-01T00:00:00Z"),
            instant("2025-12-31T23:59:59.999Z")
        )
    );
    // Monday: this week starts today.
    let (s, _, _) = range("this week", &at(Tz::UTC, "2026-11-23T08:00:00Z"));
    assert_eq!(s, instant("2026-11-23T00:00:00Z"));
}

#[test]
fn range_mistakes_say_what_is_accepted() {
    let ctx = utc();
    let refused = |words: &str| match parse_range(words, &ctx) {
        Ok(r) => panic!("`{words}` accepted as {r:?}"),
        Err(e) => e.message,
    };
    let m = refused("last fortnight");
    for form in [
        "today",
        "yesterday",
        "last N days",
        "this week",
        "last week",
        "this month",
        "last month",
        "2023-01-01..2023-03-31",
        "T09:00",
    ] {
        assert!(m.contains(form), "{form} missing from {m}");
    }
    assert!(refused("2023-02-30").contains("not a calendar date"));
    assert!(refused("2023-3-1").contains("YYYY-MM-DD"));
    assert!(refused("2023-03-01..2023-01-01").contains("ends before it starts"));
    assert!(refused("last 0 days").contains("from 1 to 3650"));
    assert!(refused("last 3651 days").contains("from 1 to 3650"));
    assert!(refused("last many days").contains("not a number of days"));
    assert!(refused("2023-01-01..").contains("both ends"));
    assert!(refused("2023-01-01T09:00").contains("not a range"));
    assert!(refused("2023-01-01T25:00..2023-01-02").contains("not a date or date-time"));
    assert!(refused("2023-01-01T10:00+99:00..2023-01-02").contains("not a date or date-time"));
    assert!(refused("").contains("No range"));
}

#[test]
fn ranges_in_paris_across_the_spring_and_autumn_changes() {
    // Labels and whole weeks in a zone ahead of UTC.
    let (s, e, l) = range("last week", &paris());
    assert_eq!(l, "last week (2026-11-16 – 2026-11-22, Europe/Paris)");
    assert_eq!(s, instant("2026-11-15T23:00:00Z"));
    assert_eq!(e, instant("2026-11-22T22:59:59.999Z"));

    // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST; the day lasts 23 hours.
    let monday = at(chrono_tz::Europe::Paris, "2026-03-30T10:00:00Z");
    let (s, e, l) = range("yesterday", &monday);
    assert_eq!(l, "yesterday (2026-03-29, Europe/Paris)");
    assert_eq!(s, instant("2026-03-28T23:00:00Z"));
    assert_eq!(e, instant("2026-03-29T21:59:59.999Z"));
    let (s, e, _) = range("last week", &monday);
    assert_eq!(s, instant("2026-03-22T23:00:00Z"));
    assert_eq!(e, instant("2026-03-29T21:59:59.999Z"));
    let (s, _, _) = range("last 2 days", &monday);
    assert_eq!(s, instant("2026-03-28T23:00:00Z"));
    // 02:30 does not exist that night: read with the winter offset, it lands at 03:30 CEST.
    let (s, e, l) = range("2026-03-29T02:30..2026-03-29T04:00", &monday);
    assert_eq!(s, instant("2026-03-29T01:30:00Z"));
    assert_eq!(e, instant("2026-03-29T02:00:00Z"));
    assert_eq!(l, "2026-03-29 03:30 – 2026-03-29 04:00 (Europe/Paris)");

    // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice and the
    // earlier is taken; the day lasts 25 hours.
    let (s, e, _) = range("2026-10-25T02:30..2026-10-25", &paris());
    assert_eq!(s, instant("2026-10-25T00:30:00Z"));
    assert_eq!(e, instant("2026-10-25T22:59:59.999Z"));
    let (s, e, _) = range("2026-10-25", &paris());
    assert_eq!(
        e - s,
        chrono::Duration::hours(25) - chrono::Duration::milliseconds(1)
    );
}

#[test]
fn a_day_whose_midnight_does_not_exist_starts_when_the_clocks_resume() {
    // Some zones (e.g. America/Santiago, America/Havana) change their clocks at midnight.
    let mut checked = 0;
    for tz in [
        chrono_tz::America::Santiago,
        chrono_tz::America::Havana,
        chrono_tz::Asia::Beirut,
    ] {
        let ctx = ParseContext {
            now: instant("2026-11-25T12:00:00Z"),
            tz,
        };
        for days in 0..(365 * 6) {
            let Some(day) = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
                .and_then(|d| d.checked_add_days(chrono::Days::new(days)))
            else {
                continue;
            };
            if tz
                .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
                .earliest()
                .is_some()
            {
                continue;
            }
            let (s, e, _) = range(&day.to_string(), &ctx);
            let local = s.with_timezone(&tz);
            assert_eq!(local.date_naive(), day, "{tz} {day}");
            assert_eq!(local.format("%H:%M").to_string(), "01:00", "{tz} {day}");
            assert!(e > s);
            checked += 1;
        }
    }
    assert!(checked > 0, "the time zone data has midnight gaps");
}

// ---------------------------------------------------------------- robustness

#[test]
fn the_bad_input_table_is_refused_with_its_messages() {
    let table = include_str!("../../../tests/fixtures/bad_inputs.tsv");
    let mut count = 0;
    for (n, line) in table.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((input, fragment)) = line.split_once('\t') else {
            panic!("line {}: no tab in {line:?}", n + 1);
        };
        assert!(!fragment.is_empty(), "line {}: empty fragment", n + 1);
        match parse(input, &utc()) {
            Ok(c) => panic!("line {}: `{input}` was accepted as {c:?}", n + 1),
            Err(e) => assert!(
                e.message.contains(fragment),
                "line {}: `{input}`: {:?} does not contain {fragment:?}",
                n + 1,
                e.message
            ),
        }
        count += 1;
    }
    assert!(count >= 45, "only {count} bad inputs");
}

#[test]
fn nothing_panics_on_odd_input() {
    let odd = [
        "",
        " ",
        "\"",
        "\"\"",
        "“",
        "”",
        "„",
        "=",
        "==",
        "a=",
        "=b",
        "\"=\"",
        "<",
        ">",
        "<>",
        "<@>",
        "<@|>",
        "<mailto:|>",
        "<#|>",
        "<!subteam^|>",
        "<http://|",
        "#",
        "#-1",
        "#0",
        "-9223372036854775808",
        "9223372036854775808",
        "99999999999999999999999",
        "🙂",
        "\u{0}",
        "\u{202E}",
        "İ",
        "ß=ß",
        "\t\n",
        "..",
        "...",
        "2023-",
        "2023-01-01..",
        "..2023-01-01",
        "2023-01-01T",
        "2023-01-01T+",
        "2023-01-01T10:00+",
        "9999-12-31",
        "0000-01-01",
        "9999-12-31..9999-12-31",
        "last -1 days",
        "last 99999999999 days",
        "@",
        "a@",
        "@b",
        "\"a@b.com",
        "é@é.é",
        "set",
        "unset",
        "set =",
        "unset =",
    ];
    let mut inputs: Vec<String> = Vec::new();
    for name in specs().iter().map(|s| s.name).chain([
        "",
        "/virbela",
        "approvals approve",
        "approvals deny",
        "roles grant",
        "space create",
        "profile x",
        "profile x set",
        "invite a@b.co",
    ]) {
        for a in odd {
            for b in ["", " x", " last week", " \"", " =", " 2023-02-30"] {
                inputs.push(format!("{name} {a}{b}"));
            }
        }
    }
    inputs.push("x".repeat(100_000));
    inputs.push(format!("rooms {}", "a ".repeat(3_900)));
    inputs.push(format!("attendance {}", "last week ".repeat(700)));
    inputs.push(format!("users {}", "é".repeat(7_000)));
    inputs.push(format!("inivte{}", "e".repeat(5_000)));
    for tz in [
        Tz::UTC,
        chrono_tz::Europe::Paris,
        chrono_tz::Pacific::Kiritimati,
    ] {
        for now in [
            "2026-03-29T01:30:00Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:00:00Z",
        ] {
            let ctx = at(tz, now);
            for input in &inputs {
                let _ = parse(input, &ctx);
            }
            for words in [
                "today",
                "yesterday",
                "this week",
                "last week",
                "this month",
                "last month",
                "last 3650 days",
                "9999-12-31",
                "0000-01-01",
            ] {
                let _ = parse_range(words, &ctx);
            }
        }
    }
}

// ---------------------------------------------------------------- schedule

#[test]
fn schedule_commands_parse() {
    use crate::core::command::{ScheduleAdd, ScheduleCommand};
    assert_eq!(ok("schedule"), Command::Schedule(ScheduleCommand::List));
    assert_eq!(
        ok("schedule pause #3"),
        Command::Schedule(ScheduleCommand::Pause(3))
    );
    assert_eq!(
        ok("schedule preview 4"),
        Command::Schedule(ScheduleCommand::Preview(4))
    );
    let Command::Schedule(ScheduleCommand::Add(add)) = ok(
        "schedule add attendance \"Main Hall\" last 30 days every mondays 10:00 tz=Europe/Paris grace=2 skip-empty",
    ) else {
        panic!("not an add");
    };
    assert_eq!(
        *add,
        ScheduleAdd {
            kind: "attendance".to_string(),
            args: "\"Main Hall\"".to_string(),
            window: "last 30 days".to_string(),
            when: "mondays 10:00".to_string(),
            tz: Some(chrono_tz::Europe::Paris),
            channel: None,
            grace_hours: Some(2),
            skip_empty: true,
        }
    );
    let Command::Schedule(ScheduleCommand::Add(add)) =
        ok("schedule add waitlist yesterday room=SFS1 every 30 8 * * 1-5 channel=C0123")
    else {
        panic!("not an add");
    };
    assert_eq!(
        (
            add.args.as_str(),
            add.window.as_str(),
            add.when.as_str(),
            add.channel.as_deref()
        ),
        ("room=SFS1", "yesterday", "30 8 * * 1-5", Some("C0123"))
    );
    for text in [
        "schedule add",
        "schedule add users last week every daily 09:00",
        "schedule add attendance Theater last week",
        "schedule add attendance last week every daily 09:00",
        "schedule add attendance Theater every daily 09:00",
        "schedule add attendance Theater last week every fortnightly",
        "schedule add attendance Theater last week every daily 09:00 tz=Mars/Base",
        "schedule add waitlist Theater yesterday every daily 09:00",
        "schedule pause",
        "schedule pause x",
        "schedule frobnicate 3",
    ] {
        assert_eq!(bad(text).command, Some(CommandId::Schedule), "{text}");
    }
}
