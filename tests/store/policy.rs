//! Policy and approval settings: every default, overrides from TOML, and refusals.

use chrono::TimeDelta;
use virbela_bot::approvals::ApprovalSettings;
use virbela_bot::policy::{Action, Policy, PolicyError};
use virbela_bot::virbela::domain::Permission;

fn table(text: &str) -> toml::Table {
    toml::from_str(text).expect("valid TOML")
}

#[test]
fn every_default_matches_the_design() {
    let policy = Policy::default();
    let expected = [
        (Action::InviteMember, 0),
        (Action::InviteLeader, 0),
        (Action::ProfileEdit, 0),
        (Action::InviteModerator, 1),
        (Action::InviteAdmin, 1),
        (Action::InviteOwner, 1),
        (Action::Suspend, 1),
        (Action::SpaceCreate, 1),
        (Action::Delete, 2),
    ];
    for (action, count) in expected {
        assert_eq!(policy.required_approvals(action), count, "{action}");
    }
    assert_eq!(policy.entries().count(), Action::ALL.len());
    assert_eq!(Policy::from_table(None), Ok(Policy::default()));
}

#[test]
fn invitations_need_approval_by_the_permission_granted() {
    let policy = Policy::default();
    let expected = [
        (Permission::Member, 0),
        (Permission::Leader, 0),
        (Permission::Moderator, 1),
        (Permission::Admin, 1),
        (Permission::Owner, 1),
    ];
    for (permission, count) in expected {
        assert_eq!(policy.invite_approvals(permission), count, "{permission}");
    }
}

#[test]
fn the_policy_table_overrides_defaults() {
    let policy = Policy::from_table(Some(&table("delete = 3\ninvite_member = 1\nsuspend = 0")))
        .expect("valid");
    assert_eq!(policy.required_approvals(Action::Delete), 3);
    assert_eq!(policy.invite_approvals(Permission::Member), 1);
    assert_eq!(policy.required_approvals(Action::Suspend), 0);
    assert_eq!(
        policy.required_approvals(Action::InviteOwner),
        1,
        "untouched actions keep defaults"
    );
}

#[test]
fn unknown_actions_and_bad_values_are_refused_with_the_valid_names() {
    let err = Policy::from_table(Some(&table("delet = 2"))).expect_err("typo");
    assert!(matches!(err, PolicyError::UnknownAction(_)));
    let message = err.to_string();
    for name in [
        "delet",
        "delete",
        "invite_owner",
        "space_create",
        "profile_edit",
    ] {
        assert!(message.contains(name), "{message}");
    }
    for bad in [
        "delete = -1",
        "delete = \"two\"",
        "delete = 11",
        "delete = 1.5",
    ] {
        let err = Policy::from_table(Some(&table(bad))).expect_err(bad);
        assert!(matches!(err, PolicyError::BadValue { .. }), "{bad}: {err}");
    }
}

#[test]
fn approval_settings_default_to_a_day_and_are_configurable() {
    let default = ApprovalSettings::default();
    assert_eq!(default.ttl, TimeDelta::hours(24));
    assert_eq!(ApprovalSettings::from_table(None), Ok(default));
    let custom =
        ApprovalSettings::from_table(Some(&table("ttl_hours = 4\ninterrupt_after_minutes = 0")))
            .expect("ok");
    assert_eq!(
        (custom.ttl, custom.interrupt_after),
        (TimeDelta::hours(4), TimeDelta::zero())
    );
    assert!(
        ApprovalSettings::from_table(Some(&table("ttl = 4")))
            .is_err_and(|e| e.to_string().contains("ttl_hours"))
    );
    assert!(ApprovalSettings::from_table(Some(&table("ttl_hours = 0"))).is_err());
}
