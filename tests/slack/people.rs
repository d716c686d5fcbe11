//! People: roles bound to Slack user groups (`usergroups.users.list`, refreshed in the
//! background) and dates read in the caller's Slack time zone (`users.info`).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;
use virbela_bot::sandbox::SandboxControl;

use crate::fake_slack::path_of;
use crate::world::{ALICE, BOB, CAROL, DAVE, World, message_text};

/// Slack users with no binding of their own.
const ERIN: &str = "UERIN";
const FRANK: &str = "UFRANK";

const OPS: &str = "S0OPS";

/// The text of the ack `user` gets for `/virbela {text}`.
async fn ack_text(w: &World, user: &str, text: &str) -> String {
    let (ack, _) = w.command(user, text).await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    message_text(&ack.json())
}

fn refused(ack: &str) -> bool {
    ack.contains("You need the operator role")
}

/// Sends `/virbela {text}` as `user` until the ack satisfies `done` (10 s at most): the
/// first request after a change may still see the old lists while it nudges the refresh.
async fn eventually(w: &World, user: &str, text: &str, done: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        last = ack_text(w, user, text).await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("`{text}` by {user} never got the expected ack; the last one: {last}");
}

/// Looks `users` up once (their time zone is then cached), so later `users.info` calls
/// do not overlap the group fetches a test watches.
async fn seen(w: &World, users: &[&str]) {
    for user in users {
        ack_text(w, user, "help").await;
    }
}

/// Alice binds `role` to the Slack user group `group`, typed as Slack's mention markup.
async fn bind(w: &World, group: &str, role: &str) {
    let (ack, url) = w
        .command(
            ALICE,
            &format!("roles grant <!subteam^{group}|@ops> {role}"),
        )
        .await;
    assert_eq!(ack.status, 200, "{}", ack.body);
    let posts = w.slack.wait_for(&path_of(&url), 1).await;
    let text = message_text(&posts[0].body);
    assert!(
        text.contains(&format!("Granted {role} to slack-group:{group}")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_of_a_group_bound_to_operator_may_request_and_a_non_member_may_not() {
    let w = World::new().await;
    w.slack.set_group(OPS, &[ERIN]);
    seen(&w, &[ALICE, ERIN, FRANK]).await;
    assert!(
        w.slack.calls_to("/api/usergroups.users.list").is_empty(),
        "no group holds a role yet: Slack is not asked"
    );
    let before = ack_text(&w, ERIN, "invite erin.new@example.com").await;
    assert!(refused(&before), "no binding, no group yet: {before}");

    bind(&w, OPS, "operator").await;
    // The bound groups are re-read every 5 s; the first request after that nudges it.
    w.advance_clock(6);
    let granted = eventually(&w, ERIN, "invite erin.new@example.com", |t| !refused(t)).await;
    assert!(granted.contains("Working on it"), "{granted}");
    let fetched = w.slack.calls_to("/api/usergroups.users.list");
    assert!(
        fetched.iter().all(|c| c.body["usergroup"] == OPS) && !fetched.is_empty(),
        "{fetched:?}"
    );
    assert_eq!(
        fetched[0].authorization.as_deref(),
        Some("Bearer xoxb-test-token")
    );

    let other = ack_text(&w, FRANK, "invite frank.new@example.com").await;
    assert!(refused(&other), "not a member: {other}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_a_member_from_the_group_takes_effect_at_the_next_refresh() {
    let w = World::new().await;
    w.slack.set_group(OPS, &[ERIN, FRANK]);
    seen(&w, &[ALICE, ERIN, FRANK]).await;
    bind(&w, OPS, "operator").await;
    w.advance_clock(6);
    eventually(&w, ERIN, "invite erin.1@example.com", |t| !refused(t)).await;

    w.slack.set_group(OPS, &[FRANK]);
    let cached = ack_text(&w, ERIN, "invite erin.2@example.com").await;
    assert!(
        !refused(&cached),
        "the list is kept until its refresh (every minute): {cached}"
    );
    let fetches = w.slack.calls_to("/api/usergroups.users.list").len();

    w.advance_clock(61);
    let removed = eventually(&w, ERIN, "invite erin.3@example.com", refused).await;
    assert!(removed.contains("operator"), "{removed}");
    assert!(w.slack.calls_to("/api/usergroups.users.list").len() > fetches);
    let still = ack_text(&w, FRANK, "invite frank.1@example.com").await;
    assert!(!refused(&still), "Frank is still a member: {still}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_slack_does_not_know_grants_nothing() {
    let w = World::new().await;
    seen(&w, &[ALICE, ERIN]).await;
    // The fake answers `no_such_subteam` for groups it was not given.
    bind(&w, "S0GONE", "operator").await;
    w.advance_clock(6);
    ack_text(&w, ERIN, "help").await;
    w.slack.wait_for("/api/usergroups.users.list", 1).await;
    let ack = ack_text(&w, ERIN, "invite erin.new@example.com").await;
    assert!(refused(&ack), "{ack}");
}

/// Yesterday's date in `tz`.
fn yesterday_in(tz: Tz) -> NaiveDate {
    Utc::now()
        .with_timezone(&tz)
        .date_naive()
        .pred_opt()
        .expect("a date")
}

/// The `start` and `stop` of the attendance calls the sandbox received.
async fn attendance_bounds(w: &World) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let calls = SandboxControl::new(w.sandbox.base_url())
        .calls()
        .await
        .expect("sandbox log");
    calls
        .iter()
        .filter_map(|c| c["query"].as_str())
        .filter_map(|query| {
            let fields: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect();
            let at = |k: &str| {
                fields
                    .get(k)
                    .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
                    .map(|t| t.with_timezone(&Utc))
            };
            Some((at("start")?, at("stop")?))
        })
        .collect()
}

/// Asks for yesterday's attendance as `user` and checks the day and zone of the answer:
/// the ack names the range, and the Virbela query covers that day in `tz`.
async fn yesterday_is_read_in(w: &World, user: &str, tz: Tz) {
    w.clear_sandbox_log().await;
    let before = yesterday_in(tz);
    let (ack, url) = w.command(user, "attendance Theater yesterday").await;
    let after = yesterday_in(tz);
    assert_eq!(ack.status, 200, "{}", ack.body);
    let text = message_text(&ack.json());
    assert!(text.contains(tz.name()), "{text}");
    let day = [before, after]
        .into_iter()
        .find(|d| text.contains(&d.to_string()))
        .unwrap_or_else(|| panic!("yesterday in {tz} ({before}) is not in the ack: {text}"));

    w.slack.wait_for(&path_of(&url), 1).await;
    let bounds = attendance_bounds(w).await;
    let (start, stop) = *bounds.first().expect("an attendance call");
    let midnight = tz
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("one midnight");
    assert_eq!(start, midnight.with_timezone(&Utc), "{bounds:?}");
    assert_eq!(stop.with_timezone(&tz).date_naive(), day, "{bounds:?}");
    assert!(stop - start > chrono::TimeDelta::hours(22), "{bounds:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_typed_by_a_user_are_read_in_their_slack_time_zone() {
    let w = World::new().await;
    w.slack.set_time_zone(DAVE, "Pacific/Auckland");
    yesterday_is_read_in(&w, DAVE, chrono_tz::Pacific::Auckland).await;

    let lookups: Vec<Value> = w
        .slack
        .calls_to("/api/users.info")
        .into_iter()
        .map(|c| c.body)
        .collect();
    assert_eq!(lookups.len(), 1, "{lookups:?}");
    assert_eq!(lookups[0]["user"], DAVE);
    // Kept: no second call for the next command.
    ack_text(&w, DAVE, "help").await;
    assert_eq!(w.slack.calls_to("/api/users.info").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_a_slack_time_zone_gets_the_default_one() {
    let w = World::new().await;
    w.slack.set_time_zone(DAVE, "Pacific/Auckland");
    w.slack.set_time_zone(BOB, "Not/A_Zone");
    // Carol has no `tz` in Slack; the world's DEFAULT_TIMEZONE is UTC.
    yesterday_is_read_in(&w, CAROL, chrono_tz::UTC).await;
    // A zone this build does not know means the default too.
    yesterday_is_read_in(&w, BOB, chrono_tz::UTC).await;
    let lookups = w.slack.calls_to("/api/users.info");
    assert_eq!(lookups.len(), 2, "{lookups:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_bot_token_nobody_is_looked_up() {
    let w = World::without_bot_token().await;
    w.slack.set_time_zone(DAVE, "Pacific/Auckland");
    w.slack.set_group(OPS, &[ERIN]);
    yesterday_is_read_in(&w, DAVE, chrono_tz::UTC).await;
    let ack = ack_text(&w, ERIN, "invite erin.new@example.com").await;
    assert!(refused(&ack), "{ack}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        w.slack.calls().iter().all(|c| !c.path.starts_with("/api/")),
        "{:?}",
        w.slack.calls()
    );
}
