//! `role_bindings::subjects_starting_with`: which groups of a platform hold a role (the
//! Slack adapter reads the `slack-group:` ones to know whose members to fetch).

use virbela_bot::access::Role;
use virbela_bot::store::{now, role_bindings};

use crate::harness::{ROOT, TestDb, grant, on_both};

on_both!(group_subjects_with_a_role);

async fn group_subjects_with_a_role(t: TestDb) {
    let db = &t.db;
    let mut tx = db.begin_read().await.expect("tx");
    let none = role_bindings::subjects_starting_with(&mut tx, "slack-group:")
        .await
        .expect("read");
    tx.commit().await.expect("commit");
    assert!(none.is_empty(), "{none:?}");

    grant(
        db,
        Role::Operator,
        &["slack-group:S0OPS", "slack:U1", "teams-group:g"],
    )
    .await;
    grant(
        db,
        Role::Approver,
        &["slack-group:S0OPS", "slack-group:S0LEADS"],
    )
    .await;
    // Stored as typed elsewhere (the shell, an old version): the prefix must match exactly,
    // and `_`/`%` in a prefix are not wildcards.
    let mut tx = db.begin().await.expect("tx");
    for subject in ["SLACK-GROUP:S0UPPER", "slackXgroup:S0X"] {
        role_bindings::insert(&mut tx, subject, Role::Viewer, ROOT, now())
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");

    let mut tx = db.begin_read().await.expect("tx");
    let slack = role_bindings::subjects_starting_with(&mut tx, "slack-group:")
        .await
        .expect("read");
    let teams = role_bindings::subjects_starting_with(&mut tx, "teams-group:")
        .await
        .expect("read");
    let wildcard = role_bindings::subjects_starting_with(&mut tx, "slack_group:")
        .await
        .expect("read");
    tx.commit().await.expect("commit");
    assert_eq!(slack, ["slack-group:S0LEADS", "slack-group:S0OPS"]);
    assert_eq!(teams, ["teams-group:g"]);
    assert!(wildcard.is_empty(), "{wildcard:?}");
}
