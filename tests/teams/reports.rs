//! Reports in Teams: an attendance report answered with its chart and CSV at signed links
//! the bot serves itself, and a scheduled report created in a channel posted there
//! proactively by the runner.

use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;
use virbela_bot::approvals::Clock;
use virbela_bot::schedule::{ReportSinks, Runner, RunnerSettings};
use virbela_bot::teams::reports::TeamsReportSink;

use crate::inbound::{thread_replies, wait_for};
use crate::world::{ALICE, World, text_of};

/// Every `url` in a card (images and `Action.OpenUrl` buttons).
fn urls(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("url", Value::String(s)) => out.push(s.clone()),
                    _ => urls(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| urls(v, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attendance_report_links_its_chart_and_csv() {
    let w = World::new().await;
    w.post(&w.message(ALICE, "attendance theater last week", "m-report"))
        .await;
    // A report is for the channel: it is answered in the thread.
    let cards = thread_replies(&w, "m-report", 1).await;
    let card = &cards[0];
    assert!(text_of(card).contains("Theater"), "{card}");
    let mut found = Vec::new();
    urls(card, &mut found);
    let csv = found.iter().find(|u| u.contains("/files/")).cloned();
    let csv = csv.unwrap_or_else(|| panic!("a file link in {card}"));
    assert!(csv.starts_with(&w.app), "links point at PUBLIC_URL: {csv}");
    let mut kinds = Vec::new();
    for url in found.iter().filter(|u| u.contains("/files/")) {
        let response = w.get(url).await;
        assert_eq!(response.status().as_u16(), 200, "{url}");
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.unwrap();
        assert!(!bytes.is_empty());
        kinds.push(kind);
    }
    assert!(kinds.iter().any(|k| k.starts_with("text/csv")), "{kinds:?}");
    assert!(
        kinds.iter().any(|k| k.starts_with("image/png")),
        "{kinds:?}"
    );
    // A tampered signature is refused.
    let tampered = format!("{}0", &csv[..csv.len() - 1]);
    let tampered = if tampered == csv {
        format!("{}1", &csv[..csv.len() - 1])
    } else {
        tampered
    };
    assert_eq!(w.get(&tampered).await.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_made_in_a_channel_posts_there() {
    let w = World::new().await;
    w.post(&w.message(
        ALICE,
        "schedule add attendance theater last 7 days every daily 09:00",
        "m-schedule",
    ))
    .await;
    let added = thread_replies(&w, "m-schedule", 1).await;
    assert!(
        !text_of(&added[0]).to_lowercase().contains("error"),
        "{}",
        text_of(&added[0])
    );
    let schedules = virbela_bot::schedule::list(&w.db).await.expect("list");
    assert_eq!(schedules.len(), 1);
    let id = schedules[0].0.id;
    assert_eq!(schedules[0].0.platform, "teams");
    assert_eq!(schedules[0].0.channel, "19:ops@thread.tacv2");
    w.post(&w.message(ALICE, &format!("schedule run {id}"), "m-run"))
        .await;
    thread_replies(&w, "m-run", 1).await;

    let sinks = ReportSinks::default();
    sinks.register("teams", Arc::new(TeamsReportSink::new(w.state.clone())));
    let later = Utc::now() + chrono::Duration::seconds(2);
    let runner = Runner::new(
        w.bot.clone(),
        w.db.clone(),
        sinks,
        Clock::from_fn(move || later),
        "teams-test".to_owned(),
        RunnerSettings::default(),
    );
    runner.tick().await.expect("tick");
    let posts = wait_for(&w, 1, |m, p| m == "POST" && p == "/v3/conversations").await;
    let post = posts
        .iter()
        .find(|p| p["channelData"]["channel"]["id"] == "19:ops@thread.tacv2")
        .unwrap_or_else(|| panic!("a new thread in the ops channel: {posts:#?}"));
    assert!(text_of(post).contains("Theater"), "{}", text_of(post));
}
