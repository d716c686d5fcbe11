//! Prometheus metrics: the process-wide registry ([`global`], a `OnceLock`: metrics are
//! process-global by nature), what records into it, and `GET /metrics` ([`router`]).
//!
//! This module owns every family's name, labels and buckets (`virbela_bot_` prefix,
//! prometheus-client appends `_total` to counters and the unit to histograms):
//!
//! - `http_requests_total{route,method,status}`, `http_request_duration_seconds{route}`
//!   and `slack_ack_duration_seconds{route}` for `/slack/*`, by the [`track_http`]
//!   middleware ([`http`]); `route` is the matched template or `unmatched`;
//! - `virbela_requests_total{endpoint,outcome}` and
//!   `virbela_request_duration_seconds{endpoint}`, per attempt, from the Virbela client
//!   ([`virbela`]);
//! - `schedule_runs_total{outcome}` and `schedule_lag_seconds`, from the scheduled-report
//!   runner ([`schedule`]);
//! - `platform_api_requests_total{platform,outcome}` and
//!   `platform_api_errors_total{platform,kind}`, from the Slack Web API client and the
//!   Teams connector ([`platform`]);
//! - `approvals{state}` and `store_up`, read from the store at scrape time ([`scrape`]);
//! - `build_info{version}` = 1.
//!
//! Labels are fixed words or templates ([`labels`]): never an id, a raw path, a user, an
//! e-mail or a secret. Recording costs atomic adds and, for histograms, one uncontended
//! lock; a family's map is write-locked only the first time a label set appears.

pub mod http;
pub mod labels;
pub mod platform;
pub mod registry;
pub mod schedule;
pub mod scrape;
pub mod virbela;

use std::sync::OnceLock;

use prometheus_client::encoding::text;

pub use http::track_http;
pub use registry::Metrics;
pub use scrape::router;

use crate::approvals::ApprovalState;

static GLOBAL: OnceLock<Metrics> = OnceLock::new();

/// The process's families (created on first use).
pub fn global() -> &'static Metrics {
    GLOBAL.get_or_init(Metrics::new)
}

impl Metrics {
    /// The exposition: these families, then the scrape-time ones (`approvals` when the
    /// store answered, `store_up`), then `# EOF`.
    pub fn encode_with(
        &self,
        approvals: Option<&[(ApprovalState, i64)]>,
    ) -> Result<String, std::fmt::Error> {
        let mut out = String::with_capacity(16 * 1024);
        text::encode_registry(&mut out, &self.registry)?;
        text::encode_registry(&mut out, &scrape::store_registry(approvals))?;
        text::encode_eof(&mut out)?;
        Ok(out)
    }
}

/// The process registry encoded without the store families (tests, debugging).
pub fn encode_global() -> String {
    global().encode_with(None).unwrap_or_default()
}
