//! Tables `schedule` and `schedule_run`: conditional transitions, one run per due time,
//! claims, leases and retries, and the audited changes of `virbela_bot::schedule`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use virbela_bot::schedule::{self, Cadence, Destination, ReportKind, ScheduleError, ScheduleSpec};
use virbela_bot::store::schedules::{self as table, NewRun, PENDING, RUNNING, SUCCEEDED};
use virbela_bot::store::{Db, Tx};

use crate::harness::{TestDb, on_both};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0)
        .single()
        .expect("time")
}

fn spec(cadence: &str) -> ScheduleSpec {
    ScheduleSpec {
        kind: ReportKind::Attendance,
        args: "Theater".to_string(),
        window: "last week".to_string(),
        cadence: Cadence::parse(cadence).expect("cadence"),
        tz: chrono_tz::Europe::Paris,
        destination: Destination {
            platform: "console".to_string(),
            channel: "reports".to_string(),
        },
        skip_empty: false,
        grace: schedule::DEFAULT_GRACE,
    }
}

fn running<'a>(id: i64, due: DateTime<Utc>, by: &'a str, lease: DateTime<Utc>) -> NewRun<'a> {
    NewRun {
        schedule_id: id,
        due_at: due,
        manual: false,
        status: RUNNING,
        attempt: 1,
        next_attempt_at: None,
        claimed_by: Some(by),
        lease_until: Some(lease),
        started_at: Some(due),
        finished_at: None,
        error: None,
    }
}

async fn tx(db: &Db) -> Tx {
    db.begin().await.expect("begin")
}

on_both!(
    schedule_changes_are_conditional_and_audited,
    runs_are_claimed_once
);

async fn schedule_changes_are_conditional_and_audited(t: TestDb) {
    let db = &t.db;
    let created = schedule::create(db, &spec("mondays 10:00"), "console:alice", t0(), None)
        .await
        .expect("create");
    // Monday 2026-11-23 07:00 UTC is 08:00 in Paris: the next run is 10:00 the same day.
    assert_eq!(
        created.next_run_at,
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .single()
            .expect("time")
    );
    assert!(!created.paused);
    assert_eq!(created.grace_seconds, 6 * 3600);

    let paused = schedule::pause(db, created.id, "console:alice", t0(), None)
        .await
        .expect("pause");
    assert!(paused.paused);
    assert!(matches!(
        schedule::pause(db, created.id, "console:alice", t0(), None).await,
        Err(ScheduleError::AlreadyPaused(_))
    ));
    let later = t0() + Duration::days(10);
    let resumed = schedule::resume(db, created.id, "console:alice", later, None)
        .await
        .expect("resume");
    assert!(!resumed.paused && resumed.next_run_at > later);
    assert!(matches!(
        schedule::resume(db, created.id, "console:alice", later, None).await,
        Err(ScheduleError::NotPaused(_))
    ));
    let run = schedule::run_now(db, created.id, "console:alice", later, None)
        .await
        .expect("run now");
    assert!(run.manual && run.status == PENDING);

    let listed = schedule::list(db).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1.len(), 1);

    schedule::remove(db, created.id, "console:alice", later, None)
        .await
        .expect("remove");
    assert!(matches!(
        schedule::remove(db, created.id, "console:alice", later, None).await,
        Err(ScheduleError::NotFound(_))
    ));
    let actions: Vec<String> = virbela_bot::audit::recent(db, 100)
        .await
        .expect("audit")
        .into_iter()
        .rev()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "schedule.create",
            "schedule.pause",
            "schedule.resume",
            "schedule.run",
            "schedule.remove"
        ]
    );
}

async fn runs_are_claimed_once(t: TestDb) {
    let db = &t.db;
    let s = schedule::create(db, &spec("daily 09:00"), "console:alice", t0(), None)
        .await
        .expect("create");
    let due = s.next_run_at;
    let lease = due + Duration::minutes(15);

    // Due: one runner claims it inside its transaction.
    let mut a = tx(db).await;
    let found = table::due_for_update(&mut a, due, 10).await.expect("due");
    assert_eq!(found.len(), 1);
    let run = table::insert_run(&mut a, &running(s.id, due, "runner-a", lease))
        .await
        .expect("insert")
        .expect("a new run");
    table::advance(&mut a, s.id, due + Duration::days(1), due)
        .await
        .expect("advance");
    a.commit().await.expect("commit");

    // The same due time again: never a second run.
    let mut b = tx(db).await;
    assert!(
        table::insert_run(&mut b, &running(s.id, due, "runner-b", lease))
            .await
            .expect("insert")
            .is_none()
    );
    assert!(
        table::due_for_update(&mut b, due, 10)
            .await
            .expect("due")
            .is_empty()
    );
    // Not claimable while the lease holds.
    assert!(
        table::claimable_runs_for_update(&mut b, due + Duration::minutes(1), 10)
            .await
            .expect("claimable")
            .is_empty()
    );
    // Another runner cannot finish it.
    assert!(
        table::finish_run(&mut b, run.id, "runner-b", SUCCEEDED, None, due)
            .await
            .expect("finish")
            .is_none()
    );
    b.commit().await.expect("commit");

    // Runner a died: after the lease, b takes it over (attempt 2) and a can no longer
    // record anything.
    let after = lease + Duration::seconds(1);
    let mut c = tx(db).await;
    let ready = table::claimable_runs_for_update(&mut c, after, 10)
        .await
        .expect("claimable");
    assert_eq!(ready.len(), 1);
    let taken = table::claim_run(
        &mut c,
        run.id,
        "runner-b",
        after + Duration::minutes(15),
        after,
    )
    .await
    .expect("claim")
    .expect("taken over");
    assert_eq!(
        (taken.attempt, taken.claimed_by.as_deref()),
        (2, Some("runner-b"))
    );
    // Runner b stops before finishing: it gives the lease up, so the run is claimable at
    // once rather than after 15 minutes; nothing else it holds, nothing twice.
    let stopping = after + Duration::seconds(1);
    assert_eq!(
        table::release_runs(&mut c, "runner-b", stopping)
            .await
            .expect("release"),
        1
    );
    assert_eq!(
        table::release_runs(&mut c, "runner-b", stopping)
            .await
            .expect("release"),
        0
    );
    assert_eq!(
        table::claimable_runs_for_update(&mut c, stopping + Duration::seconds(1), 10)
            .await
            .expect("claimable")
            .len(),
        1
    );
    assert!(
        table::retry_run(&mut c, run.id, "runner-a", "late", after)
            .await
            .expect("retry")
            .is_none()
    );
    let retried = table::retry_run(
        &mut c,
        run.id,
        "runner-b",
        "Virbela is down",
        after + Duration::minutes(5),
    )
    .await
    .expect("retry")
    .expect("pending again");
    assert_eq!(retried.status, PENDING);
    assert_eq!(
        table::add_failure(&mut c, s.id, after)
            .await
            .expect("failure"),
        1
    );
    c.commit().await.expect("commit");

    // The retry is claimable at its time, and succeeds.
    let mut d = tx(db).await;
    let at = after + Duration::minutes(5);
    assert_eq!(
        table::claimable_runs_for_update(&mut d, at - Duration::seconds(1), 10)
            .await
            .expect("claimable")
            .len(),
        0
    );
    let again = table::claim_run(&mut d, run.id, "runner-c", at + Duration::minutes(15), at)
        .await
        .expect("claim")
        .expect("claimed");
    assert_eq!(again.attempt, 3);
    let done = table::finish_run(&mut d, run.id, "runner-c", SUCCEEDED, None, at)
        .await
        .expect("finish")
        .expect("finished");
    assert_eq!(done.status, SUCCEEDED);
    table::reset_failures(&mut d, s.id, at)
        .await
        .expect("reset");
    d.commit().await.expect("commit");
    let stored = schedule::get(db, s.id).await.expect("get");
    assert_eq!(stored.consecutive_failures, 0);
}
