//! Tables `schedule` and `schedule_run`: scheduled reports and every run of them.
//!
//! Claims are exactly-once: due schedules are read with `FOR UPDATE SKIP LOCKED` on
//! Postgres (SQLite's `BEGIN IMMEDIATE` already serialises writers), the run row is
//! inserted and `next_run_at` advanced in the same transaction, and `(schedule_id,
//! due_at)` is unique, so a due time can never be claimed twice. Every later transition
//! of a run is a conditional `UPDATE … WHERE id = $1 AND status = … AND claimed_by = …`.

use chrono::{DateTime, Utc};

use super::{StoreError, Tx, on_tx};

/// A run waiting for its (next) attempt.
pub const PENDING: &str = "pending";
/// A run claimed by a runner (until `lease_until`).
pub const RUNNING: &str = "running";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";
/// Not posted: missed beyond the grace period, or empty with `skip_empty`.
pub const SKIPPED: &str = "skipped";

/// A schedule as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Schedule {
    pub id: i64,
    /// `attendance` or `waitlist`.
    pub kind: String,
    /// The report's words besides the range (`Theater`, `room=SFS1`), as typed.
    pub args: String,
    /// The range phrase evaluated at each due time (`last week`).
    pub window_phrase: String,
    /// A phrase (`daily 09:00`) or a 5-field cron expression.
    pub cadence: String,
    /// IANA zone name.
    pub tz: String,
    pub platform: String,
    pub channel: String,
    pub created_by: String,
    pub paused: bool,
    pub paused_reason: Option<String>,
    pub skip_empty: bool,
    pub grace_seconds: i64,
    pub consecutive_failures: i32,
    pub next_run_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a new schedule holds (active, no failures).
#[derive(Debug, Clone)]
pub struct NewSchedule<'a> {
    pub kind: &'a str,
    pub args: &'a str,
    pub window_phrase: &'a str,
    pub cadence: &'a str,
    pub tz: &'a str,
    pub platform: &'a str,
    pub channel: &'a str,
    pub created_by: &'a str,
    pub skip_empty: bool,
    pub grace_seconds: i64,
    pub next_run_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// One run as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleRun {
    pub id: i64,
    pub schedule_id: i64,
    pub due_at: DateTime<Utc>,
    /// `schedule run ID` rather than the cadence.
    pub manual: bool,
    pub status: String,
    /// Attempts started so far.
    pub attempt: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub claimed_by: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub mentioned: bool,
}

/// What a new run holds. A `running` run is claimed at once by `claimed_by`.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub schedule_id: i64,
    pub due_at: DateTime<Utc>,
    pub manual: bool,
    pub status: &'a str,
    pub attempt: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub claimed_by: Option<&'a str>,
    pub lease_until: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<&'a str>,
}

pub async fn insert(tx: &mut Tx, new: &NewSchedule<'_>) -> Result<Schedule, StoreError> {
    const SQL: &str = "insert into schedule (kind, args, window_phrase, cadence, tz, platform,
            channel, created_by, paused, paused_reason, skip_empty, grace_seconds,
            consecutive_failures, next_run_at, created_at, updated_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, null, $10, $11, 0, $12, $13, $13)
        returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(new.kind)
        .bind(new.args)
        .bind(new.window_phrase)
        .bind(new.cadence)
        .bind(new.tz)
        .bind(new.platform)
        .bind(new.channel)
        .bind(new.created_by)
        .bind(false)
        .bind(new.skip_empty)
        .bind(new.grace_seconds)
        .bind(new.next_run_at)
        .bind(new.created_at)
        .fetch_one(c)
        .await?))
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<Option<Schedule>, StoreError> {
    const SQL: &str = "select * from schedule where id = $1";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(c)
        .await?))
}

/// Every schedule, oldest first.
pub async fn list(tx: &mut Tx) -> Result<Vec<Schedule>, StoreError> {
    const SQL: &str = "select * from schedule order by id";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL).fetch_all(c).await?))
}

/// Deletes the schedule and its runs; the removed row, or `None` when there was none.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<Option<Schedule>, StoreError> {
    const RUNS: &str = "delete from schedule_run where schedule_id = $1";
    const SQL: &str = "delete from schedule where id = $1 returning *";
    on_tx!(tx, |c| sqlx::query(RUNS)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(c)
        .await?))
}

/// Active → paused with a reason; `None` when missing or already paused.
pub async fn pause(
    tx: &mut Tx,
    id: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<Option<Schedule>, StoreError> {
    const SQL: &str = "update schedule set paused = $2, paused_reason = $3, updated_at = $4
        where id = $1 and paused = $5 returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(true)
        .bind(reason)
        .bind(at)
        .bind(false)
        .fetch_optional(c)
        .await?))
}

/// Paused → active, failures forgotten, next run from now; `None` when missing or active.
pub async fn resume(
    tx: &mut Tx,
    id: i64,
    next_run_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<Option<Schedule>, StoreError> {
    const SQL: &str = "update schedule set paused = $2, paused_reason = null,
            consecutive_failures = 0, next_run_at = $3, updated_at = $4
        where id = $1 and paused = $5 returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(false)
        .bind(next_run_at)
        .bind(at)
        .bind(true)
        .fetch_optional(c)
        .await?))
}

/// Active schedules due at `now`, earliest first, locked until the transaction ends.
/// Dialect fork: Postgres skips rows another runner holds (`FOR UPDATE SKIP LOCKED`);
/// SQLite's write transaction (`BEGIN IMMEDIATE`) already excludes other writers.
pub async fn due_for_update(
    tx: &mut Tx,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Schedule>, StoreError> {
    const PG: &str = "select * from schedule where not paused and next_run_at <= $1
        order by next_run_at, id limit $2 for update skip locked";
    const SQLITE: &str = "select * from schedule where not paused and next_run_at <= $1
        order by next_run_at, id limit $2";
    let sql = if tx.is_pg() { PG } else { SQLITE };
    Ok(on_tx!(tx, |c| sqlx::query_as(sql)
        .bind(now)
        .bind(limit)
        .fetch_all(c)
        .await?))
}

/// Moves the schedule's next due time (after a claim).
pub async fn advance(
    tx: &mut Tx,
    id: i64,
    next_run_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    const SQL: &str = "update schedule set next_run_at = $2, updated_at = $3 where id = $1";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(next_run_at)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts one more failure in a row; the new count.
pub async fn add_failure(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<i32, StoreError> {
    const SQL: &str = "update schedule set consecutive_failures = consecutive_failures + 1,
            updated_at = $2 where id = $1 returning consecutive_failures";
    Ok(on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(id)
        .bind(at)
        .fetch_one(c)
        .await?))
}

/// A success ends a run of failures.
pub async fn reset_failures(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    const SQL: &str = "update schedule set consecutive_failures = 0, updated_at = $2
        where id = $1 and consecutive_failures <> 0";
    on_tx!(tx, |c| sqlx::query(SQL)
        .bind(id)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Inserts a run; `None` when a run for that due time already exists.
pub async fn insert_run(tx: &mut Tx, new: &NewRun<'_>) -> Result<Option<ScheduleRun>, StoreError> {
    const SQL: &str = "insert into schedule_run (schedule_id, due_at, manual, status, attempt,
            next_attempt_at, claimed_by, lease_until, started_at, finished_at, error, mentioned)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        on conflict (schedule_id, due_at) do nothing
        returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(new.schedule_id)
        .bind(new.due_at)
        .bind(new.manual)
        .bind(new.status)
        .bind(new.attempt)
        .bind(new.next_attempt_at)
        .bind(new.claimed_by)
        .bind(new.lease_until)
        .bind(new.started_at)
        .bind(new.finished_at)
        .bind(new.error)
        .bind(false)
        .fetch_optional(c)
        .await?))
}

/// Runs ready for an attempt at `now`: pending ones whose retry time came, and running
/// ones whose lease ran out (their runner died). Runs of paused schedules wait, except
/// manual ones. Locked as [`due_for_update`] locks schedules.
pub async fn claimable_runs_for_update(
    tx: &mut Tx,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<ScheduleRun>, StoreError> {
    const PG: &str = "select r.* from schedule_run r join schedule s on s.id = r.schedule_id
        where ((r.status = 'pending' and r.next_attempt_at <= $1)
            or (r.status = 'running' and r.lease_until < $1))
          and (r.manual or not s.paused)
        order by r.id limit $2 for update of r skip locked";
    const SQLITE: &str = "select r.* from schedule_run r join schedule s on s.id = r.schedule_id
        where ((r.status = 'pending' and r.next_attempt_at <= $1)
            or (r.status = 'running' and r.lease_until < $1))
          and (r.manual or not s.paused)
        order by r.id limit $2";
    let sql = if tx.is_pg() { PG } else { SQLITE };
    Ok(on_tx!(tx, |c| sqlx::query_as(sql)
        .bind(now)
        .bind(limit)
        .fetch_all(c)
        .await?))
}

/// Claims a pending run, or a running one whose lease `now` has passed, for `by`.
pub async fn claim_run(
    tx: &mut Tx,
    id: i64,
    by: &str,
    lease_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<ScheduleRun>, StoreError> {
    const SQL: &str = "update schedule_run set status = 'running', attempt = attempt + 1,
            claimed_by = $2, lease_until = $3, started_at = coalesce(started_at, $4),
            next_attempt_at = null
        where id = $1 and (status = 'pending' or (status = 'running' and lease_until < $4))
        returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(by)
        .bind(lease_until)
        .bind(now)
        .fetch_optional(c)
        .await?))
}

/// Gives up the leases `by` holds (a runner stopping before its runs finished): their
/// lease ends at `now`, so another runner (or this one restarted) claims them at once
/// instead of after the lease. Returns how many.
pub async fn release_runs(tx: &mut Tx, by: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
    const SQL: &str = "update schedule_run set lease_until = $2
        where claimed_by = $1 and status = 'running' and lease_until > $2";
    Ok(on_tx!(tx, |c| sqlx::query(SQL)
        .bind(by)
        .bind(now)
        .execute(c)
        .await?
        .rows_affected()))
}

/// running (held by `by`) → `status` (succeeded, failed or skipped); `None` when the run
/// is no longer this runner's (its lease ran out and another runner took it).
pub async fn finish_run(
    tx: &mut Tx,
    id: i64,
    by: &str,
    status: &str,
    error: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<ScheduleRun>, StoreError> {
    const SQL: &str = "update schedule_run set status = $3, error = $4, finished_at = $5,
            lease_until = null
        where id = $1 and claimed_by = $2 and status = 'running' returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(by)
        .bind(status)
        .bind(error)
        .bind(at)
        .fetch_optional(c)
        .await?))
}

/// running (held by `by`) → pending, to be tried again at `next_attempt_at`.
pub async fn retry_run(
    tx: &mut Tx,
    id: i64,
    by: &str,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> Result<Option<ScheduleRun>, StoreError> {
    const SQL: &str = "update schedule_run set status = 'pending', error = $3,
            next_attempt_at = $4, lease_until = null
        where id = $1 and claimed_by = $2 and status = 'running' returning *";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(id)
        .bind(by)
        .bind(error)
        .bind(next_attempt_at)
        .fetch_optional(c)
        .await?))
}

/// Pending retries of a schedule are given up (it was paused for failing).
pub async fn cancel_pending(
    tx: &mut Tx,
    schedule_id: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    const SQL: &str = "update schedule_run set status = 'failed', error = $2, finished_at = $3,
            next_attempt_at = null
        where schedule_id = $1 and status = 'pending' and not manual";
    let done = on_tx!(tx, |c| sqlx::query(SQL)
        .bind(schedule_id)
        .bind(reason)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// The latest `limit` runs of a schedule, newest due time first.
pub async fn recent_runs(
    tx: &mut Tx,
    schedule_id: i64,
    limit: i64,
) -> Result<Vec<ScheduleRun>, StoreError> {
    const SQL: &str = "select * from schedule_run where schedule_id = $1
        order by due_at desc, id desc limit $2";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(schedule_id)
        .bind(limit)
        .fetch_all(c)
        .await?))
}

/// Runs skipped because they were missed and not yet told about, oldest first.
pub async fn unmentioned_missed(
    tx: &mut Tx,
    schedule_id: i64,
) -> Result<Vec<ScheduleRun>, StoreError> {
    const SQL: &str = "select * from schedule_run where schedule_id = $1
            and status = 'skipped' and not mentioned and not manual
        order by due_at";
    Ok(on_tx!(tx, |c| sqlx::query_as(SQL)
        .bind(schedule_id)
        .fetch_all(c)
        .await?))
}

/// Marks these skipped runs as told about.
pub async fn mark_mentioned(tx: &mut Tx, ids: &[i64]) -> Result<(), StoreError> {
    const SQL: &str = "update schedule_run set mentioned = $2 where id = $1";
    for id in ids {
        on_tx!(tx, |c| sqlx::query(SQL)
            .bind(*id)
            .bind(true)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Every run of every schedule with `status` (tests and operators).
pub async fn count_by_status(tx: &mut Tx, status: &str) -> Result<i64, StoreError> {
    const SQL: &str = "select count(*) from schedule_run where status = $1";
    Ok(on_tx!(tx, |c| sqlx::query_scalar(SQL)
        .bind(status)
        .fetch_one(c)
        .await?))
}
