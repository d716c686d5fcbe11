//! Scheduled reports on the console: a [`ReportSink`] that writes each post into
//! `<dir>/<channel>/`: the summary as plain text (`<stamp>-report.txt`, rendered as the
//! console renders replies) and the attachments beside it (`<stamp>-<filename>`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use futures::future::BoxFuture;

use crate::core::Reply;
use crate::schedule::{DeliveryError, Destination, ReportSink};

/// Writes reports under a directory, one folder per channel.
#[derive(Debug)]
pub struct ConsoleReportSink {
    dir: PathBuf,
    seq: AtomicU64,
}

impl ConsoleReportSink {
    pub fn new(dir: impl Into<PathBuf>) -> ConsoleReportSink {
        ConsoleReportSink {
            dir: dir.into(),
            seq: AtomicU64::new(0),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// A channel name safe as one path component.
fn folder(channel: &str) -> String {
    let name: String = channel
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "_".to_string()
    } else {
        name
    }
}

impl ReportSink for ConsoleReportSink {
    fn deliver<'a>(
        &'a self,
        destination: &'a Destination,
        reply: &'a Reply,
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let dir = self.dir.join(folder(&destination.channel));
            let fail = |e: std::io::Error| {
                DeliveryError::Failed(format!("cannot write to {}: {e}", dir.display()))
            };
            tokio::fs::create_dir_all(&dir).await.map_err(fail)?;
            let stamp = format!(
                "{}-{:04}",
                chrono::Utc::now().format("%Y%m%dT%H%M%S"),
                self.seq.fetch_add(1, Ordering::Relaxed)
            );
            let text = crate::console::render_text(reply);
            tokio::fs::write(dir.join(format!("{stamp}-report.txt")), text)
                .await
                .map_err(fail)?;
            for file in &reply.attachments {
                let name: String = file
                    .filename
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || "._-".contains(c) {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let name = name.trim_start_matches('.');
                tokio::fs::write(dir.join(format!("{stamp}-{name}")), &file.bytes)
                    .await
                    .map_err(fail)?;
            }
            Ok(())
        })
    }
}
