//! Client-side pacing so a broadcast never trips Teams' rate limits: per (serviceUrl,
//! conversation) at most 7 requests per 1 s, 8 per 2 s, 60 per 30 s and 1800 per hour, and
//! at most 50 per second for the whole process.
//!
//! Each lane keeps the instants of its recent requests (a sliding window log); a request
//! that would exceed a window waits (sleeps on the [`Timer`]) until the oldest request of
//! that window leaves it, then checks again. Requests never fail here. Lanes idle for an
//! hour are forgotten, so memory follows the conversations in use.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::timer::Timer;

/// A limit: at most `.0` requests in any window of `.1`.
pub(crate) type Window = (usize, Duration);

/// Per bot and conversation ("thread"), for sends and conversation creation.
pub(crate) const CONVERSATION_WINDOWS: &[Window] = &[
    (7, Duration::from_secs(1)),
    (8, Duration::from_secs(2)),
    (60, Duration::from_secs(30)),
    (1800, Duration::from_secs(3600)),
];

/// The whole process (Teams allows about 50 requests per second per app and tenant).
pub(crate) const GLOBAL_WINDOWS: &[Window] = &[(50, Duration::from_secs(1))];

/// Idle lanes are looked for every this many grants.
const SWEEP_EVERY: usize = 256;

#[derive(Debug)]
pub(crate) struct Throttle {
    timer: Arc<dyn Timer>,
    lane_windows: &'static [Window],
    global_windows: &'static [Window],
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    lanes: HashMap<String, VecDeque<Instant>>,
    global: VecDeque<Instant>,
    grants_since_sweep: usize,
}

impl Throttle {
    pub(crate) fn new(timer: Arc<dyn Timer>) -> Throttle {
        Throttle::with_windows(timer, CONVERSATION_WINDOWS, GLOBAL_WINDOWS)
    }

    pub(crate) fn with_windows(
        timer: Arc<dyn Timer>,
        lane_windows: &'static [Window],
        global_windows: &'static [Window],
    ) -> Throttle {
        Throttle {
            timer,
            lane_windows,
            global_windows,
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update leaves the state consistent, so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until one more request on `lane` fits every window, and records it.
    pub(crate) async fn acquire(&self, lane: &str) {
        loop {
            let wait_until = {
                let mut state = self.lock();
                match self.try_take(&mut state, lane) {
                    None => return,
                    Some(at) => at,
                }
            };
            self.timer.sleep_until(wait_until).await;
        }
    }

    /// Records a request now when it fits, else says when to look again.
    fn try_take(&self, state: &mut State, lane: &str) -> Option<Instant> {
        let now = self.timer.now();
        prune(&mut state.global, self.global_windows, now);
        let mut at = earliest(&state.global, self.global_windows, now);
        if let Some(stamps) = state.lanes.get_mut(lane) {
            prune(stamps, self.lane_windows, now);
            at = at.max(earliest(stamps, self.lane_windows, now));
        }
        if at > now {
            return Some(at);
        }
        state.global.push_back(now);
        state
            .lanes
            .entry(lane.to_owned())
            .or_default()
            .push_back(now);
        state.grants_since_sweep += 1;
        if state.grants_since_sweep >= SWEEP_EVERY {
            state.grants_since_sweep = 0;
            let windows = self.lane_windows;
            state.lanes.retain(|_, stamps| {
                prune(stamps, windows, now);
                !stamps.is_empty()
            });
        }
        None
    }

    /// How many lanes are remembered (tests).
    #[cfg(test)]
    fn lanes(&self) -> usize {
        self.lock().lanes.len()
    }
}

/// Drops instants older than the longest window.
fn prune(stamps: &mut VecDeque<Instant>, windows: &[Window], now: Instant) {
    let longest = windows.iter().map(|w| w.1).max().unwrap_or_default();
    while stamps.front().is_some_and(|s| *s + longest <= now) {
        stamps.pop_front();
    }
}

/// The first instant (not before `now`) at which one more request fits every window.
/// A window `(n, d)` holds the requests in `(t - d, t]`.
fn earliest(stamps: &VecDeque<Instant>, windows: &[Window], now: Instant) -> Instant {
    windows
        .iter()
        .filter(|(n, _)| *n > 0 && stamps.len() >= *n)
        .filter_map(|(n, d)| stamps.get(stamps.len() - n).map(|s| *s + *d))
        .fold(now, Instant::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::teams::connector::timer::TokioTimer;

    /// Fails when some window of length `d` starting at a request holds more than `n`.
    fn assert_windows(stamps: &[Instant], windows: &[Window]) {
        let mut sorted = stamps.to_vec();
        sorted.sort();
        for (n, d) in windows {
            for (i, start) in sorted.iter().enumerate() {
                let inside = sorted[i..].iter().take_while(|t| **t < *start + *d).count();
                assert!(inside <= *n, "{inside} requests within {d:?} (limit {n})");
            }
        }
    }

    async fn run(throttle: Arc<Throttle>, lanes: Vec<String>) -> Vec<(String, Instant)> {
        let mut tasks = Vec::new();
        for lane in lanes {
            let throttle = throttle.clone();
            tasks.push(tokio::spawn(async move {
                throttle.acquire(&lane).await;
                (lane, Instant::now())
            }));
        }
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.unwrap());
        }
        out
    }

    #[tokio::test(start_paused = true)]
    async fn one_conversation_broadcast_respects_every_window() {
        let throttle = Arc::new(Throttle::new(Arc::new(TokioTimer)));
        let start = Instant::now();
        let grants = run(throttle, vec!["conv".to_owned(); 200]).await;
        let stamps: Vec<Instant> = grants.iter().map(|g| g.1).collect();
        assert_eq!(stamps.len(), 200);
        assert_windows(&stamps, CONVERSATION_WINDOWS);
        // 60 per 30 s: the 181st request cannot go before 90 s; 8 per 2 s then paces the rest.
        let last = stamps.iter().max().unwrap().duration_since(start);
        assert!(last >= Duration::from_secs(90), "{last:?}");
        assert!(last <= Duration::from_secs(100), "{last:?}");
        // The first seven go at once.
        assert_eq!(stamps.iter().filter(|s| **s == start).count(), 7);
    }

    #[tokio::test(start_paused = true)]
    async fn many_conversations_respect_the_global_ceiling() {
        let throttle = Arc::new(Throttle::new(Arc::new(TokioTimer)));
        let start = Instant::now();
        let lanes = (0..200).map(|i| format!("conv-{i}")).collect();
        let grants = run(throttle, lanes).await;
        let stamps: Vec<Instant> = grants.iter().map(|g| g.1).collect();
        assert_windows(&stamps, GLOBAL_WINDOWS);
        let last = stamps.iter().max().unwrap().duration_since(start);
        assert_eq!(last, Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn lanes_are_independent_below_the_global_ceiling() {
        let throttle = Arc::new(Throttle::new(Arc::new(TokioTimer)));
        let start = Instant::now();
        let lanes = (0..35).map(|i| format!("conv-{}", i % 5)).collect();
        let grants = run(throttle, lanes).await;
        // Five lanes of seven: all within the first instant.
        assert!(grants.iter().all(|g| g.1 == start));
    }

    #[tokio::test(start_paused = true)]
    async fn idle_lanes_are_forgotten() {
        let throttle = Throttle::new(Arc::new(TokioTimer));
        for i in 0..SWEEP_EVERY {
            throttle.acquire(&format!("old-{i}")).await;
        }
        assert!(throttle.lanes() >= SWEEP_EVERY - 1);
        tokio::time::advance(Duration::from_secs(3601)).await;
        for i in 0..SWEEP_EVERY {
            throttle.acquire(&format!("new-{}", i % 3)).await;
            tokio::time::advance(Duration::from_secs(1)).await;
        }
        assert!(throttle.lanes() <= 3, "{}", throttle.lanes());
    }

    #[test]
    fn earliest_waits_for_the_oldest_request_of_a_full_window() {
        let now = Instant::now();
        let windows: &[Window] = &[(2, Duration::from_secs(10))];
        let mut stamps = VecDeque::new();
        assert_eq!(earliest(&stamps, windows, now), now);
        stamps.push_back(now);
        assert_eq!(earliest(&stamps, windows, now), now);
        stamps.push_back(now + Duration::from_secs(1));
        assert_eq!(
            earliest(&stamps, windows, now + Duration::from_secs(1)),
            now + Duration::from_secs(10)
        );
        prune(&mut stamps, windows, now + Duration::from_secs(10));
        assert_eq!(stamps.len(), 1);
    }
}
