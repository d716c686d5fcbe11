//! Every bad input of `tests/fixtures/bad_inputs.tsv` gets its precise message, and
//! nothing is called in Virbela or written to the store.

use virbela_bot::core::Status;

use crate::campus::{Bench, all_text};
use crate::harness::{TestDb, on_both};

const TABLE: &str = include_str!("../fixtures/bad_inputs.tsv");

async fn bad_inputs_get_help_and_change_nothing(store: TestDb) {
    let b = Bench::new(store).await;
    let cases: Vec<(&str, &str)> = TABLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split_once('\t').unwrap_or((l, "")))
        .collect();
    assert!(
        cases.len() >= 40,
        "at least 40 bad inputs, found {}",
        cases.len()
    );
    b.clear_calls().await;
    let audit_before = b.audit_count().await;
    for (input, expected) in &cases {
        let reply = b.say("alice", input).await;
        let text = all_text(&reply);
        assert_eq!(
            reply.status,
            Status::Usage,
            "`{input}` should be a usage error:\n{text}"
        );
        assert!(
            text.contains(expected),
            "`{input}` should say `{expected}`:\n{text}"
        );
    }
    assert_eq!(
        b.calls().await,
        Vec::<String>::new(),
        "no Virbela call for invalid commands"
    );
    assert_eq!(
        b.audit_count().await,
        audit_before,
        "no store write for invalid commands"
    );
    let approvals = b.say("alice", "approvals").await;
    assert!(approvals.text.contains("No request"), "{}", approvals.text);
}

on_both!(bad_inputs_get_help_and_change_nothing);
