//! [`track_http`]: the middleware that records `http_requests_total`,
//! `http_request_duration_seconds` and, for the Slack routes, `slack_ack_duration_seconds`.
//! The route is axum's `MatchedPath` (a template such as `/files/{id}`), `unmatched` for
//! 404s: never the raw path (unbounded values; signed links carry their signature in the
//! query).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;

use super::Metrics;
use super::labels::{HttpLabels, Route, RouteLabels, method_label};

/// The Slack endpoints, whose ack series exist from the start.
pub const SLACK_ROUTES: [RouteLabels; 3] = [
    RouteLabels {
        route: Route::Known("/slack/commands"),
    },
    RouteLabels {
        route: Route::Known("/slack/interactions"),
    },
    RouteLabels {
        route: Route::Known("/slack/events"),
    },
];

/// `axum::middleware::from_fn` body, layered on the whole router (`Router::layer`, so
/// the route is matched before it runs). Costs two `Instant::now`, an `Arc` clone, two
/// or three hash look-ups and atomic adds per request.
pub async fn track_http(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = match request.extensions().get::<MatchedPath>() {
        Some(path) => Route::Matched(path.clone()),
        None => Route::Unmatched,
    };
    let method = method_label(request.method());
    let response = next.run(request).await;
    super::global().record_http(
        route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

impl Metrics {
    /// One answered HTTP request.
    pub fn record_http(&self, route: Route, method: &'static str, status: u16, seconds: f64) {
        if status == 200 && method == "POST" {
            if let Some(hot) = self.hot.iter().find(|h| h.route == route.as_str()) {
                hot.duration.observe(seconds);
                hot.ack.observe(seconds);
                hot.ok.inc();
                return;
            }
        }
        let slack = route.is_slack();
        let labels = RouteLabels { route };
        self.http_duration.get_or_create(&labels).observe(seconds);
        if slack {
            self.slack_ack.get_or_create(&labels).observe(seconds);
        }
        self.http_requests
            .get_or_create(&HttpLabels {
                route: labels.route,
                method,
                status,
            })
            .inc();
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::{get, post};
    use tower::ServiceExt;

    use super::*;

    fn app() -> Router {
        Router::new()
            .route("/things/{id}", get(|| async { "thing" }))
            .route("/slack/commands", post(|| async { "ack" }))
            .layer(axum::middleware::from_fn(track_http))
    }

    async fn send(method: &str, uri: &str) -> StatusCode {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .expect("request");
        app().oneshot(request).await.expect("answer").status()
    }

    #[tokio::test]
    async fn the_layer_records_templates_and_unmatched_never_raw_paths() {
        assert_eq!(
            send("GET", "/things/secret-42?sig=abc").await,
            StatusCode::OK
        );
        assert_eq!(send("GET", "/no/such/path").await, StatusCode::NOT_FOUND);
        assert_eq!(send("POST", "/slack/commands").await, StatusCode::OK);
        let text = super::super::encode_global();
        assert!(
            text.contains(
                r#"virbela_bot_http_requests_total{route="/things/{id}",method="GET",status="200"}"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"virbela_bot_http_requests_total{route="unmatched",method="GET",status="404"}"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"virbela_bot_slack_ack_duration_seconds_count{route="/slack/commands"}"#
            ),
            "{text}"
        );
        assert!(
            !text.contains("secret-42") && !text.contains("sig=") && !text.contains("/no/such")
        );
    }

    #[test]
    fn durations_land_in_their_buckets_and_slack_routes_get_the_ack_histogram() {
        let metrics = Metrics::new();
        metrics.record_http(Route::Known("/slack/events"), "POST", 200, 0.0007);
        metrics.record_http(Route::Known("/healthz"), "GET", 200, 0.02);
        let text = metrics.encode_with(None).expect("encodes");
        for line in [
            r#"virbela_bot_slack_ack_duration_seconds_bucket{le="0.0005",route="/slack/events"} 0"#,
            r#"virbela_bot_slack_ack_duration_seconds_bucket{le="0.001",route="/slack/events"} 1"#,
            r#"virbela_bot_slack_ack_duration_seconds_bucket{le="3.0",route="/slack/events"} 1"#,
            r#"virbela_bot_http_request_duration_seconds_bucket{le="0.01",route="/healthz"} 0"#,
            r#"virbela_bot_http_request_duration_seconds_bucket{le="0.025",route="/healthz"} 1"#,
            r#"virbela_bot_http_requests_total{route="/healthz",method="GET",status="200"} 1"#,
        ] {
            assert!(text.contains(line), "missing {line}:\n{text}");
        }
        assert!(!text.contains(r#"slack_ack_duration_seconds_count{route="/healthz"}"#));
    }
}
