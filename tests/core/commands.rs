//! Every command end to end, asserting on the reply and on the sandbox's call log.

use serde_json::json;
use virbela_bot::core::{Reply, Status};

use crate::campus::{Bench, all_text};
use crate::harness::{TestDb, on_both};

/// The value of the reply's field `label`.
fn field<'a>(reply: &'a Reply, label: &str) -> Option<&'a str> {
    reply
        .fields
        .iter()
        .find(|f| f.label == label)
        .map(|f| f.value.as_str())
}

/// `1,234` → 1234.
fn number(text: &str) -> usize {
    text.replace(',', "").parse().unwrap_or(usize::MAX)
}

/// The report's CSV (as text) and PNG attachments.
fn csv_and_png(reply: &Reply) -> (String, &[u8]) {
    assert_eq!(reply.attachments.len(), 2, "{}", all_text(reply));
    let csv = &reply.attachments[0];
    let png = &reply.attachments[1];
    assert_eq!(csv.media_type, "text/csv");
    assert!(csv.filename.ends_with(".csv"), "{}", csv.filename);
    assert_eq!(png.media_type, "image/png");
    assert!(png.filename.ends_with(".png"), "{}", png.filename);
    (
        String::from_utf8(csv.bytes.clone()).expect("CSV in UTF-8"),
        &png.bytes,
    )
}

/// A PNG's width and height, decoded.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let info = reader.info();
    (info.width, info.height)
}

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
    for label in [
        "Sessions",
        "Unique attendees",
        "Total minutes",
        "Average / median minutes",
        "Talk minutes",
        "Peak concurrent attendees",
        "Busiest day",
        "Busiest hour",
    ] {
        assert!(field(&theater, label).is_some(), "{label}:\n{text}");
    }
    assert_eq!(field(&theater, "Counting"), Some("whole sessions"));
    // The summary, the CSV of every session and the chart.
    let (csv, png) = csv_and_png(&theater);
    assert!(
        csv.starts_with("user_id,name,email,join,leave,minutes,talk_minutes,outside_range\r\n")
    );
    let rows = csv.lines().count() - 1;
    assert_eq!(
        field(&theater, "Sessions").map(|s| number(s.split(' ').next().unwrap_or(""))),
        Some(rows),
        "every session is in the CSV"
    );
    assert_eq!(png_size(png), (1200, 600));
    assert!(theater.table.as_ref().is_some_and(|t| t.rows.len() == 10));
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
    assert_eq!(volume.attachments.len(), 2, "{}", all_text(&volume));
    let waitlist = b.say("dave", "waitlist last 30 days").await;
    assert_eq!(waitlist.status, Status::Ok, "{}", all_text(&waitlist));
    for label in [
        "Calls",
        "Time in line",
        "Mean time being helped",
        "Shifts ended",
    ] {
        assert!(
            field(&waitlist, label).is_some(),
            "{label}:\n{}",
            all_text(&waitlist)
        );
    }
    let (csv, png) = csv_and_png(&waitlist);
    assert!(csv.starts_with("event,time,user_id,user,room,agent_id,agent,"));
    assert_eq!(png_size(png), (1200, 600));

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

/// The reports against hand-made records in the sandbox, with answers worked out by hand
/// (SQLite only: the store plays no part in a report).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_with_known_answers() {
    let b = Bench::new(TestDb::sqlite().await).await;
    let (ana, ana_mail) = b.member(&[]).await;
    let (bo, bo_mail) = b.member(&[&ana_mail]).await;
    let (carl, _) = b.member(&[&ana_mail, &bo_mail]).await;
    b.control(
        "rooms",
        json!({"rooms": [{"objectId": "ReportLab1", "name": "Report Lab", "SFSRoom": "ReportLab",
                          "visibleOn": ["GOTO"], "levelName": "lab", "instance": 0}]}),
    )
    .await;
    // Minutes as strings, as Virbela sends them; two sessions straddle the range's ends.
    b.control(
        "attendance",
        json!({"roomId": "ReportLab1", "sessions": [
            {"userId": ana, "joinTime": "2025-03-03T09:00:00Z", "leaveTime": "2025-03-03T10:00:00Z", "talkMinutes": "6.00"},
            {"userId": bo, "joinTime": "2025-03-03T09:30:00Z", "leaveTime": "2025-03-03T10:30:00Z", "talkMinutes": "12.00"},
            {"userId": "ghost42", "joinTime": "2025-03-03T09:45:00Z", "leaveTime": "2025-03-03T09:50:00Z"},
            {"userId": ana, "joinTime": "2025-03-04T23:30:00Z", "leaveTime": "2025-03-05T00:30:00Z", "talkMinutes": "3.00"},
            {"userId": bo, "joinTime": "2025-03-02T23:00:00Z", "leaveTime": "2025-03-03T01:00:00Z", "talkMinutes": 0},
        ]}),
    )
    .await;

    let whole = b
        .say("dave", "attendance \"Report Lab\" 2025-03-03..2025-03-04")
        .await;
    assert_eq!(whole.status, Status::Ok, "{}", all_text(&whole));
    let expected = [
        ("Sessions", "5 (2 extend beyond the range)"),
        ("Unique attendees", "3"),
        ("Total minutes", "305"),
        ("Average / median minutes", "61.0 / 60.0"),
        ("Talk minutes", "21 (6.9% of the time)"),
        ("Peak concurrent attendees", "3 at Mon Mar 3 09:45–09:50"),
        ("Busiest day", "Mon Mar 3, 2025: 3 attendees"),
        // 95 of the 215 attendee-minutes inside the range.
        ("Busiest hour", "09:00–10:00 (44.2% of attendee-minutes)"),
        ("Counting", "whole sessions"),
    ];
    for (label, value) in expected {
        assert_eq!(field(&whole, label), Some(value), "{label}");
    }
    let table = whole.table.as_ref().expect("top attendees");
    let emails: Vec<&str> = table.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(emails, vec![bo_mail.as_str(), ana_mail.as_str(), ""]);
    assert_eq!(table.rows[2][0], "unknown user ghost42");
    assert_eq!(table.rows[0][3], "180");
    let (csv, png) = csv_and_png(&whole);
    assert_eq!(csv.lines().count(), 1 + 5);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("ghost42,(unknown user),,2025-03-03T09:45:00+00:00")),
        "{csv}"
    );
    assert_eq!(png_size(png), (1200, 600));
    assert_eq!(
        whole.attachments[0].filename,
        "attendance-ReportLab1-2025-03-03-2025-03-04.csv"
    );

    let clipped = b
        .say(
            "dave",
            "attendance \"Report Lab\" 2025-03-03..2025-03-04 clip",
        )
        .await;
    assert_eq!(clipped.status, Status::Ok, "{}", all_text(&clipped));
    assert_eq!(field(&clipped, "Total minutes"), Some("215"));
    assert_eq!(
        field(&clipped, "Average / median minutes"),
        Some("43.0 / 60.0")
    );
    assert_eq!(field(&clipped, "Counting"), Some("clipped to the range"));
    assert!(
        clipped.text.contains("clipped to the range"),
        "{}",
        clipped.text
    );
    // The timeline is the range's either way.
    assert_eq!(
        field(&clipped, "Peak concurrent attendees"),
        Some("3 at Mon Mar 3 09:45–09:50")
    );
    let again = b
        .say(
            "dave",
            "attendance \"Report Lab\" 2025-03-03..2025-03-04 clip=no",
        )
        .await;
    assert_eq!(field(&again, "Total minutes"), Some("305"));
    let bad = b
        .say("dave", "attendance \"Report Lab\" last week clip=maybe")
        .await;
    assert_eq!(bad.status, Status::Usage, "{}", bad.text);
    assert!(bad.text.contains("clip="), "{}", bad.text);
    let volume = b
        .say("dave", "volume PR-2114767535--NewCampus last month clip")
        .await;
    assert_eq!(field(&volume, "Counting"), Some("clipped to the range"));
    let help = all_text(&b.say("dave", "help attendance").await);
    assert!(
        help.contains("attendance <room name|id> [range] [clip]") && help.contains("clip=yes"),
        "{help}"
    );

    // The waitlist of one SFS room.
    b.control(
        "waitlist",
        json!({
            "called": [
                {"userId": ana, "room": "KnownDesk", "time": "2025-03-03T09:00:00Z",
                 "supportUserId": carl, "secondsInLine": "60", "initialPlace": "1"},
                {"userId": bo, "room": "KnownDesk", "time": "2025-03-03T09:10:00Z",
                 "supportUserId": carl, "secondsInLine": "120", "initialPlace": "2"},
                {"userId": "ghost42", "room": "KnownDesk", "time": "2025-03-04T10:00:00Z",
                 "supportUserId": "agentY1", "secondsInLine": "300", "initialPlace": "1"},
            ],
            "helpDone": [
                {"userId": ana, "room": "KnownDesk", "time": "2025-03-03T09:05:00Z",
                 "supportUserId": carl, "secondsBeingHelped": "300"},
                {"userId": bo, "room": "KnownDesk", "time": "2025-03-03T09:30:00Z",
                 "supportUserId": carl, "secondsBeingHelped": "1200"},
                {"userId": "ghost42", "room": "KnownDesk", "time": "2025-03-04T10:20:00Z",
                 "supportUserId": "agentY1", "secondsBeingHelped": "900"},
            ],
            "supportEnd": [
                {"userId": carl, "room": "KnownDesk", "time": "2025-03-03T17:00:00Z",
                 "numUsersHelped": "2", "secondsHelpingUsers": "1500",
                 "secondsSupportingList": "3000"},
            ],
        }),
    )
    .await;
    let desk = b
        .say("dave", "waitlist 2025-03-03..2025-03-04 room=KnownDesk")
        .await;
    assert_eq!(desk.status, Status::Ok, "{}", all_text(&desk));
    let expected = [
        ("Calls", "3"),
        (
            "Time in line",
            "mean 2.7 min · median 2.0 min · p90 5.0 min",
        ),
        ("Mean time being helped", "13.3 min"),
        ("Tickets closed", "3"),
        ("Shifts ended", "1"),
    ];
    for (label, value) in expected {
        assert_eq!(field(&desk, label), Some(value), "{label}");
    }
    let agents = desk.table.as_ref().expect("agents");
    assert_eq!(agents.rows.len(), 2);
    assert_eq!(agents.rows[0][1..], ["2", "0.4", "0.8", "50.0%"]);
    assert_eq!(agents.rows[1][0], "unknown user agentY1 *");
    assert_eq!(agents.rows[1][1], "1");
    assert_eq!(agents.rows[1][4], "—");
    let (csv, png) = csv_and_png(&desk);
    assert_eq!(csv.lines().count(), 1 + 7);
    assert_eq!(png_size(png), (1200, 600));
}
