//! The runner: every tick it claims the runs that are due and posts them.
//!
//! **Exactly once.** A claim is one write transaction: the due schedules are read with
//! `FOR UPDATE SKIP LOCKED` on Postgres (replicas skip each other's rows instead of
//! waiting; SQLite serves one instance and `BEGIN IMMEDIATE` serialises writers), a run
//! row is inserted per due time (`UNIQUE (schedule_id, due_at)`) and `next_run_at` is
//! advanced before the commit. A claimed run holds a lease; if its runner dies the lease
//! runs out and another runner takes the run over (a crash after posting but before
//! recording can therefore post twice; nothing else can).
//!
//! **Missed runs.** Due times that passed while no runner was up are found on the next
//! tick: the latest one is posted if it is no older than the schedule's grace period
//! (default 6 h); older ones are recorded `skipped` and mentioned at the top of the next
//! post.
//!
//! **Failures.** A report that fails (Virbela down, the creator lost their role, the
//! adapter refused the post) is told to the destination with the reason and retried
//! after 1, 5 and 15 minutes; after 3 consecutive failures of a schedule it is paused,
//! and the destination is told so. `skip_empty` schedules post nothing for a report
//! without table rows or attachments (recorded `skipped`). Every run is recorded.

use std::str::FromStr;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use futures::StreamExt;
use serde_json::json;
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use super::delivery::ReportSinks;
use super::window;
use super::{ScheduleError, destination, report_text, timing};
use crate::access::Principal;
use crate::approvals::Clock;
use crate::audit::{self, Entry};
use crate::core::{Bot, Caller, Reply, Status, Visibility};
use crate::metrics::schedule::{self as metrics, ScheduleOutcome};
use crate::store::schedules::{self, NewRun, Schedule, ScheduleRun};
use crate::store::{Db, StoreError};

/// Most missed due times recorded for one schedule in one claim (a `* * * * *` schedule
/// down for a week would otherwise write thousands of rows).
const MAX_MISSED_RECORDED: usize = 20;

/// The runner's tunables.
#[derive(Debug, Clone)]
pub struct RunnerSettings {
    /// How often `run` ticks.
    pub tick: StdDuration,
    /// How long a claim holds before another runner may take the run over.
    pub lease: Duration,
    /// Waits before the 2nd, 3rd, … attempt of a failed run; its length + 1 is the
    /// most attempts a run gets.
    pub backoff: Vec<Duration>,
    /// Consecutive failures after which a schedule pauses itself.
    pub max_failures: i32,
    /// Most runs claimed per tick.
    pub batch: i64,
    /// Reports produced and posted at once.
    pub concurrency: usize,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        RunnerSettings {
            tick: StdDuration::from_secs(30),
            lease: Duration::minutes(15),
            backoff: vec![
                Duration::minutes(1),
                Duration::minutes(5),
                Duration::minutes(15),
            ],
            max_failures: 3,
            batch: 50,
            concurrency: 4,
        }
    }
}

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: usize,
    pub posted: usize,
    pub failed: usize,
    /// Missed beyond the grace period or empty.
    pub skipped: usize,
    pub paused: usize,
}

/// A claimed run with its schedule.
struct Claimed {
    schedule: Schedule,
    run: ScheduleRun,
}

/// How one run ended.
enum Ended {
    Posted,
    Empty,
    Failed { paused: bool },
    Lost,
}

impl Ended {
    /// The `schedule_runs_total` outcome.
    fn metric(&self) -> ScheduleOutcome {
        match self {
            Ended::Posted => ScheduleOutcome::Posted,
            Ended::Empty => ScheduleOutcome::SkippedEmpty,
            Ended::Failed { paused: false } => ScheduleOutcome::Failed,
            Ended::Failed { paused: true } => ScheduleOutcome::FailedPaused,
            Ended::Lost => ScheduleOutcome::Lost,
        }
    }
}

/// Claims and posts due runs. Cheap to clone; several may share one store.
#[derive(Debug, Clone)]
pub struct Runner {
    bot: Bot,
    db: Db,
    sinks: ReportSinks,
    clock: Clock,
    id: String,
    settings: RunnerSettings,
}

impl Runner {
    /// A runner named `id` (what `claimed_by` records; unique per process).
    pub fn new(
        bot: Bot,
        db: Db,
        sinks: ReportSinks,
        clock: Clock,
        id: impl Into<String>,
        settings: RunnerSettings,
    ) -> Runner {
        Runner {
            bot,
            db,
            sinks,
            clock,
            id: id.into(),
            settings,
        }
    }

    /// A runner id for this process: `runner-` and 8 random hex digits.
    pub fn process_id() -> String {
        format!("runner-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Ticks every `settings.tick` until `stop` turns true (the current tick finishes).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut ticker = tokio::time::interval(self.settings.tick);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tracing::info!(runner = %self.id, "scheduled-report runner started");
        loop {
            tokio::select! {
                _ = ticker.tick() => {
                    match self.tick().await {
                        Ok(report) if report.claimed > 0 => {
                            tracing::info!(?report, "scheduled reports run");
                        }
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, "scheduled-report tick failed; retried next tick"),
                    }
                }
                _ = stopped(&mut stop) => break,
            }
        }
        tracing::info!(runner = %self.id, "scheduled-report runner stopped");
    }

    /// Claims what is due now and runs it (up to `concurrency` at once).
    pub async fn tick(&self) -> Result<TickReport, ScheduleError> {
        let (claimed, mut report) = self.claim().await?;
        metrics::record_runs(ScheduleOutcome::SkippedMissed, report.skipped);
        report.claimed = claimed.len();
        let ended: Vec<Result<Ended, ScheduleError>> = futures::stream::iter(claimed)
            .map(|c| self.execute(c))
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect()
            .await;
        let mut first_error = None;
        for end in ended {
            if let Ok(end) = &end {
                metrics::record_runs(end.metric(), 1);
            }
            match end {
                Ok(Ended::Posted) => report.posted += 1,
                Ok(Ended::Empty) => report.skipped += 1,
                Ok(Ended::Failed { paused }) => {
                    report.failed += 1;
                    report.paused += usize::from(paused);
                }
                Ok(Ended::Lost) => {}
                Err(e) => {
                    tracing::error!(error = %e, "recording a scheduled run failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// The claim transaction: due schedules → run rows (missed ones skipped) and
    /// advanced `next_run_at`; pending retries and expired leases → claimed.
    async fn claim(&self) -> Result<(Vec<Claimed>, TickReport), ScheduleError> {
        let now = self.clock.now();
        let lease_until = now + self.settings.lease;
        let mut report = TickReport::default();
        let mut claimed = Vec::new();
        let mut tx = self.db.begin().await?;
        for schedule in schedules::due_for_update(&mut tx, now, self.settings.batch).await? {
            let (tz, cadence) = match timing(&schedule) {
                Ok(t) => t,
                Err(e) => {
                    // Unreadable: pause it rather than fail every tick.
                    let reason = e.to_string();
                    tracing::error!(schedule = schedule.id, error = %reason, "schedule paused");
                    schedules::pause(&mut tx, schedule.id, &reason, now).await?;
                    continue;
                }
            };
            // Every due time up to now, oldest first.
            let mut due = vec![schedule.next_run_at];
            let mut last = schedule.next_run_at;
            while let Some(next) = cadence.next_after(last, tz).filter(|n| *n <= now) {
                due.push(next);
                last = next;
                if due.len() > MAX_MISSED_RECORDED {
                    due.remove(0);
                }
            }
            let next_run_at = cadence
                .next_after(now.max(last), tz)
                .unwrap_or(now + Duration::days(365 * 100));
            schedules::advance(&mut tx, schedule.id, next_run_at, now).await?;
            let grace = Duration::seconds(schedule.grace_seconds);
            let Some((latest, older)) = due.split_last() else {
                continue;
            };
            for missed in older {
                self.insert_skipped(&mut tx, &schedule, *missed, now, grace)
                    .await?;
                report.skipped += 1;
            }
            if now - *latest > grace {
                self.insert_skipped(&mut tx, &schedule, *latest, now, grace)
                    .await?;
                report.skipped += 1;
                continue;
            }
            let run = schedules::insert_run(
                &mut tx,
                &NewRun {
                    schedule_id: schedule.id,
                    due_at: *latest,
                    manual: false,
                    status: schedules::RUNNING,
                    attempt: 1,
                    next_attempt_at: None,
                    claimed_by: Some(&self.id),
                    lease_until: Some(lease_until),
                    started_at: Some(now),
                    finished_at: None,
                    error: None,
                },
            )
            .await?;
            if let Some(run) = run {
                claimed.push(Claimed { schedule, run });
            }
        }
        let ready = schedules::claimable_runs_for_update(&mut tx, now, self.settings.batch).await?;
        for run in ready {
            let Some(run) =
                schedules::claim_run(&mut tx, run.id, &self.id, lease_until, now).await?
            else {
                continue;
            };
            let Some(schedule) = schedules::get(&mut tx, run.schedule_id).await? else {
                continue;
            };
            claimed.push(Claimed { schedule, run });
        }
        tx.commit().await?;
        Ok((claimed, report))
    }

    async fn insert_skipped(
        &self,
        tx: &mut crate::store::Tx,
        schedule: &Schedule,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
        grace: Duration,
    ) -> Result<(), StoreError> {
        let error = format!(
            "missed: the bot was not running at the due time, and {} is longer than the grace period of {}",
            human(now - due_at),
            human(grace)
        );
        schedules::insert_run(
            tx,
            &NewRun {
                schedule_id: schedule.id,
                due_at,
                manual: false,
                status: schedules::SKIPPED,
                attempt: 0,
                next_attempt_at: None,
                claimed_by: Some(&self.id),
                lease_until: None,
                started_at: None,
                finished_at: Some(now),
                error: Some(&error),
            },
        )
        .await?;
        Ok(())
    }

    /// Produces the report as the creator, posts it, records the outcome.
    async fn execute(&self, claimed: Claimed) -> Result<Ended, ScheduleError> {
        let Claimed { schedule, run } = claimed;
        let tz = match timing(&schedule) {
            Ok((tz, _)) => tz,
            Err(e) => return self.fail(&schedule, &run, &e.to_string(), None).await,
        };
        let window = match window::evaluate(&schedule.window_phrase, run.due_at, tz) {
            Ok(w) => w,
            Err(e) => return self.fail(&schedule, &run, &e.message, None).await,
        };
        let principal = match Principal::from_str(&schedule.created_by) {
            Ok(p) => p,
            Err(e) => {
                return self
                    .fail(&schedule, &run, &e.to_string(), Some(&window))
                    .await;
            }
        };
        let caller = Caller {
            principal,
            groups: Vec::new(),
            timezone: Some(tz),
            channel: Some(schedule.channel.clone()),
        };
        let text = report_text(&schedule, &window);
        let reply = self.bot.handle(&caller, &text).await;
        if reply.status != Status::Ok {
            let reason = first_line(&reply.text);
            return self.fail(&schedule, &run, &reason, Some(&window)).await;
        }
        // Empty: no files, and no table rows (a report may send its headers alone).
        let empty =
            reply.attachments.is_empty() && reply.table.as_ref().is_none_or(|t| t.rows.is_empty());
        if empty && schedule.skip_empty {
            let mut tx = self.db.begin().await?;
            let done = schedules::finish_run(
                &mut tx,
                run.id,
                &self.id,
                schedules::SKIPPED,
                Some("empty report: not posted (skip-empty)"),
                self.clock.now(),
            )
            .await?;
            schedules::reset_failures(&mut tx, schedule.id, self.clock.now()).await?;
            tx.commit().await?;
            return Ok(if done.is_some() {
                Ended::Empty
            } else {
                Ended::Lost
            });
        }
        let missed = {
            let mut tx = self.db.begin_read().await?;
            let missed = schedules::unmentioned_missed(&mut tx, schedule.id).await?;
            tx.commit().await?;
            missed
        };
        let post = scheduled_post(&schedule, &run, &window, reply, &missed, tz);
        if let Err(e) = self.sinks.deliver(&destination(&schedule), &post).await {
            return self
                .fail(
                    &schedule,
                    &run,
                    &format!("posting failed: {e}"),
                    Some(&window),
                )
                .await;
        }
        let now = self.clock.now();
        metrics::record_lag(now - run.due_at);
        let mut tx = self.db.begin().await?;
        let done =
            schedules::finish_run(&mut tx, run.id, &self.id, schedules::SUCCEEDED, None, now)
                .await?;
        schedules::reset_failures(&mut tx, schedule.id, now).await?;
        let ids: Vec<i64> = missed.iter().map(|r| r.id).collect();
        schedules::mark_mentioned(&mut tx, &ids).await?;
        tx.commit().await?;
        Ok(if done.is_some() {
            Ended::Posted
        } else {
            Ended::Lost
        })
    }

    /// Records a failed attempt, schedules the retry or pauses the schedule, and tells
    /// the destination.
    async fn fail(
        &self,
        schedule: &Schedule,
        run: &ScheduleRun,
        reason: &str,
        window: Option<&window::Window>,
    ) -> Result<Ended, ScheduleError> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let failures = schedules::add_failure(&mut tx, schedule.id, now).await?;
        let pause = failures >= self.settings.max_failures;
        let retry_in = usize::try_from(run.attempt.max(1) - 1)
            .ok()
            .and_then(|i| self.settings.backoff.get(i))
            .copied();
        let outcome = match (pause, retry_in) {
            (false, Some(wait)) => {
                schedules::retry_run(&mut tx, run.id, &self.id, reason, now + wait)
                    .await?
                    .map(|_| Some(now + wait))
            }
            _ => schedules::finish_run(
                &mut tx,
                run.id,
                &self.id,
                schedules::FAILED,
                Some(reason),
                now,
            )
            .await?
            .map(|_| None),
        };
        let Some(retry_at) = outcome else {
            // The lease ran out and another runner owns the run: say nothing.
            tx.rollback().await?;
            return Ok(Ended::Lost);
        };
        let mut paused = false;
        if pause {
            let why = format!("paused after {failures} consecutive failures; the last: {reason}");
            paused = schedules::pause(&mut tx, schedule.id, &why, now)
                .await?
                .is_some();
            schedules::cancel_pending(&mut tx, schedule.id, &why, now).await?;
            if paused {
                let target = format!("schedule #{}", schedule.id);
                audit::append(
                    &mut tx,
                    now,
                    &Entry {
                        actor: &self.id,
                        action: "schedule.auto_pause",
                        target: Some(&target),
                        outcome: "ok",
                        correlation_id: None,
                        details: json!({ "failures": failures, "reason": reason }),
                    },
                )
                .await?;
            }
        }
        tx.commit().await?;
        let tz = timing(schedule).map_or(Tz::UTC, |(tz, _)| tz);
        let about = window.map_or_else(String::new, |w| format!(" ({})", w.label));
        let mut text = format!(
            "The scheduled report #{}{about} failed: {reason}",
            schedule.id
        );
        if paused {
            text.push_str(&format!(
                "\nAfter {failures} consecutive failures this schedule is now paused. \
                 `schedule resume {}` turns it back on.",
                schedule.id
            ));
        } else if let Some(at) = retry_at {
            text.push_str(&format!(
                "\nRetrying at {} (attempt {} of {}).",
                at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z"),
                run.attempt + 1,
                self.settings.backoff.len() + 1
            ));
        }
        let mut notice = Reply::failed(text).titled(format!("Scheduled report #{}", schedule.id));
        notice.visibility = Visibility::Channel;
        if let Err(e) = self.sinks.deliver(&destination(schedule), &notice).await {
            tracing::warn!(schedule = schedule.id, error = %e, "could not post a failure notice");
        }
        Ok(Ended::Failed { paused })
    }
}

/// The report as posted: titled with the schedule, the window in the header, missed
/// runs mentioned first, visible to the channel.
fn scheduled_post(
    schedule: &Schedule,
    run: &ScheduleRun,
    window: &window::Window,
    mut reply: Reply,
    missed: &[ScheduleRun],
    tz: Tz,
) -> Reply {
    let kind = if run.manual { "run now" } else { "scheduled" };
    let mut header = format!(
        "Scheduled report #{} ({kind}), {}",
        schedule.id, window.label
    );
    if !missed.is_empty() {
        let times: Vec<String> = missed
            .iter()
            .map(|r| {
                r.due_at
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string()
            })
            .collect();
        header.push_str(&format!(
            "\nMissed while the bot was down (older than the grace period, not posted): {}.",
            times.join(", ")
        ));
    }
    reply.text = if reply.text.is_empty() {
        header
    } else {
        format!("{header}\n{}", reply.text)
    };
    reply.visibility = Visibility::Channel;
    reply.actions.clear();
    reply
}

/// Resolves when `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("the report failed");
    line.chars().take(500).collect()
}

/// `6 h`, `45 min`, `2 d 3 h`.
fn human(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}
