//! `GET /metrics`: the real `serve` exposing the HTTP, Slack ack, store and build
//! families after a few requests; and, in this process, the Virbela client's and the
//! Slack Web API client's families recorded into the process registry.

use secrecy::SecretString;
use virbela_bot::sandbox::SandboxOptions;
use virbela_bot::virbela::{ClientOptions, VirbelaClient};

use crate::harness::{self, Server};

/// The value of the series `series` (name and labels exactly as exposed), if present.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

fn at_least(text: &str, series: &str, min: f64) {
    let got = value(text, series).unwrap_or_else(|| panic!("no series {series} in:\n{text}"));
    assert!(got >= min, "{series} is {got}, expected at least {min}");
}

#[tokio::test]
async fn serve_exposes_http_slack_store_and_build_families() {
    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut server = Server::start(&harness::env(&sandbox, dir.path(), port), dir.path(), port);
    let http = reqwest::Client::new();
    server.wait_healthy(&http).await;

    let get = |path: &str| http.get(format!("{}{path}", server.base)).send();
    assert_eq!(get("/healthz").await.expect("healthz").status(), 200);
    assert_eq!(get("/readyz").await.expect("readyz").status(), 200);
    let missing = get("/no/such/thing?sig=SECRETSIG").await.expect("404");
    assert_eq!(missing.status(), 404);

    let body = harness::slash_command("UADMIN", "help");
    let (ts, sig) = harness::signature(&body);
    let signed = http
        .post(format!("{}/slack/commands", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", ts)
        .header("x-slack-signature", sig)
        .body(body.clone())
        .send()
        .await
        .expect("signed command");
    assert_eq!(signed.status(), 200, "{}", server.log());
    let unsigned = http
        .post(format!("{}/slack/commands", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("unsigned command");
    assert_eq!(unsigned.status(), 401);

    let response = get("/metrics").await.expect("metrics");
    assert_eq!(response.status(), 200, "{}", server.log());
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    let text = response.text().await.expect("body");

    at_least(
        &text,
        r#"virbela_bot_http_requests_total{route="/healthz",method="GET",status="200"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_http_requests_total{route="/readyz",method="GET",status="200"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_http_requests_total{route="unmatched",method="GET",status="404"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_http_requests_total{route="/slack/commands",method="POST",status="200"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_http_requests_total{route="/slack/commands",method="POST",status="401"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_http_request_duration_seconds_count{route="/healthz"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_slack_ack_duration_seconds_count{route="/slack/commands"}"#,
        2.0,
    );
    at_least(
        &text,
        r#"virbela_bot_slack_ack_duration_seconds_bucket{le="3.0",route="/slack/commands"}"#,
        2.0,
    );
    assert!(
        text.contains(
            r#"virbela_bot_slack_ack_duration_seconds_bucket{le="0.0005",route="/slack/commands"}"#
        ),
        "{text}"
    );
    // Read from the store at scrape time: a fresh store has no requests.
    assert_eq!(value(&text, "virbela_bot_store_up"), Some(1.0), "{text}");
    assert_eq!(
        value(&text, r#"virbela_bot_approvals{state="pending"}"#),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            &format!(
                r#"virbela_bot_build_info{{version="{}"}}"#,
                env!("CARGO_PKG_VERSION")
            )
        ),
        Some(1.0),
        "{text}"
    );
    // Families recorded elsewhere exist from the start, at 0.
    for family in [
        r#"virbela_bot_virbela_requests_total{endpoint="GET /User",outcome="ok"}"#,
        r#"virbela_bot_schedule_runs_total{outcome="posted"}"#,
        r#"virbela_bot_platform_api_requests_total{platform="slack",outcome="ok"}"#,
        r#"virbela_bot_platform_api_errors_total{platform="teams",kind="rate_limited"}"#,
        "virbela_bot_schedule_lag_seconds_count",
    ] {
        assert!(value(&text, family).is_some(), "no {family} in:\n{text}");
    }
    assert!(text.ends_with("# EOF\n"), "{text}");
    for leak in ["SECRETSIG", "/no/such", "UADMIN", "sandbox-secret"] {
        assert!(!text.contains(leak), "`{leak}` leaked into:\n{text}");
    }
}

#[tokio::test]
async fn virbela_attempts_are_counted_by_endpoint_template_and_outcome() {
    let sandbox = harness::sandbox().await;
    let options = SandboxOptions {
        seed: None,
        ..SandboxOptions::default()
    };
    let campus = options.campus(&sandbox.base_url()).expect("campus");
    let client = VirbelaClient::new(campus, ClientOptions::default()).expect("client");
    client.users_page(10, 0).await.expect("users");

    let refused = SandboxOptions {
        client_secret: "not-the-secret".into(),
        ..options
    }
    .campus(&sandbox.base_url())
    .expect("campus");
    let refused = VirbelaClient::new(refused, ClientOptions::default()).expect("client");
    assert!(refused.users_page(10, 0).await.is_err());

    let text = virbela_bot::metrics::encode_global();
    at_least(
        &text,
        r#"virbela_bot_virbela_requests_total{endpoint="GET /User",outcome="ok"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_virbela_requests_total{endpoint="GET /User",outcome="unauthorized"}"#,
        1.0,
    );
    at_least(
        &text,
        r#"virbela_bot_virbela_request_duration_seconds_count{endpoint="GET /User"}"#,
        2.0,
    );
    assert!(!text.contains("not-the-secret"));
}

#[tokio::test]
async fn slack_web_api_failures_are_counted() {
    let port = harness::free_port();
    let url = format!("http://127.0.0.1:{port}/api/")
        .parse()
        .expect("url");
    let web = virbela_bot::slack::web::SlackWeb::new(&url, &SecretString::from("xoxb-test"))
        .expect("client");
    assert!(web.user_time_zone("U0001").await.is_err());
    let text = virbela_bot::metrics::encode_global();
    at_least(
        &text,
        r#"virbela_bot_platform_api_requests_total{platform="slack",outcome="error"}"#,
        1.0,
    );
    assert!(!text.contains("xoxb-test") && !text.contains("U0001"));
}
