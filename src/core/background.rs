//! Work adapters run after they have answered the platform (a slash command's result, a
//! vote, a dialog's submission, a card update): spawned through [`Background`] so that a
//! graceful shutdown can wait for it ([`Background::drain`]) instead of cutting it off.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Counts the tasks it spawned that are still running. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Background {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    running: AtomicUsize,
    idle: Notify,
}

/// Decrements the count when its task ends, however it ends (done, panicked, aborted).
struct Running(Arc<Inner>);

impl Drop for Running {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Background {
    /// Spawns `work` on the runtime and tracks it until it ends.
    pub fn spawn<F>(&self, work: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.running.fetch_add(1, Ordering::SeqCst);
        let running = Running(self.inner.clone());
        tokio::spawn(async move {
            let _running = running;
            work.await
        })
    }

    /// How many tracked tasks are running.
    pub fn running(&self) -> usize {
        self.inner.running.load(Ordering::SeqCst)
    }

    /// Waits until no tracked task runs, or `deadline`; true when all finished. Tasks
    /// spawned while waiting are waited for too.
    pub async fn drain(&self, deadline: Instant) -> bool {
        tokio::time::timeout_at(deadline, self.idle()).await.is_ok()
    }

    async fn idle(&self) {
        loop {
            let notified = self.inner.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.running() == 0 {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn drain_waits_for_running_work() {
        let background = Background::default();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let done = background.spawn(async move {
            let _ = rx.await;
            7
        });
        assert_eq!(background.running(), 1);
        let short = Instant::now() + Duration::from_millis(50);
        assert!(!background.drain(short).await, "still running");
        tx.send(()).unwrap();
        assert!(
            background
                .drain(Instant::now() + Duration::from_secs(5))
                .await
        );
        assert_eq!(done.await.unwrap(), 7);
        assert_eq!(background.running(), 0);
    }

    #[tokio::test]
    async fn a_panicking_or_aborted_task_is_not_counted_forever() {
        let background = Background::default();
        let panicked = background.spawn(async { panic!("boom") });
        let _ = panicked.await;
        let aborted = background.spawn(std::future::pending::<()>());
        aborted.abort();
        let _ = aborted.await;
        assert!(
            background
                .drain(Instant::now() + Duration::from_secs(1))
                .await
        );
    }

    #[tokio::test]
    async fn idle_drains_at_once() {
        assert!(Background::default().drain(Instant::now()).await);
    }
}
