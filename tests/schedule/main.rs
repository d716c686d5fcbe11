//! The scheduled-report runner end to end: a controllable clock, a recording
//! `ReportSink`, the command core against the sandbox, and the store on Postgres and on
//! SQLite. Nothing sleeps: time moves when the test says so.

#[allow(dead_code)]
#[path = "../store/harness.rs"]
mod harness;

#[allow(dead_code)]
#[path = "../slack/fake_slack.rs"]
mod fake_slack;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::future::BoxFuture;
use serde_json::json;
use virbela_bot::access::Role;
use virbela_bot::approvals::{ApprovalSettings, Clock};
use virbela_bot::core::{Bot, BotParts, Caller, Reply, Status};
use virbela_bot::policy::Policy;
use virbela_bot::sandbox::{self, RunningSandbox, SandboxControl, SandboxOptions};
use virbela_bot::schedule::{
    self, Cadence, DeliveryError, Destination, ReportKind, ReportSink, ReportSinks, Runner,
    RunnerSettings, ScheduleSpec,
};
use virbela_bot::store::Db;
use virbela_bot::store::schedules::{self as table, FAILED, PENDING, SKIPPED, SUCCEEDED};
use virbela_bot::virbela::{ClientOptions, VirbelaClient};

use harness::{TestDb, access, grant, on_both};

const CREATOR: &str = "console:alice";

/// Every post the runner made.
#[derive(Debug, Default)]
struct RecordingSink {
    posts: Mutex<Vec<(Destination, Reply)>>,
}

impl ReportSink for RecordingSink {
    fn deliver<'a>(
        &'a self,
        destination: &'a Destination,
        reply: &'a Reply,
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            self.posts
                .lock()
                .expect("posts")
                .push((destination.clone(), reply.clone()));
            Ok(())
        })
    }
}

impl RecordingSink {
    fn posts(&self) -> Vec<(Destination, Reply)> {
        self.posts.lock().expect("posts").clone()
    }
}

/// The time the test moves by hand.
#[derive(Clone)]
struct TestTime(Arc<Mutex<DateTime<Utc>>>);

impl TestTime {
    fn at(t: DateTime<Utc>) -> TestTime {
        TestTime(Arc::new(Mutex::new(t)))
    }
    fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().expect("time") = t;
    }
    fn advance(&self, by: Duration) {
        *self.0.lock().expect("time") += by;
    }
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("time")
    }
    fn clock(&self) -> Clock {
        let shared = self.0.clone();
        Clock::from_fn(move || *shared.lock().expect("time"))
    }
}

struct World {
    store: TestDb,
    bot: Bot,
    client: VirbelaClient,
    sink: Arc<RecordingSink>,
    sinks: ReportSinks,
    time: TestTime,
    control: SandboxControl,
    _sandbox: RunningSandbox,
}

/// Sunday 2026-11-22 07:00 UTC: two hours before the `daily 09:00` (UTC) runs.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 7, 0, 0)
        .single()
        .expect("time")
}

impl World {
    async fn new(store: TestDb) -> World {
        World::with(store, SandboxOptions::default()).await
    }

    async fn with(store: TestDb, options: SandboxOptions) -> World {
        let sandbox = sandbox::spawn(options.clone(), "127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("sandbox");
        let client = VirbelaClient::new(
            options.campus(&sandbox.base_url()).expect("campus"),
            ClientOptions {
                retry_attempts: 1,
                ..ClientOptions::default()
            },
        )
        .expect("client");
        grant(&store.db, Role::Admin, &[CREATOR]).await;
        let bot = Bot::new(BotParts {
            virbela: client.clone(),
            db: store.db.clone(),
            access: access(),
            policy: Policy::default(),
            approval_settings: ApprovalSettings::default(),
            default_timezone: chrono_tz::UTC,
        });
        let sink = Arc::new(RecordingSink::default());
        let sinks = ReportSinks::default();
        sinks.register("console", sink.clone());
        let control = SandboxControl::new(sandbox.base_url());
        World {
            store,
            bot,
            client,
            sink,
            sinks,
            time: TestTime::at(t0()),
            control,
            _sandbox: sandbox,
        }
    }

    fn runner(&self, db: Db, id: &str) -> Runner {
        self.runner_with(self.bot.clone(), db, id)
    }

    /// A bot with an empty role cache (as another process would have).
    fn fresh_bot(&self) -> Bot {
        Bot::new(BotParts {
            virbela: self.client.clone(),
            db: self.store.db.clone(),
            access: access(),
            policy: Policy::default(),
            approval_settings: ApprovalSettings::default(),
            default_timezone: chrono_tz::UTC,
        })
    }

    fn runner_with(&self, bot: Bot, db: Db, id: &str) -> Runner {
        Runner::new(
            bot,
            db,
            self.sinks.clone(),
            self.time.clock(),
            id,
            RunnerSettings::default(),
        )
    }

    async fn add(&self, channel: &str, skip_empty: bool) -> i64 {
        let spec = ScheduleSpec {
            kind: ReportKind::Waitlist,
            args: String::new(),
            window: "yesterday".to_string(),
            cadence: Cadence::parse("daily 09:00").expect("cadence"),
            tz: chrono_tz::UTC,
            destination: Destination {
                platform: "console".to_string(),
                channel: channel.to_string(),
            },
            skip_empty,
            grace: schedule::DEFAULT_GRACE,
        };
        schedule::create(&self.store.db, &spec, CREATOR, self.time.now(), None)
            .await
            .expect("create")
            .id
    }

    async fn count(&self, status: &str) -> i64 {
        let mut tx = self.store.db.begin_read().await.expect("tx");
        let n = table::count_by_status(&mut tx, status)
            .await
            .expect("count");
        tx.commit().await.expect("commit");
        n
    }

    async fn runs(&self, id: i64) -> Vec<table::ScheduleRun> {
        let mut tx = self.store.db.begin_read().await.expect("tx");
        let runs = table::recent_runs(&mut tx, id, 100).await.expect("runs");
        tx.commit().await.expect("commit");
        runs
    }
}

fn empty_campus() -> SandboxOptions {
    SandboxOptions {
        seed: None,
        ..SandboxOptions::default()
    }
}

fn text_of(reply: &Reply) -> String {
    format!(
        "{}\n{}",
        reply.title.clone().unwrap_or_default(),
        reply.text
    )
}

on_both!(
    skip_empty_posts_nothing_for_an_empty_report,
    commands_add_list_preview_run_and_refuse_non_admins,
    a_creator_who_lost_the_role_gets_a_failure_not_a_report,
    console_sink_writes_the_summary_and_files,
    hundred_due_at_once_three_runners_post_each_once,
    missed_run_posted_once_within_grace_and_skipped_beyond_it,
    failing_virbela_is_told_retried_and_pauses_after_three
);

async fn hundred_due_at_once_three_runners_post_each_once(t: TestDb) {
    // An empty campus: the reports are cheap, the claims are what is tested.
    let w = World::with(t, empty_campus()).await;
    for i in 0..100 {
        w.add(&format!("c{i}"), false).await;
    }
    w.time.set(t0() + Duration::hours(2)); // 09:00: all 100 due
    let mut tasks = Vec::new();
    for r in 0..3 {
        let runner = w.runner(w.store.reopen().await, &format!("runner-{r}"));
        tasks.push(tokio::spawn(async move {
            let mut claimed = 0;
            for _ in 0..4 {
                claimed += runner.tick().await.expect("tick").claimed;
            }
            claimed
        }));
    }
    let mut claimed = 0;
    for task in tasks {
        claimed += task.await.expect("runner task");
    }
    assert_eq!(claimed, 100);
    let posts = w.sink.posts();
    assert_eq!(posts.len(), 100, "exactly one post per due run");
    let mut channels: Vec<String> = posts.iter().map(|(d, _)| d.channel.clone()).collect();
    channels.sort();
    channels.dedup();
    assert_eq!(channels.len(), 100);
    assert!(posts.iter().all(|(_, r)| r.status == Status::Ok));
    assert_eq!(w.count(SUCCEEDED).await, 100);
    // Nothing more until tomorrow.
    let runner = w.runner(w.store.db.clone(), "runner-late");
    assert_eq!(runner.tick().await.expect("tick").claimed, 0);
    assert_eq!(w.sink.posts().len(), 100);
}

async fn missed_run_posted_once_within_grace_and_skipped_beyond_it(t: TestDb) {
    let w = World::new(t).await;
    let id = w.add("reports", false).await;
    // The bot was down at 09:00 and starts at 11:00: within the 6 h grace.
    w.time.set(t0() + Duration::hours(4));
    let restarted = w.runner(w.store.reopen().await, "after-restart");
    assert_eq!(restarted.tick().await.expect("tick").posted, 1);
    assert_eq!(restarted.tick().await.expect("tick").claimed, 0);
    let other = w.runner(w.store.db.clone(), "other-replica");
    assert_eq!(other.tick().await.expect("tick").claimed, 0);
    assert_eq!(w.sink.posts().len(), 1);
    assert!(text_of(&w.sink.posts()[0].1).contains("Scheduled report #"));

    // Down again over the next 09:00, back at 16:30: 7.5 h late, beyond the grace.
    w.time
        .set(t0() + Duration::days(1) + Duration::hours(9) + Duration::minutes(30));
    let report = w
        .runner(w.store.reopen().await, "second-restart")
        .tick()
        .await
        .expect("tick");
    assert_eq!((report.claimed, report.skipped), (0, 1));
    assert_eq!(
        w.sink.posts().len(),
        1,
        "a run beyond the grace is not posted"
    );
    let runs = w.runs(id).await;
    assert_eq!(runs[0].status, SKIPPED);
    assert!(runs[0].error.as_deref().unwrap_or("").contains("grace"));

    // The next run posts and mentions the skipped one, once.
    w.time.set(t0() + Duration::days(2) + Duration::hours(2));
    let runner = w.runner(w.store.db.clone(), "steady");
    assert_eq!(runner.tick().await.expect("tick").posted, 1);
    let posts = w.sink.posts();
    let text = text_of(&posts[1].1);
    assert!(text.contains("Missed while the bot was down"), "{text}");
    assert!(text.contains("2026-11-23 09:00"), "{text}");
    w.time.advance(Duration::days(1));
    assert_eq!(runner.tick().await.expect("tick").posted, 1);
    let posts = w.sink.posts();
    assert!(!text_of(&posts[2].1).contains("Missed"));
    assert_eq!(w.count(SUCCEEDED).await, 3);
}

async fn failing_virbela_is_told_retried_and_pauses_after_three(t: TestDb) {
    let w = World::new(t).await;
    let id = w.add("reports", false).await;
    w.control
        .post("faults", &json!({ "status": 503 }))
        .await
        .expect("fault");
    w.time.set(t0() + Duration::hours(2));
    let runner = w.runner(w.store.db.clone(), "runner");

    // Attempt 1 fails: told, retried in 1 minute.
    let first = runner.tick().await.expect("tick");
    assert_eq!(first.failed, 1);
    let posts = w.sink.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1.status, Status::Failed);
    let text = text_of(&posts[0].1);
    assert!(
        text.contains("failed") && text.contains("Retrying at 2026-11-22 09:01"),
        "{text}"
    );
    assert_eq!(w.runs(id).await[0].status, PENDING);
    // Not before its time.
    assert_eq!(runner.tick().await.expect("tick").claimed, 0);

    // Attempt 2 after 1 minute, attempt 3 after 5 more: then paused.
    w.time.advance(Duration::minutes(1));
    assert_eq!(runner.tick().await.expect("tick").failed, 1);
    assert!(text_of(&w.sink.posts()[1].1).contains("Retrying at 2026-11-22 09:06"));
    w.time.advance(Duration::minutes(5));
    let third = runner.tick().await.expect("tick");
    assert_eq!((third.failed, third.paused), (1, 1));
    let posts = w.sink.posts();
    assert_eq!(posts.len(), 3);
    assert!(
        text_of(&posts[2].1).contains("now paused"),
        "{}",
        text_of(&posts[2].1)
    );
    let s = schedule::get(&w.store.db, id).await.expect("schedule");
    assert!(s.paused);
    assert_eq!(s.consecutive_failures, 3);
    let runs = w.runs(id).await;
    assert_eq!(
        (runs.len(), runs[0].status.as_str(), runs[0].attempt),
        (1, FAILED, 3)
    );

    // Paused: nothing runs the next day, even with Virbela back.
    w.control.delete("faults").await.expect("clear faults");
    w.time.advance(Duration::days(1));
    assert_eq!(runner.tick().await.expect("tick").claimed, 0);
    // Resumed: the next due time posts normally.
    schedule::resume(&w.store.db, id, CREATOR, w.time.now(), None)
        .await
        .expect("resume");
    w.time.advance(Duration::days(1));
    assert_eq!(runner.tick().await.expect("tick").posted, 1);
    assert_eq!(
        schedule::get(&w.store.db, id)
            .await
            .expect("get")
            .consecutive_failures,
        0
    );
    let actions: Vec<String> = virbela_bot::audit::recent(&w.store.db, 50)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == "schedule.auto_pause"));
}

fn caller(who: &str, channel: &str) -> Caller {
    let mut caller = Caller::new(who.parse().expect("principal"));
    caller.channel = Some(channel.to_string());
    caller
}

async fn commands_add_list_preview_run_and_refuse_non_admins(t: TestDb) {
    let w = World::new(t).await;
    grant(&w.store.db, Role::Operator, &["console:carol"]).await;
    let alice = caller(CREATOR, "reports");
    let added = w
        .bot
        .handle(
            &alice,
            "schedule add waitlist last week every mondays 10:00 tz=America/New_York",
        )
        .await;
    assert_eq!(added.status, Status::Ok, "{}", added.text);
    let all = format!(
        "{}\n{:?}",
        added.text,
        added
            .fields
            .iter()
            .map(|f| f.value.clone())
            .collect::<Vec<_>>()
    );
    assert!(
        all.contains("every Monday at 10:00 (America/New_York)"),
        "{all}"
    );
    let next = &added.fields[0].value;
    assert_eq!(next.matches("10:00 E").count(), 3, "{next}");

    let refused = w
        .bot
        .handle(&caller("console:carol", "reports"), "schedule list")
        .await;
    assert_eq!(refused.status, Status::Refused);
    let refused = w
        .bot
        .handle(
            &caller("console:carol", "reports"),
            "schedule add waitlist yesterday every daily 09:00",
        )
        .await;
    assert_eq!(refused.status, Status::Refused);

    let listed = w.bot.handle(&alice, "schedule list").await;
    let table = listed.table.expect("a table");
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0][2], "active");

    let id: i64 = schedule::list(&w.store.db).await.expect("list")[0].0.id;
    let preview = w
        .bot
        .handle(&alice, &format!("schedule preview {id}"))
        .await;
    assert_eq!(preview.status, Status::Ok, "{}", preview.text);
    assert_eq!(preview.visibility, virbela_bot::core::Visibility::Caller);
    assert!(preview.text.contains("Preview of schedule"));
    assert!(w.sink.posts().is_empty(), "a preview posts nothing");

    let run = w.bot.handle(&alice, &format!("schedule run {id}")).await;
    assert_eq!(run.status, Status::Ok, "{}", run.text);
    // Commands read the real time; the runner's clock catches up with it.
    w.time.set(Utc::now() + Duration::seconds(1));
    let runner = w.runner(w.store.db.clone(), "runner");
    runner.tick().await.expect("tick");
    let posts = w.sink.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].0.channel, "reports");
    assert!(text_of(&posts[0].1).contains("(run now)"));

    let paused = w.bot.handle(&alice, &format!("schedule pause {id}")).await;
    assert_eq!(paused.status, Status::Ok);
    let again = w.bot.handle(&alice, &format!("schedule pause {id}")).await;
    assert_eq!(again.status, Status::Refused);
    let listed = w.bot.handle(&alice, "schedule list").await;
    let row = &listed.table.expect("table").rows[0];
    assert!(row[2].starts_with("paused"), "{row:?}");
    assert!(row[4].contains("succeeded"), "{row:?}");
    let removed = w.bot.handle(&alice, &format!("schedule remove {id}")).await;
    assert_eq!(removed.status, Status::Ok);
    assert!(schedule::list(&w.store.db).await.expect("list").is_empty());
}

async fn a_creator_who_lost_the_role_gets_a_failure_not_a_report(t: TestDb) {
    let w = World::new(t).await;
    let id = w.add("reports", false).await;
    access()
        .revoke(
            &w.store.db,
            &harness::p(harness::ROOT),
            &CREATOR.parse().expect("subject"),
            Role::Admin,
        )
        .await
        .expect("revoke");
    w.time.set(t0() + Duration::hours(2));
    let runner = w.runner_with(w.fresh_bot(), w.store.db.clone(), "runner");
    assert_eq!(runner.tick().await.expect("tick").failed, 1);
    let posts = w.sink.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1.status, Status::Failed);
    assert!(
        text_of(&posts[0].1).contains("role"),
        "{}",
        text_of(&posts[0].1)
    );
    assert_eq!(w.runs(id).await[0].status, PENDING);
}

async fn console_sink_writes_the_summary_and_files(t: TestDb) {
    let w = World::new(t).await;
    let dir = tempfile::tempdir().expect("dir");
    w.sinks.register(
        "console",
        Arc::new(virbela_bot::console::reports::ConsoleReportSink::new(
            dir.path(),
        )),
    );
    w.add("weekly", false).await;
    w.time.set(t0() + Duration::hours(2));
    assert_eq!(
        w.runner(w.store.db.clone(), "runner")
            .tick()
            .await
            .expect("tick")
            .posted,
        1
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("weekly"))
        .expect("channel folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let summary = names
        .iter()
        .find(|n| n.ends_with("-report.txt"))
        .expect("a summary");
    let text = std::fs::read_to_string(dir.path().join("weekly").join(summary)).expect("read");
    assert!(text.contains("Scheduled report #"), "{text}");
}

/// The Slack sink: the summary with `chat.postMessage`, then the files in its thread.
#[tokio::test]
async fn slack_sink_posts_the_summary_then_the_files_in_its_thread() {
    use virbela_bot::core::Attachment;
    use virbela_bot::slack::reports::SlackReportSink;
    let slack = fake_slack::FakeSlack::start().await;
    let api: url::Url = slack.api_url().parse().expect("url");
    let token = secrecy::SecretString::from("xoxb-test".to_string());
    let sink = SlackReportSink::new(&api, &token).expect("sink");
    let reply = Reply::ok("Scheduled report #1, last week")
        .titled("Attendance")
        .attach(Attachment {
            filename: "sessions.csv".to_string(),
            media_type: "text/csv".to_string(),
            bytes: b"a,b\n1,2\n".to_vec(),
        });
    let destination = Destination {
        platform: "slack".to_string(),
        channel: "C0REPORTS".to_string(),
    };
    sink.deliver(&destination, &reply).await.expect("delivered");
    let posts = slack.wait_for("/api/chat.postMessage", 1).await;
    assert_eq!(posts[0].body["channel"], "C0REPORTS");
    let done = slack.wait_for("/api/files.completeUploadExternal", 1).await;
    let thread = done[0].body["thread_ts"].as_str().expect("in a thread");
    assert!(thread.starts_with("1700000000."), "{thread}");
}

async fn skip_empty_posts_nothing_for_an_empty_report(t: TestDb) {
    let w = World::with(t, empty_campus()).await;
    let quiet = w.add("quiet", true).await;
    let loud = w.add("loud", false).await;
    w.time.set(t0() + Duration::hours(2));
    let report = w
        .runner(w.store.db.clone(), "runner")
        .tick()
        .await
        .expect("tick");
    assert_eq!((report.posted, report.skipped), (1, 1), "{report:?}");
    let posts = w.sink.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].0.channel, "loud");
    let runs = w.runs(quiet).await;
    assert_eq!(runs[0].status, SKIPPED);
    assert!(runs[0].error.as_deref().unwrap_or("").contains("empty"));
    assert_eq!(w.runs(loud).await[0].status, SUCCEEDED);
}

/// `[policy] schedules = "operator"` lets operators manage schedules; a bad value is
/// refused at start.
#[tokio::test]
async fn the_policy_names_who_may_manage_schedules() {
    let table: toml::Table = toml::from_str("schedules = \"operator\"").expect("toml");
    let policy = Policy::from_table(Some(&table)).expect("policy");
    assert_eq!(policy.schedule_role(), Role::Operator);
    assert_eq!(Policy::default().schedule_role(), Role::Admin);
    let bad: toml::Table = toml::from_str("schedules = \"root\"").expect("toml");
    assert!(Policy::from_table(Some(&bad)).is_err());

    let w = World::new(TestDb::sqlite().await).await;
    grant(&w.store.db, Role::Operator, &["console:carol"]).await;
    grant(&w.store.db, Role::Viewer, &["console:dave"]).await;
    let bot = Bot::new(BotParts {
        virbela: w.client.clone(),
        db: w.store.db.clone(),
        access: access(),
        policy,
        approval_settings: ApprovalSettings::default(),
        default_timezone: chrono_tz::UTC,
    });
    let carol = caller("console:carol", "reports");
    let added = bot
        .handle(&carol, "schedule add waitlist yesterday every daily 09:00")
        .await;
    assert_eq!(added.status, Status::Ok, "{}", added.text);
    let dave = bot
        .handle(&caller("console:dave", "reports"), "schedule list")
        .await;
    assert_eq!(dave.status, Status::Refused);
    assert!(dave.text.contains("operator"), "{}", dave.text);
}
