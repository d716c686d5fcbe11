//! The Virbela families: `virbela_requests_total{endpoint,outcome}` and
//! `virbela_request_duration_seconds{endpoint}`, recorded by
//! [`crate::virbela::VirbelaClient`] for **every attempt**, retries included: the
//! counter is what Virbela saw (a rate-limited GET retried twice counts two
//! `rate_limited` and one `ok`), and the histogram times each attempt alone, back-off
//! excluded. `endpoint` is a template (`GET /User/{id}`), never an id.

use std::time::Duration;

use super::Metrics;
use super::labels::{EndpointLabels, VirbelaLabels};
use crate::virbela::VirbelaError;

/// The outcome of an attempt that got a usable answer.
pub const OK: &str = "ok";

/// The client's endpoint names (`Call::endpoint`) and the templates exposed for them.
pub const ENDPOINTS: [(&str, &str); 15] = [
    ("users.list", "GET /User"),
    ("users.get", "GET /User/{id}"),
    ("users.invite", "POST /User/Invitation"),
    ("users.suspend", "POST /User/Membership/suspend"),
    ("users.delete", "POST /User/Membership/deleteMember"),
    ("profiles.list", "GET /MemberProfile"),
    ("profiles.get", "GET /MemberProfile/{id}"),
    ("profiles.update", "PUT /MemberProfile/{id}"),
    ("rooms.list", "GET /Rooms/World/{clientName}"),
    ("attendance.room", "GET /User/Attendance/Room/{id}"),
    (
        "attendance.private_volume",
        "GET /User/Attendance/PrivateVolume/{id}",
    ),
    ("waitlist.called", "GET /Activity/Waitlist/Called"),
    ("waitlist.help_done", "GET /Activity/Waitlist/HelpDone"),
    ("waitlist.support_end", "GET /Activity/Waitlist/SupportEnd"),
    ("spaces.create", "POST /api/purchase"),
];

/// The template for a client endpoint name; `other` for a name not listed (a new
/// endpoint not yet added here), never the name's own value.
pub fn template(endpoint: &str) -> &'static str {
    ENDPOINTS
        .iter()
        .find(|(name, _)| *name == endpoint)
        .map_or("other", |(_, template)| template)
}

/// The outcome label of an attempt: `ok` or the error's kind (`unauthorized`,
/// `not_found`, `invalid`, `rate_limited`, `server_error`, `timeout`, `transport`,
/// `unexpected_body`).
pub fn outcome(error: Option<&VirbelaError>) -> &'static str {
    error.map_or(OK, VirbelaError::kind)
}

/// Records one attempt at `endpoint` (the client's name for it) in the process registry.
pub fn record_attempt(endpoint: &str, error: Option<&VirbelaError>, elapsed: Duration) {
    super::global().record_virbela(endpoint, error, elapsed);
}

impl Metrics {
    pub fn record_virbela(&self, endpoint: &str, error: Option<&VirbelaError>, elapsed: Duration) {
        let endpoint = template(endpoint);
        self.virbela_requests
            .get_or_create(&VirbelaLabels {
                endpoint,
                outcome: outcome(error),
            })
            .inc();
        self.virbela_duration
            .get_or_create(&EndpointLabels { endpoint })
            .observe(elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_carry_no_ids_and_unknown_names_are_other() {
        assert_eq!(template("users.get"), "GET /User/{id}");
        assert_eq!(template("users.list"), "GET /User");
        assert_eq!(template("users.suspend"), "POST /User/Membership/suspend");
        assert_eq!(
            template("attendance.room"),
            "GET /User/Attendance/Room/{id}"
        );
        assert_eq!(template("something.new"), "other");
        let names: std::collections::HashSet<_> = ENDPOINTS.iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), ENDPOINTS.len(), "a name listed twice");
    }

    #[test]
    fn attempts_are_counted_by_template_and_outcome() {
        let metrics = Metrics::new();
        let limited = VirbelaError::RateLimited {
            retry_after: None,
            request_id: None,
        };
        metrics.record_virbela("users.list", Some(&limited), Duration::from_millis(30));
        metrics.record_virbela("users.list", None, Duration::from_millis(40));
        let text = metrics.encode_with(None).expect("encodes");
        for line in [
            r#"virbela_bot_virbela_requests_total{endpoint="GET /User",outcome="rate_limited"} 1"#,
            r#"virbela_bot_virbela_requests_total{endpoint="GET /User",outcome="ok"} 1"#,
            r#"virbela_bot_virbela_requests_total{endpoint="GET /User/{id}",outcome="ok"} 0"#,
            r#"virbela_bot_virbela_request_duration_seconds_count{endpoint="GET /User"} 2"#,
        ] {
            assert!(text.contains(line), "missing {line}:\n{text}");
        }
    }
}
