//! `audit export` as CSV and JSON lines, with and without `--since`, on each backend.

use serde_json::{Value, json};
use virbela_bot::audit::{self, Entry, ExportFormat};

use crate::harness::{TestDb, on_both};

on_both!(audit_export_writes_csv_and_jsonl);

async fn audit_export_writes_csv_and_jsonl(t: TestDb) {
    // Arrange
    for (i, target) in ["a@example.com", "b,\"quoted\"@example.com", "=cmd()"]
        .into_iter()
        .enumerate()
    {
        audit::append_now(
            &t.db,
            &Entry {
                actor: "console:alice",
                action: "test.event",
                target: Some(target),
                outcome: "ok",
                correlation_id: Some("corr"),
                details: json!({"n": i, "token": "xoxb-secret"}),
            },
        )
        .await
        .expect("append");
    }

    // Act
    let mut csv = Vec::new();
    let csv_count = audit::export(&t.db, None, ExportFormat::Csv, &mut csv)
        .await
        .expect("csv");
    let mut jsonl = Vec::new();
    let json_count = audit::export(&t.db, None, ExportFormat::Jsonl, &mut jsonl)
        .await
        .expect("jsonl");
    let future = audit::parse_since("2999-01-01").expect("since");
    let mut empty = Vec::new();
    let none = audit::export(&t.db, Some(future), ExportFormat::Jsonl, &mut empty)
        .await
        .expect("since");

    // Assert
    let csv = String::from_utf8(csv).expect("utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!((csv_count, lines.len()), (3, 4), "{csv}");
    assert_eq!(
        lines[0],
        "id,occurred_at,actor,action,target,outcome,correlation_id,details"
    );
    assert!(
        lines[2].contains("\"b,\"\"quoted\"\"@example.com\""),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains(",'=cmd(),"),
        "formulas are defused: {}",
        lines[3]
    );
    assert!(!csv.contains("xoxb-secret"), "secrets are scrubbed");

    let jsonl = String::from_utf8(jsonl).expect("utf-8");
    let rows: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!((json_count, rows.len()), (3, 3));
    assert_eq!(rows[0]["actor"], "console:alice");
    assert_eq!(rows[1]["target"], "b,\"quoted\"@example.com");
    assert_eq!(rows[2]["details"], json!({"n": 2, "token": "[redacted]"}));
    assert_eq!(rows[0]["correlation_id"], "corr");
    assert!(
        rows[0]["occurred_at"]
            .as_str()
            .is_some_and(|t| t.ends_with("+00:00"))
    );
    assert_eq!((none, empty.len()), (0, 0));
}
