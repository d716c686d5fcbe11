//! [`RequestTurns`]: one change at a time per approval request, for notifiers that
//! rebuild and replace a request's card (Slack, Teams), so concurrent events for the same
//! request cannot leave an older card on top.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// A lock per request id, forgotten once nobody holds or waits for it.
#[derive(Debug, Default)]
pub struct RequestTurns {
    busy: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl RequestTurns {
    /// Waits for request `id`'s turn; the turn ends when the guard is dropped.
    pub async fn take(&self, id: i64) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
            busy.retain(|_, lock| Arc::strong_count(lock) > 1);
            busy.entry(id).or_default().clone()
        };
        lock.lock_owned().await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn one_turn_per_request_at_a_time() {
        let turns = RequestTurns::default();
        let first = turns.take(1).await;
        // Another request is not held up.
        let _other = turns.take(2).await;
        let waiting = tokio::time::timeout(Duration::from_millis(50), turns.take(1)).await;
        assert!(waiting.is_err(), "request 1 is busy");
        drop(first);
        let again = tokio::time::timeout(Duration::from_millis(500), turns.take(1)).await;
        assert!(again.is_ok(), "free once the first turn ended");
    }
}
