//! Failures: rotated credentials, retries of GETs and not of POSTs, Retry-After, HTML
//! error pages, timeouts.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::json;
use virbela_bot::virbela::models::Invitation;
use virbela_bot::virbela::{ClientOptions, VirbelaError};

use crate::helpers::{TestCampus, fast_options, user};

#[tokio::test]
async fn rotated_credentials_give_the_unauthorized_error_with_its_hint() {
    let campus = TestCampus::seeded().await;
    assert!(campus.client.rooms().await.is_ok());
    campus
        .control(
            "credentials",
            json!({ "clientId": "new-id", "clientSecret": "new-secret" }),
        )
        .await;

    let err = campus.client.rooms().await.expect_err("old pair refused");

    assert!(
        matches!(
            err,
            VirbelaError::Unauthorized {
                request_id: Some(_)
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("rotated") && text.contains("dashboard → world → integrations"),
        "{text}"
    );
    assert_eq!(
        campus
            .calls()
            .await
            .iter()
            .filter(|c| c["status"] == json!(401))
            .count(),
        1,
        "401 is not retried"
    );
}

#[tokio::test]
async fn injected_500s_on_a_get_are_retried_to_success() {
    let campus = TestCampus::empty().await;
    campus
        .add_users(vec![user("a@campus.test", "A", "One")])
        .await;
    campus.clear_calls().await;
    campus
        .control(
            "faults",
            json!({ "status": 500, "count": 2, "pathPrefix": "/User" }),
        )
        .await;

    let page = campus
        .client
        .users_page(10, 0)
        .await
        .expect("third attempt succeeds");

    assert_eq!(page.len(), 1);
    let statuses: Vec<_> = campus
        .calls()
        .await
        .iter()
        .map(|c| c["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(500), json!(500), json!(200)]);
}

#[tokio::test]
async fn a_post_is_not_retried_after_a_500() {
    let campus = TestCampus::empty().await;
    campus
        .control("faults", json!({ "status": 500, "count": 1 }))
        .await;

    let result = campus
        .client
        .invite(&Invitation::new("x@campus.test".parse().expect("email")))
        .await;

    assert!(
        matches!(result, Err(VirbelaError::Server { status: 500, .. })),
        "{result:?}"
    );
    assert_eq!(campus.calls().await.len(), 1, "exactly one POST was sent");
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured_for_gets_and_posts() {
    let campus = TestCampus::empty().await;
    campus
        .control(
            "faults",
            json!({ "status": 429, "retryAfter": 1, "count": 1 }),
        )
        .await;
    let started = Instant::now();
    let users: Vec<_> = campus
        .client
        .users()
        .try_collect()
        .await
        .expect("after waiting");
    assert!(users.is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );

    campus
        .control(
            "faults",
            json!({ "status": 429, "retryAfter": 1, "count": 1 }),
        )
        .await;
    let started = Instant::now();
    let invited = campus
        .client
        .invite(&Invitation::new("y@campus.test".parse().expect("email")))
        .await;
    assert!(invited.is_ok(), "{invited:?}");
    assert!(started.elapsed() >= Duration::from_millis(950));

    campus
        .control("faults", json!({ "status": 429, "retryAfter": 7 }))
        .await;
    let one_try = campus.client_with(ClientOptions {
        retry_attempts: 1,
        ..fast_options()
    });
    let err = one_try.rooms().await.expect_err("rate limited");
    assert!(
        matches!(err, VirbelaError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)),
        "{err:?}"
    );
    assert!(err.to_string().contains("7 s"), "{err}");
}

#[tokio::test]
async fn an_html_error_page_becomes_the_unexpected_body_error() {
    let campus = TestCampus::empty().await;
    campus
        .control("faults", json!({ "status": 502, "htmlBody": true }))
        .await;

    let err = campus.client.rooms().await.expect_err("html");

    match &err {
        VirbelaError::UnexpectedBody {
            status: 502,
            snippet,
            ..
        } => {
            assert!(snippet.starts_with("<html"), "{snippet}");
            assert!(snippet.chars().count() <= 200);
        }
        other => panic!("expected UnexpectedBody, got {other:?}"),
    }
    assert_eq!(
        campus.calls().await.len(),
        4,
        "a 502 on a GET is retried up to the attempt bound"
    );
}

#[tokio::test]
async fn a_slow_sandbox_hits_the_timeout() {
    let campus = TestCampus::empty().await;
    campus.control("faults", json!({ "latencyMs": 1500 })).await;
    let impatient = campus.client_with(ClientOptions {
        timeout: Duration::from_millis(200),
        retry_attempts: 2,
        ..fast_options()
    });

    let started = Instant::now();
    let err = impatient.users_page(10, 0).await.expect_err("timeout");

    assert!(
        matches!(
            err,
            VirbelaError::Timeout {
                endpoint: "users.list",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "gave up in time: {:?}",
        started.elapsed()
    );
    campus.clear_faults().await;
}
