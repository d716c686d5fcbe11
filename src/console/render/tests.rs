use super::*;
use crate::core::{ButtonStyle, Status};

fn action(label: &str, command: &str) -> ReplyAction {
    ReplyAction {
        id: format!("approval.{}", label.to_lowercase()),
        label: label.to_string(),
        value: "12".to_string(),
        command: command.to_string(),
        style: ButtonStyle::Primary,
    }
}

#[test]
fn plain_text_only() {
    assert_eq!(render_text(&Reply::ok("Done.\n")), "Done.");
    assert_eq!(render_text(&Reply::default()), "");
}

#[test]
fn title_is_underlined_to_its_width() {
    let text = render_text(&Reply::ok("body").titled("Rooms (3)"));
    assert_eq!(text, "Rooms (3)\n=========\n\nbody");
}

#[test]
fn fields_are_aligned_and_multiline_values_indented() {
    let reply = Reply::ok("")
        .field("Email", "a@example.com")
        .field("Display name", "KBlevins")
        .field("Note", "first\nsecond");
    assert_eq!(
        render_text(&reply),
        "Email:        a@example.com\n\
         Display name: KBlevins\n\
         Note:         first\n\
         \x20             second"
    );
}

#[test]
fn table_columns_are_aligned_and_numbers_right_aligned() {
    let table = Table::new(["Room", "Sessions", "Id"])
        .row(["Theater", "7", "r1"])
        .row(["Auditorium", "1,234", "room-22"]);
    let text = render_text(&Reply::ok("").table(table));
    assert_eq!(
        text,
        "Room        Sessions  Id\n\
         ----------  --------  -------\n\
         Theater            7  r1\n\
         Auditorium     1,234  room-22"
    );
}

#[test]
fn widths_count_characters_not_bytes() {
    let table = Table::new(["Name", "X"]).row(["Zoë", "a"]).row(["Bo", "b"]);
    let text = render_text(&Reply::ok("").table(table));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[2], "Zoë   a");
    assert_eq!(lines[3], "Bo    b");
}

#[test]
fn wide_cells_are_capped_with_an_ellipsis() {
    let long = "x".repeat(100);
    let table = Table::new(["Reason"]).row([long.as_str()]);
    let text = render_text(&Reply::ok("").table(table));
    let row = text.lines().nth(2).unwrap_or_default();
    assert_eq!(row.chars().count(), MAX_CELL_CHARS);
    assert!(row.ends_with('…'));
    assert_eq!(text.lines().nth(1).map(str::len), Some(MAX_CELL_CHARS));
}

#[test]
fn cells_are_one_line() {
    let table = Table::new(["A", "B"]).row(["two\nlines", "tab\there"]);
    let text = render_text(&Reply::ok("").table(table));
    assert_eq!(text.lines().count(), 3);
    assert!(text.contains("two lines  tab here"));
}

#[test]
fn an_empty_table_says_so() {
    let text = render_text(&Reply::ok("").table(Table::new(["Id", "State"])));
    assert_eq!(text, "Id  State\n--  -----\n(no rows)");
}

#[test]
fn ragged_rows_do_not_panic() {
    let table = Table {
        columns: vec!["A".into()],
        rows: vec![vec!["1".into(), "extra".into()], vec![]],
    };
    let text = render_text(&Reply::ok("").table(table));
    assert!(text.contains("extra"));
}

#[test]
fn actions_are_the_commands_they_stand_for() {
    let reply = Reply::pending("Pending approval #12, needs 1 approval.")
        .action(action("Approve", "approvals approve 12"))
        .action(action("Deny", "approvals deny 12"));
    assert_eq!(reply.status, Status::Pending);
    assert_eq!(
        render_text(&reply),
        "Pending approval #12, needs 1 approval.\n\n\
         [Approve] approvals approve 12\n\
         [Deny]    approvals deny 12"
    );
}

#[test]
fn an_action_without_a_command_shows_its_id_and_value() {
    let text = render_text(&Reply::ok("").action(action("Open", "")));
    assert_eq!(text, "[Open] (approval.open 12)");
}

#[test]
fn attachments_are_listed_by_name_and_size() {
    let reply = Reply::ok("Attendance").attach(Attachment {
        filename: "attendance.csv".into(),
        media_type: "text/csv".into(),
        bytes: vec![b'x'; 2048],
    });
    assert_eq!(
        render_text(&reply),
        "Attendance\n\nAttachments:\n  attendance.csv (text/csv, 2.0 KB)"
    );
}

#[test]
fn sections_come_in_order_without_ansi() {
    let reply = Reply::ok("text")
        .titled("Title")
        .field("K", "v")
        .table(Table::new(["C"]).row(["1"]))
        .action(action("Go", "go"));
    let text = render_text(&reply);
    let order: Vec<usize> = ["Title", "text", "K: v", "C\n-", "[Go] go"]
        .iter()
        .filter_map(|s| text.find(s))
        .collect();
    assert_eq!(order.len(), 5, "{text}");
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains('\u{1b}'));
}
