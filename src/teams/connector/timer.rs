//! The connector's notion of time: a monotonic `now` and a sleep, behind the [`Timer`]
//! trait so the throttle, the retry back-off and the token cache read one source.
//!
//! [`TokioTimer`] (the default) is `tokio::time`, so a paused tokio clock
//! (`tokio::time::pause`) drives it. [`ManualTimer`] only moves when told to: end-to-end
//! tests over real sockets use it, since a paused tokio clock also jumps while an HTTP
//! request is in flight.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

/// A sleep handed out by a [`Timer`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Monotonic time and sleeping, as the connector sees them.
pub trait Timer: Send + Sync + fmt::Debug + 'static {
    fn now(&self) -> Instant;
    /// Completes once [`Timer::now`] has reached `deadline`.
    fn sleep_until(&self, deadline: Instant) -> Sleep;
}

/// `tokio::time`: real time, or the paused test clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

impl Timer for TokioTimer {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        Box::pin(tokio::time::sleep_until(deadline))
    }
}

/// A timer that stands still until [`ManualTimer::advance_to_next`] or
/// [`ManualTimer::advance`] moves it (for tests and simulations). Cheap to clone; clones
/// share the time.
#[derive(Clone, Default)]
pub struct ManualTimer {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Default)]
struct ManualState {
    /// Time elapsed since `base`.
    offset: Duration,
    base: Option<Instant>,
    sleepers: Vec<(Instant, oneshot::Sender<()>)>,
}

impl ManualState {
    fn now(&mut self) -> Instant {
        *self.base.get_or_insert_with(Instant::now) + self.offset
    }
}

impl ManualTimer {
    /// A timer starting at the current `tokio::time::Instant`.
    pub fn new() -> ManualTimer {
        let timer = ManualTimer::default();
        timer.lock().now();
        timer
    }

    fn lock(&self) -> MutexGuard<'_, ManualState> {
        // A panic while holding this lock cannot leave the state inconsistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many sleeps are waiting (sleeps whose future was dropped are not counted).
    pub fn sleepers(&self) -> usize {
        let mut state = self.lock();
        state.sleepers.retain(|(_, tx)| !tx.is_closed());
        state.sleepers.len()
    }

    /// Moves time to the earliest pending deadline and wakes every sleep due by then.
    /// Returns the new time, or `None` when nothing sleeps.
    pub fn advance_to_next(&self) -> Option<Instant> {
        let mut state = self.lock();
        state.sleepers.retain(|(_, tx)| !tx.is_closed());
        let next = state.sleepers.iter().map(|(at, _)| *at).min()?;
        let now = state.now();
        if next > now {
            state.offset += next - now;
        }
        Some(wake_due(&mut state))
    }

    /// Moves time forward by `by` and wakes every sleep due by then.
    pub fn advance(&self, by: Duration) -> Instant {
        let mut state = self.lock();
        state.offset += by;
        wake_due(&mut state)
    }
}

fn wake_due(state: &mut ManualState) -> Instant {
    let now = state.now();
    let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut state.sleepers)
        .into_iter()
        .partition(|(at, _)| *at <= now);
    state.sleepers = waiting;
    for (_, tx) in due {
        // The sleep may have been dropped meanwhile; nothing to wake then.
        let _ = tx.send(());
    }
    now
}

impl fmt::Debug for ManualTimer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let offset = state.offset;
        let sleepers = state.sleepers.len();
        drop(state);
        f.debug_struct("ManualTimer")
            .field("offset", &offset)
            .field("sleepers", &sleepers)
            .finish()
    }
}

impl Timer for ManualTimer {
    fn now(&self) -> Instant {
        self.lock().now()
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        let mut state = self.lock();
        if deadline <= state.now() {
            return Box::pin(std::future::ready(()));
        }
        let (tx, rx) = oneshot::channel();
        state.sleepers.push((deadline, tx));
        Box::pin(async move {
            // The sender only disappears with the timer: then sleeping is over too.
            let _ = rx.await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_timer_moves_only_when_told_and_wakes_due_sleeps() {
        let timer = ManualTimer::new();
        let start = timer.now();
        let one = timer.sleep_until(start + Duration::from_secs(1));
        let two = timer.sleep_until(start + Duration::from_secs(2));
        let past = timer.sleep_until(start);
        past.await;
        assert_eq!(timer.sleepers(), 2);
        assert_eq!(timer.now(), start);

        assert_eq!(
            timer.advance_to_next(),
            Some(start + Duration::from_secs(1))
        );
        one.await;
        assert_eq!(timer.sleepers(), 1);
        assert_eq!(
            timer.advance(Duration::from_secs(5)),
            start + Duration::from_secs(6)
        );
        two.await;
        assert_eq!(timer.advance_to_next(), None);
    }

    #[tokio::test]
    async fn dropped_sleeps_are_not_counted() {
        let timer = ManualTimer::new();
        let sleep = timer.sleep_until(timer.now() + Duration::from_secs(1));
        assert_eq!(timer.sleepers(), 1);
        drop(sleep);
        assert_eq!(timer.sleepers(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn tokio_timer_follows_the_paused_clock() {
        let start = TokioTimer.now();
        TokioTimer
            .sleep_until(start + Duration::from_secs(30))
            .await;
        assert_eq!(TokioTimer.now() - start, Duration::from_secs(30));
    }
}
