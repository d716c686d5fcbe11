//! The client secret never appears in a log line, an error or a `Debug` output.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use virbela_bot::virbela::models::Invitation;

use crate::helpers::{CLIENT_SECRET, TestCampus};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_client_secret_never_reaches_logs_errors_or_debug_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let campus = TestCampus::empty().await;
    let mut seen = Vec::new();
    // A success, a validation error, retried server errors, and a 401 after rotation.
    seen.push(format!("{:?}", campus.client.rooms().await));
    seen.push(format!(
        "{:?}",
        campus
            .client
            .invite(&Invitation::new("a@campus.test".parse().expect("email")))
            .await
    ));
    campus
        .control("faults", json!({ "status": 503, "count": 2 }))
        .await;
    seen.push(format!("{:?}", campus.client.users_page(5, 0).await));
    campus
        .control(
            "credentials",
            json!({ "clientId": "rotated", "clientSecret": "rotated-secret" }),
        )
        .await;
    let err = campus.client.rooms().await.expect_err("401");
    seen.push(err.to_string());
    seen.push(format!("{err:?}"));
    seen.push(format!("{:?}", campus.client));
    seen.push(
        campus
            .calls()
            .await
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    );

    let logs =
        String::from_utf8(captured.0.lock().map(|b| b.clone()).unwrap_or_default()).expect("utf8");
    assert!(
        logs.contains("virbela"),
        "the test captured the client's logs:\n{logs}"
    );
    assert!(!logs.contains(CLIENT_SECRET), "secret in logs:\n{logs}");
    for text in seen {
        assert!(!text.contains(CLIENT_SECRET), "secret in output: {text}");
    }
}
