//! Users and member profiles: paging, invitations, suspend, delete, profile edits.

use futures::TryStreamExt;
use indexmap::IndexMap;
use serde_json::json;
use virbela_bot::virbela::VirbelaError;
use virbela_bot::virbela::domain::{Email, InvitationEmail, Permission, TeamId, UserId, UserRole};
use virbela_bot::virbela::models::{
    DeleteTarget, Invitation, InvitationStatus, ProfileOrder, ProfileUpdate, SuspendTarget,
};

use crate::helpers::{TestCampus, user};

fn email(s: &str) -> Email {
    s.parse().expect("email")
}

#[tokio::test]
async fn more_than_a_thousand_users_page_in_order_without_gaps() {
    let campus = TestCampus::empty().await;
    let users: Vec<_> = (0..1250)
        .map(|i| user(&format!("u{i}@campus.test"), "User", &format!("N{i}")))
        .collect();
    let ids = campus.add_users(users).await;
    campus.clear_calls().await;

    let listed: Vec<_> = campus.client.users().try_collect().await.expect("users");

    let listed_ids: Vec<String> = listed.iter().map(|u| u.user_id.to_string()).collect();
    assert_eq!(listed_ids, ids, "every user once, in creation order");
    let skips: Vec<String> = campus
        .calls()
        .await
        .iter()
        .map(|c| c["query"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        skips.len(),
        3,
        "pages at skip 0, 1000, then an empty page: {skips:?}"
    );
    assert!(
        skips[1].contains("skip=1000") && skips[2].contains("skip=1250"),
        "{skips:?}"
    );
}

#[tokio::test]
async fn an_invited_user_is_absent_until_accepted() {
    let campus = TestCampus::empty().await;
    let mut invitation = Invitation::new(email("new.person@campus.test"));
    invitation.first_name = Some("New".into());
    invitation.last_name = Some("Person".into());
    invitation.team_id = Some("AB".parse().expect("team"));
    invitation.permission = Some(Permission::Leader);
    invitation.send_invitation_email = Some(InvitationEmail::None);

    let invited = campus.client.invite(&invitation).await.expect("invite");

    assert_eq!(invited.result.status, Some(InvitationStatus::Pending));
    assert_eq!(
        invited.result.team_id,
        "AB".parse::<TeamId>().ok(),
        "integer 27 decoded back to AB"
    );
    assert_eq!(invited.result.invitation_email_sent, Some(false));
    assert!(invited.request_id.is_some());
    let before: Vec<_> = campus.client.users().try_collect().await.expect("users");
    assert!(before.is_empty(), "pending invitations are not listed");
    let id = invited.result.user_id.clone().expect("user id");
    assert!(matches!(
        campus.client.user(&id).await,
        Err(VirbelaError::NotFound { .. })
    ));

    campus
        .control(
            "invitations/accept",
            json!({ "email": "new.person@campus.test" }),
        )
        .await;

    let after: Vec<_> = campus.client.users().try_collect().await.expect("users");
    assert_eq!(after.len(), 1);
    assert_eq!(
        after[0].role,
        Some(UserRole::Permission(Permission::Leader))
    );
    assert_eq!(
        campus
            .client
            .user(&id)
            .await
            .expect("user")
            .email
            .as_deref(),
        Some("new.person@campus.test")
    );
}

#[tokio::test]
async fn a_taken_display_name_comes_back_with_digits() {
    let campus = TestCampus::empty().await;
    campus
        .add_users(vec![user("kareem@campus.test", "Kareem", "Blevins")])
        .await;
    let mut invitation = Invitation::new(email("other.kareem@campus.test"));
    invitation.display_name = Some("KareemBlevins".into());

    let invited = campus.client.invite(&invitation).await.expect("invite");

    let given = invited.result.display_name.expect("display name");
    assert_ne!(given, "KareemBlevins");
    assert!(
        given.starts_with("KareemBlevins")
            && given["KareemBlevins".len()..]
                .chars()
                .all(|c| c.is_ascii_digit()),
        "{given}"
    );
}

#[tokio::test]
async fn suspend_then_restore_then_delete() {
    let campus = TestCampus::empty().await;
    let ids = campus
        .add_users(vec![user("sam@campus.test", "Sam", "Stone")])
        .await;
    let id: UserId = ids[0].parse().expect("id");

    let outcome = campus
        .client
        .suspend(&SuspendTarget::by_email(email("sam@campus.test")))
        .await
        .expect("suspend");
    assert!(outcome.detail.unwrap_or_default().contains("suspended"));
    assert!(campus.client.user(&id).await.expect("user").is_suspended());

    let mut restore = Invitation::new(email("sam@campus.test"));
    restore.permission = Some(Permission::Member);
    restore.overwrite_data = Some(true);
    let invited = campus.client.invite(&restore).await.expect("restore");
    assert_eq!(invited.result.status, Some(InvitationStatus::Member));
    assert!(!campus.client.user(&id).await.expect("user").is_suspended());

    campus
        .client
        .delete_member(&DeleteTarget {
            user_id: id.clone(),
            email: email("sam@campus.test"),
        })
        .await
        .expect("delete");
    assert!(matches!(
        campus.client.user(&id).await,
        Err(VirbelaError::NotFound { .. })
    ));
    let again = campus.client.suspend(&SuspendTarget::by_id(id)).await;
    assert!(
        matches!(
            again,
            Err(VirbelaError::NotFound {
                what: "this user",
                ..
            })
        ),
        "{again:?}"
    );
}

#[tokio::test]
async fn delete_refuses_an_id_and_email_of_different_users() {
    let campus = TestCampus::empty().await;
    let ids = campus
        .add_users(vec![
            user("a@campus.test", "A", "One"),
            user("b@campus.test", "B", "Two"),
        ])
        .await;
    let result = campus
        .client
        .delete_member(&DeleteTarget {
            user_id: ids[0].parse().expect("id"),
            email: email("b@campus.test"),
        })
        .await;
    assert!(
        matches!(result, Err(VirbelaError::Invalid { status: 400, .. })),
        "{result:?}"
    );
    let still: Vec<_> = campus.client.users().try_collect().await.expect("users");
    assert_eq!(still.len(), 2, "nothing was deleted");
}

#[tokio::test]
async fn profiles_keep_campus_fields_in_order_and_edit_them() {
    let campus = TestCampus::seeded().await;
    let profiles: Vec<_> = campus
        .client
        .member_profiles(Some(ProfileOrder::newest_first()))
        .try_collect()
        .await
        .expect("profiles");
    assert!(profiles.len() >= 250, "{}", profiles.len());
    let stamps: Vec<_> = profiles.iter().map(|p| p.updated_at).collect();
    assert!(stamps.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(
        profiles.iter().any(|p| !p.fields.contains_key("eNPS")),
        "blank fields are omitted"
    );
    let full = profiles
        .iter()
        .find(|p| {
            ["Department", "Region", "eNPS"]
                .iter()
                .all(|f| p.fields.contains_key(*f))
        })
        .expect("a profile with every field");
    let order: Vec<&str> = full.fields.keys().map(String::as_str).collect();
    assert_eq!(order, ["Department", "Region", "eNPS"], "campus order kept");

    let id = full.user_id.clone().expect("user id");
    let update = ProfileUpdate {
        update: IndexMap::from([("Department".to_string(), json!("Product Management"))]),
        unset: vec!["eNPS".into()],
    };
    let updated = campus
        .client
        .update_member_profile(&id, &update)
        .await
        .expect("update");
    assert_eq!(
        updated.field_text("Department").as_deref(),
        Some("Product Management")
    );
    assert!(!updated.fields.contains_key("eNPS"));
    let fetched = campus.client.member_profile(&id).await.expect("profile");
    assert_eq!(
        fetched.field_text("Department").as_deref(),
        Some("Product Management")
    );
    assert_eq!(fetched.user_id.as_ref(), Some(&id));

    let bad = ProfileUpdate {
        update: IndexMap::from([("Shoe size".to_string(), json!("44"))]),
        unset: vec![],
    };
    match campus.client.update_member_profile(&id, &bad).await {
        Err(VirbelaError::Invalid {
            detail, request_id, ..
        }) => {
            assert!(detail.contains("Shoe size"), "{detail}");
            assert!(request_id.is_some());
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}
