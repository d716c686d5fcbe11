//! Where scheduled reports go: a platform-neutral [`ReportSink`] per platform (`slack`,
//! `console`, later `teams`), registered in [`ReportSinks`]. The runner posts every
//! report, failure notice and pause notice through it; adapters implement it.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use futures::future::BoxFuture;

use crate::core::Reply;

/// A channel on one platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Destination {
    /// `slack`, `teams` or `console`.
    pub platform: String,
    /// The channel or conversation id (a folder name for the console).
    pub channel: String,
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.channel)
    }
}

/// Why a delivery failed; the message is shown in the run's record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("no adapter delivers to {0} in this process")]
    NoSink(String),
    #[error("{0}")]
    Failed(String),
}

/// Posts a reply (summary, then its attachments) to a destination.
pub trait ReportSink: Send + Sync + fmt::Debug {
    fn deliver<'a>(
        &'a self,
        destination: &'a Destination,
        reply: &'a Reply,
    ) -> BoxFuture<'a, Result<(), DeliveryError>>;
}

/// The sinks, by platform. Cheap to clone; registering replaces the platform's sink.
#[derive(Debug, Clone, Default)]
pub struct ReportSinks {
    sinks: Arc<RwLock<HashMap<String, Arc<dyn ReportSink>>>>,
}

impl ReportSinks {
    pub fn register(&self, platform: &str, sink: Arc<dyn ReportSink>) {
        if let Ok(mut sinks) = self.sinks.write() {
            sinks.insert(platform.to_string(), sink);
        }
    }

    /// Whether some adapter delivers to `platform`.
    pub fn has(&self, platform: &str) -> bool {
        self.sinks
            .read()
            .map(|s| s.contains_key(platform))
            .unwrap_or(false)
    }

    pub async fn deliver(
        &self,
        destination: &Destination,
        reply: &Reply,
    ) -> Result<(), DeliveryError> {
        let sink = self
            .sinks
            .read()
            .ok()
            .and_then(|s| s.get(&destination.platform).cloned())
            .ok_or_else(|| DeliveryError::NoSink(destination.platform.clone()))?;
        sink.deliver(destination, reply).await
    }
}
