//! Scheduled reports: attendance and waitlist reports posted on a cadence to the channel
//! where the schedule was created.
//!
//! - [`when`]: cadences (`daily 09:00`, cron) and their next run times, DST-correct;
//! - [`window`]: the range phrase (`last week`) evaluated at a due time;
//! - [`runner`]: claims due runs exactly once across replicas, produces each report
//!   through the command core as the schedule's creator, posts it, and applies the
//!   missed-run and failure policies;
//! - [`delivery`]: the platform-neutral [`ReportSink`] adapters implement.
//!
//! The functions here are the changes people make (`schedule add|pause|resume|remove|
//! run`); each is one transaction with its audit event.

pub mod delivery;
pub mod runner;
pub mod when;
pub mod window;

pub use delivery::{DeliveryError, Destination, ReportSink, ReportSinks};
pub use runner::{Runner, RunnerSettings, TickReport};
pub use when::{Cadence, WhenError};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::store::schedules::{self, NewRun, NewSchedule, Schedule, ScheduleRun};
use crate::store::{Db, StoreError};

/// The default grace period for a run missed while the bot was down.
pub const DEFAULT_GRACE: Duration = Duration::hours(6);

/// How many runs `schedule list` shows per schedule.
pub const LIST_RUNS: i64 = 3;

/// Why a schedule operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("there is no schedule #{0}")]
    NotFound(i64),
    #[error("schedule #{0} is already paused")]
    AlreadyPaused(i64),
    #[error("schedule #{0} is not paused")]
    NotPaused(i64),
    #[error("schedule `{0}` never runs")]
    NeverRuns(String),
    #[error("schedule #{id} holds a value this version cannot read: {what}")]
    Corrupt { id: i64, what: String },
}

/// The report a schedule posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Attendance,
    Waitlist,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Attendance => "attendance",
            ReportKind::Waitlist => "waitlist",
        }
    }

    pub fn parse(word: &str) -> Option<ReportKind> {
        match word {
            "attendance" => Some(ReportKind::Attendance),
            "waitlist" => Some(ReportKind::Waitlist),
            _ => None,
        }
    }
}

/// A schedule to create.
#[derive(Debug, Clone)]
pub struct ScheduleSpec {
    pub kind: ReportKind,
    /// The report's own words besides the range (`Theater`, `room=SFS1`).
    pub args: String,
    /// The range phrase (`last week`).
    pub window: String,
    pub cadence: Cadence,
    pub tz: Tz,
    pub destination: Destination,
    pub skip_empty: bool,
    pub grace: Duration,
}

/// The command text a run executes: the report with the window's concrete dates.
pub fn report_text(schedule: &Schedule, window: &window::Window) -> String {
    let args = schedule.args.trim();
    match schedule.kind.as_str() {
        "waitlist" if args.is_empty() => format!("waitlist {}", window.text),
        "waitlist" => format!("waitlist {} {args}", window.text),
        kind => format!("{kind} {args} {}", window.text),
    }
}

/// The schedule's zone and cadence, read back.
pub fn timing(schedule: &Schedule) -> Result<(Tz, Cadence), ScheduleError> {
    let tz: Tz = schedule.tz.parse().map_err(|_| ScheduleError::Corrupt {
        id: schedule.id,
        what: format!("time zone `{}`", schedule.tz),
    })?;
    let cadence = Cadence::parse(&schedule.cadence).map_err(|e| ScheduleError::Corrupt {
        id: schedule.id,
        what: e.to_string(),
    })?;
    Ok((tz, cadence))
}

/// The destination of a schedule.
pub fn destination(schedule: &Schedule) -> Destination {
    Destination {
        platform: schedule.platform.clone(),
        channel: schedule.channel.clone(),
    }
}

/// Creates a schedule (audited `schedule.create`).
pub async fn create(
    db: &Db,
    spec: &ScheduleSpec,
    actor: &str,
    now: DateTime<Utc>,
    correlation_id: Option<&str>,
) -> Result<Schedule, ScheduleError> {
    let next = spec
        .cadence
        .next_after(now, spec.tz)
        .ok_or_else(|| ScheduleError::NeverRuns(spec.cadence.as_str().to_string()))?;
    let mut tx = db.begin().await?;
    let schedule = schedules::insert(
        &mut tx,
        &NewSchedule {
            kind: spec.kind.as_str(),
            args: &spec.args,
            window_phrase: &spec.window,
            cadence: spec.cadence.as_str(),
            tz: spec.tz.name(),
            platform: &spec.destination.platform,
            channel: &spec.destination.channel,
            created_by: actor,
            skip_empty: spec.skip_empty,
            grace_seconds: spec.grace.num_seconds(),
            next_run_at: next,
            created_at: now,
        },
    )
    .await?;
    audit_change(
        &mut tx,
        now,
        actor,
        "schedule.create",
        &schedule,
        correlation_id,
    )
    .await?;
    tx.commit().await?;
    Ok(schedule)
}

/// Pauses a schedule by hand (audited `schedule.pause`).
pub async fn pause(
    db: &Db,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
    correlation_id: Option<&str>,
) -> Result<Schedule, ScheduleError> {
    let mut tx = db.begin().await?;
    let reason = format!("paused by {actor}");
    let Some(schedule) = schedules::pause(&mut tx, id, &reason, now).await? else {
        return Err(match schedules::get(&mut tx, id).await? {
            Some(_) => ScheduleError::AlreadyPaused(id),
            None => ScheduleError::NotFound(id),
        });
    };
    audit_change(
        &mut tx,
        now,
        actor,
        "schedule.pause",
        &schedule,
        correlation_id,
    )
    .await?;
    tx.commit().await?;
    Ok(schedule)
}

/// Resumes a schedule: failures forgotten, next run after `now`; runs missed while it
/// was paused are not made up (audited `schedule.resume`).
pub async fn resume(
    db: &Db,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
    correlation_id: Option<&str>,
) -> Result<Schedule, ScheduleError> {
    let mut tx = db.begin().await?;
    let current = schedules::get(&mut tx, id)
        .await?
        .ok_or(ScheduleError::NotFound(id))?;
    let (tz, cadence) = timing(&current)?;
    let next = cadence
        .next_after(now, tz)
        .ok_or_else(|| ScheduleError::NeverRuns(current.cadence.clone()))?;
    let schedule = schedules::resume(&mut tx, id, next, now)
        .await?
        .ok_or(ScheduleError::NotPaused(id))?;
    audit_change(
        &mut tx,
        now,
        actor,
        "schedule.resume",
        &schedule,
        correlation_id,
    )
    .await?;
    tx.commit().await?;
    Ok(schedule)
}

/// Removes a schedule and its runs (audited `schedule.remove`).
pub async fn remove(
    db: &Db,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
    correlation_id: Option<&str>,
) -> Result<Schedule, ScheduleError> {
    let mut tx = db.begin().await?;
    let schedule = schedules::delete(&mut tx, id)
        .await?
        .ok_or(ScheduleError::NotFound(id))?;
    audit_change(
        &mut tx,
        now,
        actor,
        "schedule.remove",
        &schedule,
        correlation_id,
    )
    .await?;
    tx.commit().await?;
    Ok(schedule)
}

/// Queues a run now, posted to the schedule's destination by the next runner tick,
/// even when the schedule is paused (audited `schedule.run`).
pub async fn run_now(
    db: &Db,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
    correlation_id: Option<&str>,
) -> Result<ScheduleRun, ScheduleError> {
    let mut tx = db.begin().await?;
    let schedule = schedules::get(&mut tx, id)
        .await?
        .ok_or(ScheduleError::NotFound(id))?;
    let run = schedules::insert_run(
        &mut tx,
        &NewRun {
            schedule_id: id,
            due_at: now,
            manual: true,
            status: schedules::PENDING,
            attempt: 0,
            next_attempt_at: Some(now),
            claimed_by: None,
            lease_until: None,
            started_at: None,
            finished_at: None,
            error: None,
        },
    )
    .await?
    .ok_or_else(|| {
        StoreError::Corrupt(format!("a run of schedule #{id} is already due at {now}"))
    })?;
    audit_change(
        &mut tx,
        now,
        actor,
        "schedule.run",
        &schedule,
        correlation_id,
    )
    .await?;
    tx.commit().await?;
    Ok(run)
}

/// Every schedule with its latest runs.
pub async fn list(db: &Db) -> Result<Vec<(Schedule, Vec<ScheduleRun>)>, ScheduleError> {
    let mut tx = db.begin_read().await?;
    let mut out = Vec::new();
    for schedule in schedules::list(&mut tx).await? {
        let runs = schedules::recent_runs(&mut tx, schedule.id, LIST_RUNS).await?;
        out.push((schedule, runs));
    }
    tx.commit().await?;
    Ok(out)
}

/// One schedule.
pub async fn get(db: &Db, id: i64) -> Result<Schedule, ScheduleError> {
    let mut tx = db.begin_read().await?;
    let schedule = schedules::get(&mut tx, id).await?;
    tx.commit().await?;
    schedule.ok_or(ScheduleError::NotFound(id))
}

/// A schedule in words: `attendance Theater, last week, every Monday at 10:00
/// (Europe/Paris), to slack:C123`.
pub fn describe(schedule: &Schedule) -> String {
    let when = Cadence::parse(&schedule.cadence)
        .map_or_else(|_| schedule.cadence.clone(), |c| c.to_string());
    let what = if schedule.args.trim().is_empty() {
        schedule.kind.clone()
    } else {
        format!("{} {}", schedule.kind, schedule.args.trim())
    };
    format!(
        "{what}, {}, {when} ({}), to {}:{}",
        schedule.window_phrase, schedule.tz, schedule.platform, schedule.channel
    )
}

async fn audit_change(
    tx: &mut crate::store::Tx,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    schedule: &Schedule,
    correlation_id: Option<&str>,
) -> Result<i64, StoreError> {
    let target = format!("schedule #{}", schedule.id);
    audit::append(
        tx,
        at,
        &Entry {
            actor,
            action,
            target: Some(&target),
            outcome: "ok",
            correlation_id,
            details: json!({
                "schedule": schedule.id,
                "kind": schedule.kind,
                "args": schedule.args,
                "window": schedule.window_phrase,
                "cadence": schedule.cadence,
                "tz": schedule.tz,
                "destination": format!("{}:{}", schedule.platform, schedule.channel),
                "paused": schedule.paused,
                "paused_reason": schedule.paused_reason,
            }),
        },
    )
    .await
}
