//! [`Metrics`]: every family of the process, registered once in one [`Registry`] under
//! the `virbela_bot_` prefix, and the buckets of its histograms.

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use super::labels::{
    EndpointLabels, HttpLabels, OutcomeLabels, PlatformErrorLabels, PlatformLabels, RouteLabels,
    VersionLabels, VirbelaLabels,
};

/// The prefix of every family name.
pub const PREFIX: &str = "virbela_bot";

/// Any HTTP request: 1 ms … 30 s.
pub const HTTP_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// The Slack ack (it must answer within 3 s; it usually takes well under 1 ms).
pub const SLACK_ACK_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0,
];
/// One Virbela attempt: 10 ms … 30 s (the client's default timeout is below that).
pub const VIRBELA_BUCKETS: &[f64] = &[0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// A scheduled post's lag behind its due time: 1 s … 6 h (the default missed-run grace;
/// retries come after 1, 5 and 15 min).
pub const SCHEDULE_LAG_BUCKETS: &[f64] = &[
    1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 21600.0,
];

/// A histogram family's constructor (a plain function: cheap, `Send + Sync`).
pub type Histograms = fn() -> Histogram;

fn http_histogram() -> Histogram {
    Histogram::new(HTTP_BUCKETS.iter().copied())
}

fn slack_ack_histogram() -> Histogram {
    Histogram::new(SLACK_ACK_BUCKETS.iter().copied())
}

fn virbela_histogram() -> Histogram {
    Histogram::new(VIRBELA_BUCKETS.iter().copied())
}

/// The recorded families. Handles are `Arc`s inside: recording is an atomic add or an
/// uncontended lock of one histogram; a family's map is write-locked only the first
/// time a label set is seen.
#[derive(Debug)]
pub struct Metrics {
    pub(crate) registry: Registry,
    pub(crate) http_requests: Family<HttpLabels, Counter>,
    pub(crate) http_duration: Family<RouteLabels, Histogram, Histograms>,
    pub(crate) slack_ack: Family<RouteLabels, Histogram, Histograms>,
    pub(crate) virbela_requests: Family<VirbelaLabels, Counter>,
    pub(crate) virbela_duration: Family<EndpointLabels, Histogram, Histograms>,
    pub(crate) schedule_runs: Family<OutcomeLabels, Counter>,
    pub(crate) schedule_lag: Histogram,
    pub(crate) platform_requests: Family<PlatformLabels, Counter>,
    pub(crate) platform_errors: Family<PlatformErrorLabels, Counter>,
    /// Handles of the Slack routes' usual answer (POST, 200), held so the ack path records
    /// without looking them up in the families' maps (their locks and hashing cost ~10 %
    /// of the ack path's throughput under load).
    pub(crate) hot: Vec<HotRoute>,
}

/// The series one Slack route's `POST` answered `200` records into.
#[derive(Debug, Clone)]
pub(crate) struct HotRoute {
    pub route: &'static str,
    pub duration: Histogram,
    pub ack: Histogram,
    pub ok: Counter,
}

impl Metrics {
    /// A fresh set of families (the process uses one, [`super::global`]; tests make
    /// their own to count exactly).
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix(PREFIX);
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests served, by matched route (`unmatched` for 404s), method and status",
            http_requests.clone(),
        );
        let http_duration: Family<RouteLabels, Histogram, Histograms> =
            Family::new_with_constructor(http_histogram);
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request (until the response head), by matched route",
            Unit::Seconds,
            http_duration.clone(),
        );
        let slack_ack: Family<RouteLabels, Histogram, Histograms> =
            Family::new_with_constructor(slack_ack_histogram);
        registry.register_with_unit(
            "slack_ack_duration",
            "Time to acknowledge a Slack request (Slack gives up after 3 s), by route",
            Unit::Seconds,
            slack_ack.clone(),
        );
        let virbela_requests = Family::<VirbelaLabels, Counter>::default();
        registry.register(
            "virbela_requests",
            "Virbela API attempts (retries included), by endpoint template and outcome",
            virbela_requests.clone(),
        );
        let virbela_duration: Family<EndpointLabels, Histogram, Histograms> =
            Family::new_with_constructor(virbela_histogram);
        registry.register_with_unit(
            "virbela_request_duration",
            "Time of one Virbela API attempt, by endpoint template",
            Unit::Seconds,
            virbela_duration.clone(),
        );
        let schedule_runs = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "schedule_runs",
            "Scheduled-report runs ended, by outcome",
            schedule_runs.clone(),
        );
        let schedule_lag = Histogram::new(SCHEDULE_LAG_BUCKETS.iter().copied());
        registry.register_with_unit(
            "schedule_lag",
            "How long after its due time a scheduled report was posted",
            Unit::Seconds,
            schedule_lag.clone(),
        );
        let platform_requests = Family::<PlatformLabels, Counter>::default();
        registry.register(
            "platform_api_requests",
            "Slack Web API calls and Teams connector attempts, by platform and outcome (ok, error)",
            platform_requests.clone(),
        );
        let platform_errors = Family::<PlatformErrorLabels, Counter>::default();
        registry.register(
            "platform_api_errors",
            "Failed Slack Web API calls and Teams connector attempts, by platform and kind",
            platform_errors.clone(),
        );
        let build_info = Family::<VersionLabels, Gauge>::default();
        build_info
            .get_or_create(&VersionLabels {
                version: env!("CARGO_PKG_VERSION"),
            })
            .set(1);
        registry.register(
            "build_info",
            "Always 1; the running version is the label",
            build_info,
        );
        let hot = super::http::SLACK_ROUTES
            .iter()
            .map(|labels| {
                let route = match labels.route {
                    super::labels::Route::Known(path) => path,
                    _ => "",
                };
                HotRoute {
                    route,
                    duration: http_duration.get_or_create(labels).clone(),
                    ack: slack_ack.get_or_create(labels).clone(),
                    ok: http_requests
                        .get_or_create(&HttpLabels {
                            route: super::labels::Route::Known(route),
                            method: "POST",
                            status: 200,
                        })
                        .clone(),
                }
            })
            .collect();
        let metrics = Metrics {
            registry,
            http_requests,
            http_duration,
            slack_ack,
            hot,
            virbela_requests,
            virbela_duration,
            schedule_runs,
            schedule_lag,
            platform_requests,
            platform_errors,
        };
        metrics.precreate();
        metrics
    }

    /// Creates the label sets known up front: they are exposed as 0 from the start (no
    /// missing series for rate()), and their first use takes no write lock.
    fn precreate(&self) {
        for route in super::http::SLACK_ROUTES {
            let _ = self.slack_ack.get_or_create(&route);
        }
        for endpoint in super::virbela::ENDPOINTS
            .iter()
            .map(|(_, template)| *template)
        {
            let _ = self.virbela_requests.get_or_create(&VirbelaLabels {
                endpoint,
                outcome: super::virbela::OK,
            });
            let _ = self
                .virbela_duration
                .get_or_create(&EndpointLabels { endpoint });
        }
        for outcome in super::schedule::ScheduleOutcome::ALL {
            let _ = self.schedule_runs.get_or_create(&OutcomeLabels {
                outcome: outcome.as_str(),
            });
        }
        for platform in super::platform::Platform::ALL {
            for outcome in ["ok", "error"] {
                let _ = self.platform_requests.get_or_create(&PlatformLabels {
                    platform: platform.as_str(),
                    outcome,
                });
            }
            for kind in super::platform::ErrorKind::ALL {
                let _ = self.platform_errors.get_or_create(&PlatformErrorLabels {
                    platform: platform.as_str(),
                    kind: kind.as_str(),
                });
            }
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
