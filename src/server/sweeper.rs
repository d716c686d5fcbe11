//! The background sweeper of `serve`: every minute it expires pending approval requests
//! past their time, marks stale execution claims `interrupted` ([`Bot::sweep_approvals`],
//! which also tells the chat adapters so cards lose their buttons and requesters hear of
//! it) and purges expired inbound-delivery keys. Failures are logged and retried on the next
//! tick, never fatal.

use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};

use crate::approvals::{ApprovalError, Approvals};
use crate::core::Bot;
use crate::store::{Db, StoreError, inbound_deliveries, shared_files};

/// How often the sweeper runs.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// What one sweep changed (counts only; the ids are logged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepCounts {
    pub expired: usize,
    pub interrupted: usize,
    pub deliveries_purged: u64,
    /// Report files whose signed links expired.
    pub files_purged: u64,
}

/// Why part of a sweep failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("approval sweep failed: {0}")]
    Approvals(#[from] ApprovalError),
    #[error("purging expired delivery keys failed: {0}")]
    Deliveries(#[from] StoreError),
    #[error("purging expired report files failed: {0}")]
    Files(#[source] StoreError),
}

/// Startup recovery: claims left `executing` by a crash become `interrupted` (reported,
/// never re-executed). Logged; a failure is logged too and does not stop the start.
pub async fn recover_at_start(approvals: &Approvals) {
    match approvals.recover_interrupted().await {
        Ok(found) if found.is_empty() => {
            tracing::info!("start-up recovery: no interrupted executions");
        }
        Ok(found) => {
            let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
            tracing::warn!(
                count = found.len(),
                ?ids,
                "start-up recovery: executions left running by a previous process are now \
                 `interrupted`; check their outcome in Virbela before retrying them"
            );
        }
        Err(e) => tracing::error!(error = %e, "start-up recovery failed; the sweeper retries it"),
    }
}

/// One sweep: both halves run even when the other fails; each failure is returned.
pub async fn sweep_once(bot: &Bot) -> (SweepCounts, Vec<SweepError>) {
    let mut counts = SweepCounts::default();
    let mut errors = Vec::new();
    let db = bot.approvals().db();
    match bot.sweep_approvals().await {
        Ok(sweep) => {
            counts.expired = sweep.expired.len();
            counts.interrupted = sweep.interrupted.len();
            if !sweep.expired.is_empty() {
                let ids: Vec<i64> = sweep.expired.iter().map(|r| r.id).collect();
                tracing::info!(?ids, "approval requests expired");
            }
            if !sweep.interrupted.is_empty() {
                let ids: Vec<i64> = sweep.interrupted.iter().map(|r| r.id).collect();
                tracing::warn!(?ids, "stale execution claims marked interrupted");
            }
        }
        Err(e) => errors.push(e.into()),
    }
    match purge_deliveries(db).await {
        Ok(n) => counts.deliveries_purged = n,
        Err(e) => errors.push(e.into()),
    }
    match purge_files(db).await {
        Ok(n) => counts.files_purged = n,
        Err(e) => errors.push(SweepError::Files(e)),
    }
    (counts, errors)
}

async fn purge_deliveries(db: &Db) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let purged = inbound_deliveries::purge_expired(&mut tx, crate::store::now()).await?;
    tx.commit().await?;
    Ok(purged)
}

/// Report files whose signed links have expired (Teams).
async fn purge_files(db: &Db) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let purged = shared_files::purge_expired(&mut tx, crate::store::now()).await?;
    tx.commit().await?;
    Ok(purged)
}

/// Sweeps every `every` (the first one `every` after the start, since start-up recovery
/// has just run) until `stop` turns true or its sender is dropped. A sweep in progress
/// is finished, not cut short.
pub async fn run(bot: Bot, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            changed = stop.wait_for(|stop| *stop) => {
                let _ = changed;
                break;
            }
        }
        let (counts, errors) = sweep_once(&bot).await;
        tracing::info!(
            expired = counts.expired,
            interrupted = counts.interrupted,
            deliveries_purged = counts.deliveries_purged,
            files_purged = counts.files_purged,
            "sweep done"
        );
        for e in errors {
            tracing::error!(error = %e, "sweep step failed; retried on the next tick");
        }
    }
    tracing::debug!("sweeper stopped");
}

#[cfg(test)]
mod tests {
    use chrono::Duration as Span;

    use super::*;
    use secrecy::SecretString;
    use url::Url;

    use crate::access::Access;
    use crate::approvals::ApprovalSettings;
    use crate::config::DatabaseUrl;
    use crate::core::BotParts;
    use crate::policy::Policy;
    use crate::virbela::{Campus, ClientOptions, Credentials, Endpoints, VirbelaClient};

    async fn setup(dir: &tempfile::TempDir) -> (Bot, Db) {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("s.db").display());
        let db = Db::open(&DatabaseUrl::parse(&url).expect("url"))
            .await
            .expect("open");
        let virbela = VirbelaClient::new(
            Campus {
                credentials: Credentials::new("id", SecretString::from("secret"), "campus"),
                endpoints: Endpoints::single(Url::parse("http://127.0.0.1:9/").expect("url")),
            },
            ClientOptions::default(),
        )
        .expect("client");
        let bot = Bot::new(BotParts {
            virbela,
            db: db.clone(),
            access: Access::new(&[]).expect("access"),
            policy: Policy::default(),
            approval_settings: ApprovalSettings::default(),
            default_timezone: chrono_tz::UTC,
        });
        (bot, db)
    }

    async fn delivery(db: &Db, key: &str, expires_in: Span) {
        let now = crate::store::now();
        let mut tx = db.begin().await.expect("begin");
        inbound_deliveries::insert_if_absent(&mut tx, "slack", key, now, now + expires_in)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
    }

    async fn shared_file(db: &Db, id: &str, expires_in: Span) {
        let now = crate::store::now();
        let mut tx = db.begin().await.expect("begin");
        shared_files::insert(
            &mut tx,
            &shared_files::SharedFile {
                id: id.into(),
                filename: "r.csv".into(),
                media_type: "text/csv".into(),
                bytes: b"a,b\r\n".to_vec(),
                created_at: now - Span::hours(25),
                expires_at: now + expires_in,
            },
        )
        .await
        .expect("insert");
        tx.commit().await.expect("commit");
    }

    #[tokio::test]
    async fn a_sweep_purges_expired_keys_and_files_only_and_counts() {
        let dir = tempfile::tempdir().expect("dir");
        let (bot, db) = setup(&dir).await;
        delivery(&db, "old", Span::seconds(-1)).await;
        delivery(&db, "fresh", Span::hours(1)).await;
        shared_file(&db, "expired", Span::seconds(-1)).await;
        shared_file(&db, "live", Span::hours(1)).await;
        let (counts, errors) = sweep_once(&bot).await;
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            counts,
            SweepCounts {
                expired: 0,
                interrupted: 0,
                deliveries_purged: 1,
                files_purged: 1,
            }
        );
        let (again, _) = sweep_once(&bot).await;
        assert_eq!((again.deliveries_purged, again.files_purged), (0, 0));
    }

    #[tokio::test]
    async fn failures_are_reported_not_fatal() {
        let dir = tempfile::tempdir().expect("dir");
        let (bot, db) = setup(&dir).await;
        db.close().await;
        let (counts, errors) = sweep_once(&bot).await;
        assert_eq!(counts, SweepCounts::default());
        assert_eq!(errors.len(), 3, "{errors:?}");
        recover_at_start(bot.approvals()).await; // logs, does not panic
    }

    #[tokio::test]
    async fn the_loop_ticks_and_stops_when_told() {
        let dir = tempfile::tempdir().expect("dir");
        let (bot, db) = setup(&dir).await;
        delivery(&db, "old", Span::seconds(-1)).await;
        let (stop, stopped) = watch::channel(false);
        let every = Duration::from_millis(20);
        let task = tokio::spawn(run(bot.clone(), every, stopped));
        tokio::time::sleep(every * 5).await;
        // The loop has swept: nothing is left to purge.
        let (counts, _) = sweep_once(&bot).await;
        assert_eq!(counts.deliveries_purged, 0);
        stop.send_replace(true);
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("stops promptly")
            .expect("no panic");
    }
}
