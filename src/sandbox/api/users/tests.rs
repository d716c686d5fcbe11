//! Tests of the user endpoints (invitation, list, get, suspend, delete).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::sandbox::test_support::{add_users, api, control, empty, get, post};

fn member(email: &str, first: &str, last: &str) -> Value {
    json!({ "email": email, "firstname": first, "lastname": last })
}

async fn accept(app: &axum::Router, email: &str) -> Value {
    let reply = control(
        app,
        Method::POST,
        "/_sandbox/invitations/accept",
        Some(json!({ "email": email })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json["user"].clone()
}

#[tokio::test]
async fn each_bad_invitation_field_is_a_400_naming_it() {
    let app = empty();
    let cases = [
        (json!({}), "email"),
        (json!({ "email": "not-an-address" }), "email"),
        (json!({ "email": "a@test.com", "teamId": "CA" }), "teamId"),
        (json!({ "email": "a@test.com", "teamId": 3 }), "teamId"),
        (
            json!({ "email": "a@test.com", "permission": "Moderator" }),
            "permission",
        ),
        (
            json!({ "email": "a@test.com", "permission": "guest" }),
            "permission",
        ),
        (
            json!({ "email": "a@test.com", "sendInvitationEmail": "sometimes" }),
            "sendInvitationEmail",
        ),
        (
            json!({ "email": "a@test.com", "overwriteData": "yes" }),
            "overwriteData",
        ),
        (
            json!({ "email": "a@test.com", "displayName": 12 }),
            "displayName",
        ),
    ];
    for (body, field) in cases {
        let detail = post(&app, "/User/Invitation", body.clone())
            .await
            .error(StatusCode::BAD_REQUEST);
        assert!(detail.contains(field), "{body}: {detail}");
    }
    let detail = post(
        &app,
        "/User/Invitation",
        json!({ "email": "a@test.com", "permission": "Moderator" }),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    assert!(
        detail.contains("member, leader, moderator, admin, owner"),
        "{detail}"
    );
    let detail = post(
        &app,
        "/User/Invitation",
        json!({ "email": "a@test.com", "teamId": "CA" }),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("A–Z, AA–AZ or BA–BZ"), "{detail}");
    post(&app, "/User/Invitation", json!(["a@test.com"]))
        .await
        .error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_new_invitation_is_pending_until_accepted() {
    let app = empty();
    let reply = post(
        &app,
        "/User/Invitation",
        json!({ "email": "Test.User@test.com", "firstName": "Test", "lastName": "User", "teamId": "BZ", "permission": "moderator" }),
    )
    .await;
    let data = reply.success().clone();
    assert_eq!(reply.json["title"], "Successfully invited user");
    let keys: Vec<&str> = data
        .as_object()
        .expect("data")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "userId",
            "email",
            "displayName",
            "teamId",
            "role",
            "status",
            "invitationEmailSent"
        ]
    );
    assert_eq!(data["status"], "pending");
    assert_eq!(data["teamId"], 77);
    assert_eq!(data["role"], "moderator");
    assert_eq!(data["displayName"], "TUser");
    assert_eq!(data["invitationEmailSent"], true);
    let id = data["userId"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 12);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));

    assert_eq!(
        get(&app, "/User").await.success().as_array().map(Vec::len),
        Some(0)
    );
    get(&app, &format!("/User/{id}"))
        .await
        .error(StatusCode::NOT_FOUND);
    get(&app, &format!("/MemberProfile/{id}"))
        .await
        .error(StatusCode::NOT_FOUND);

    let user = accept(&app, "test.user@TEST.com").await;
    assert_eq!(user["objectId"], id.as_str());
    let list = get(&app, "/User").await;
    let users = list.success().as_array().expect("users");
    assert_eq!(users.len(), 1);
    assert_eq!(users[0]["teamId"], "BZ");
    assert_eq!(users[0]["role"], "moderator");
    assert!(
        users[0].get("hardware").is_none(),
        "no hardware until first login"
    );
    let one = get(&app, &format!("/User/{id}")).await;
    let data = one.success();
    assert_eq!(
        data.as_array().map(Vec::len),
        Some(1),
        "data is an array of one user"
    );
    assert_eq!(data[0]["email"], "Test.User@test.com");
    control(
        &app,
        Method::POST,
        "/_sandbox/invitations/accept",
        Some(json!({ "email": "test.user@test.com" })),
    )
    .await
    .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn defaults_are_team_a_member_and_a_derived_display_name() {
    let app = empty();
    let reply = post(
        &app,
        "/User/Invitation",
        json!({ "email": "solo.person@test.com" }),
    )
    .await;
    let data = reply.success();
    assert_eq!(data["teamId"], 0);
    assert_eq!(data["role"], "member");
    assert_eq!(data["displayName"], "soloperson");
}

#[tokio::test]
async fn a_taken_display_name_gets_digits_appended_case_insensitively() {
    let app = empty();
    add_users(&app, json!([{ "email": "keisha@test.com", "firstname": "Keisha", "lastname": "Blevins", "displayname": "KBlevins" }])).await;
    let derived = post(
        &app,
        "/User/Invitation",
        json!({ "email": "Kareem.Blevins@test.com", "firstName": "Kareem", "lastName": "Blevins" }),
    )
    .await;
    let name = derived.success()["displayName"]
        .as_str()
        .expect("name")
        .to_string();
    assert!(
        name.starts_with("KBlevins") && name.len() > "KBlevins".len(),
        "{name}"
    );
    assert!(
        name["KBlevins".len()..].chars().all(|c| c.is_ascii_digit()),
        "{name}"
    );

    let chosen = post(
        &app,
        "/User/Invitation",
        json!({ "email": "other@test.com", "displayName": "kblevins" }),
    )
    .await;
    let other = chosen.success()["displayName"]
        .as_str()
        .expect("name")
        .to_string();
    assert!(other.starts_with("kblevins") && other.len() > 8, "{other}");

    // Pending invitations hold their names too.
    let again = post(
        &app,
        "/User/Invitation",
        json!({ "email": "third@test.com", "displayName": name }),
    )
    .await;
    let third = again.success()["displayName"]
        .as_str()
        .expect("name")
        .to_string();
    assert_ne!(third.to_lowercase(), name.to_lowercase());

    // A free name is kept as given.
    let free = post(
        &app,
        "/User/Invitation",
        json!({ "email": "fourth@test.com", "displayName": "Unique1" }),
    )
    .await;
    assert_eq!(free.success()["displayName"], "Unique1");
}

#[tokio::test]
async fn overwrite_data_decides_whether_a_member_changes() {
    let app = empty();
    let users = add_users(
        &app,
        json!([{ "email": "Kim@test.com", "firstname": "Kim", "lastname": "Lee", "displayname": "KLee", "teamId": "C", "role": "leader" }]),
    )
    .await;
    let id = users[0]["objectId"].as_str().expect("id").to_string();
    let before = users[0]["profileLastUpdatedAt"].clone();

    let unchanged = post(
        &app,
        "/User/Invitation",
        json!({ "email": "kim@TEST.com", "firstName": "Kimberly", "teamId": "D", "permission": "admin" }),
    )
    .await;
    let data = unchanged.success();
    assert_eq!(data["status"], "member");
    assert_eq!(data["userId"], id.as_str());
    assert_eq!(data["teamId"], 2);
    assert_eq!(data["role"], "leader");
    let user = get(&app, &format!("/User/{id}")).await.success()[0].clone();
    assert_eq!(user["firstname"], "Kim");
    assert_eq!(user["profileLastUpdatedAt"], before);

    let changed = post(
        &app,
        "/User/Invitation",
        json!({ "email": "kim@test.com", "firstName": "Kimberly", "displayName": "KLee", "teamId": "D", "permission": "admin", "overwriteData": true }),
    )
    .await;
    let data = changed.success();
    assert_eq!(data["status"], "member");
    assert_eq!(data["displayName"], "KLee", "its own name is no collision");
    assert_eq!(data["teamId"], 3);
    assert_eq!(data["role"], "admin");
    let user = get(&app, &format!("/User/{id}")).await.success()[0].clone();
    assert_eq!(user["firstname"], "Kimberly");
    assert_eq!(user["lastname"], "Lee");
    assert_eq!(user["teamId"], "D");
    assert_ne!(user["profileLastUpdatedAt"], before);
    assert_eq!(
        get(&app, "/User").await.success().as_array().map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_pending_invitation_is_renewed_and_updated_only_with_overwrite() {
    let app = empty();
    let first = post(
        &app,
        "/User/Invitation",
        json!({ "email": "p@test.com", "firstName": "Pat", "teamId": "B" }),
    )
    .await;
    let id = first.success()["userId"].clone();
    let keep = post(
        &app,
        "/User/Invitation",
        json!({ "email": "P@test.com", "teamId": "E" }),
    )
    .await;
    assert_eq!(keep.success()["userId"], id);
    assert_eq!(keep.success()["status"], "pending");
    assert_eq!(keep.success()["teamId"], 1);
    let change = post(
        &app,
        "/User/Invitation",
        json!({ "email": "p@test.com", "teamId": "E", "overwriteData": true }),
    )
    .await;
    assert_eq!(change.success()["teamId"], 4);
    assert_eq!(change.success()["userId"], id);
}

#[tokio::test]
async fn invitation_email_sent_follows_the_option_and_the_email_history() {
    let app = empty();
    add_users(&app, json!([member("m@test.com", "M", "Member")])).await;
    post(
        &app,
        "/User/Invitation",
        json!({ "email": "pending@test.com" }),
    )
    .await
    .success();
    let sent = |body: Value| {
        let app = app.clone();
        async move {
            post(&app, "/User/Invitation", body).await.success()["invitationEmailSent"].clone()
        }
    };
    assert_eq!(
        sent(json!({ "email": "m@test.com", "sendInvitationEmail": "all" })).await,
        true
    );
    assert_eq!(
        sent(json!({ "email": "new1@test.com", "sendInvitationEmail": "none" })).await,
        false
    );
    assert_eq!(
        sent(json!({ "email": "new2@test.com", "sendInvitationEmail": "newToCampus" })).await,
        true
    );
    assert_eq!(
        sent(json!({ "email": "m@test.com", "sendInvitationEmail": "newToCampus" })).await,
        false
    );
    assert_eq!(
        sent(json!({ "email": "pending@test.com", "sendInvitationEmail": "newToCampus" })).await,
        true
    );
    assert_eq!(
        sent(json!({ "email": "new3@test.com", "sendInvitationEmail": "newToVirbela" })).await,
        true
    );
    assert_eq!(
        sent(json!({ "email": "pending@test.com", "sendInvitationEmail": "newToVirbela" })).await,
        false
    );
    assert_eq!(
        sent(json!({ "email": "m@test.com", "sendInvitationEmail": "newToVirbela" })).await,
        false
    );
}

#[tokio::test]
async fn users_are_paged_in_creation_order_with_limit_and_skip() {
    let app = empty();
    let users: Vec<Value> = (0..1005)
        .map(|i| member(&format!("u{i}@test.com"), "U", &format!("N{i}")))
        .collect();
    add_users(&app, Value::Array(users)).await;
    let all = get(&app, "/User").await;
    let page = all.success().as_array().expect("users");
    assert_eq!(page.len(), 1000, "default limit");
    assert_eq!(page[0]["email"], "u0@test.com");
    assert!(
        all.json["detail"]
            .as_str()
            .expect("detail")
            .contains("1000 users in world sandboxcampus")
    );
    assert_eq!(
        get(&app, "/User?limit=2000")
            .await
            .success()
            .as_array()
            .map(Vec::len),
        Some(1005)
    );
    let page = get(&app, "/User?limit=2&skip=2").await;
    let emails: Vec<&Value> = page
        .success()
        .as_array()
        .expect("users")
        .iter()
        .map(|u| &u["email"])
        .collect();
    assert_eq!(emails, [&json!("u2@test.com"), &json!("u3@test.com")]);
    assert_eq!(
        get(&app, "/User?limit=10&skip=1005")
            .await
            .success()
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    for bad in [
        "/User?limit=abc",
        "/User?limit=0",
        "/User?skip=-1",
        "/User?limit=1.5",
    ] {
        get(&app, bad).await.error(StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn the_user_object_has_the_vendor_keys_in_order() {
    let app = empty();
    let users = add_users(
        &app,
        json!([{
            "email": "angel.page@test.com", "firstname": "Angel", "lastname": "Page", "displayname": "APage",
            "teamId": "A", "role": "admin", "userId": "6DwTpLBvvX32", "profileLastUpdatedAt": "2023-07-21T17:47:36.593Z",
            "hardware": { "os": "Windows 10 (10.0.19044) 64bit", "processor": "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz",
                          "gfx": "NVIDIA GeForce RTX 2060", "ram": 16262, "device": "OMEN by HP Laptop 15-dh0xxx (HP)", "hardwareId": "{hardwareID}" }
        }]),
    )
    .await;
    let expected = json!({
        "objectId": "6DwTpLBvvX32", "email": "angel.page@test.com", "firstname": "Angel", "lastname": "Page",
        "displayname": "APage", "profileLastUpdatedAt": "2023-07-21T17:47:36.593Z",
        "hardware": { "os": "Windows 10 (10.0.19044) 64bit", "processor": "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz",
                      "gfx": "NVIDIA GeForce RTX 2060", "ram": "16262", "device": "OMEN by HP Laptop 15-dh0xxx (HP)", "hardwareId": "{hardwareID}" },
        "teamId": "A", "role": "admin"
    });
    assert_eq!(
        users[0].to_string(),
        expected.to_string(),
        "same keys, same order"
    );
    let one = get(&app, "/User/6DwTpLBvvX32").await;
    assert_eq!(one.success()[0].to_string(), expected.to_string());
    assert_eq!(one.json["title"], "Successfully retrieved user");
    get(&app, "/User/nobody123456")
        .await
        .error(StatusCode::NOT_FOUND);
    get(&app, "/User/not-a-valid-id")
        .await
        .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn suspend_prefers_user_id_and_keeps_the_user_listed() {
    let app = empty();
    let users = add_users(
        &app,
        json!([
            member("a@test.com", "A", "One"),
            member("b@test.com", "B", "Two")
        ]),
    )
    .await;
    let (a, b) = (
        users[0]["objectId"].as_str().expect("a"),
        users[1]["objectId"].as_str().expect("b"),
    );

    post(&app, "/User/Membership/suspend", json!({}))
        .await
        .error(StatusCode::BAD_REQUEST);
    post(
        &app,
        "/User/Membership/suspend",
        json!({ "userId": "", "email": null }),
    )
    .await
    .error(StatusCode::BAD_REQUEST);

    let reply = post(
        &app,
        "/User/Membership/suspend",
        json!({ "userId": a, "email": "b@test.com" }),
    )
    .await;
    reply.success();
    assert_eq!(reply.json["title"], "Successfully updated user role");
    assert_eq!(
        reply.json["detail"],
        "User with email \"a@test.com\" successfully updated with role \"suspended\"."
    );
    assert!(reply.json.get("data").is_none());
    let list = get(&app, "/User").await;
    let roles: Vec<&Value> = list
        .success()
        .as_array()
        .expect("users")
        .iter()
        .map(|u| &u["role"])
        .collect();
    assert_eq!(roles, [&json!("suspended"), &json!("member")]);

    // userId wins even when it is unknown and the e-mail is not.
    post(
        &app,
        "/User/Membership/suspend",
        json!({ "userId": "unknown12345", "email": "b@test.com" }),
    )
    .await
    .error(StatusCode::NOT_FOUND);
    post(
        &app,
        "/User/Membership/suspend",
        json!({ "email": "nobody@test.com" }),
    )
    .await
    .error(StatusCode::NOT_FOUND);
    let by_email = post(
        &app,
        "/User/Membership/suspend",
        json!({ "email": "B@TEST.com" }),
    )
    .await;
    assert!(
        by_email.json["detail"]
            .as_str()
            .expect("detail")
            .contains("\"b@test.com\"")
    );
    assert_eq!(
        get(&app, &format!("/User/{b}")).await.success()[0]["role"],
        "suspended"
    );

    // A later invitation with a permission and overwriteData restores the role.
    let restored = post(
        &app,
        "/User/Invitation",
        json!({ "email": "a@test.com", "permission": "leader", "overwriteData": true }),
    )
    .await;
    assert_eq!(restored.success()["role"], "leader");
    assert_eq!(
        get(&app, &format!("/User/{a}")).await.success()[0]["role"],
        "leader"
    );
}

#[tokio::test]
async fn delete_needs_both_keys_of_the_same_member() {
    let app = empty();
    let users = add_users(
        &app,
        json!([
            member("a@test.com", "A", "One"),
            member("b@test.com", "B", "Two")
        ]),
    )
    .await;
    let (a, b) = (
        users[0]["objectId"].as_str().expect("a"),
        users[1]["objectId"].as_str().expect("b"),
    );
    let path = "/User/Membership/deleteMember";

    let detail = post(&app, path, json!({ "email": "a@test.com" }))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("`userId`"), "{detail}");
    let detail = post(&app, path, json!({ "userId": a }))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("`email`"), "{detail}");
    post(&app, path, json!({}))
        .await
        .error(StatusCode::BAD_REQUEST);
    let detail = post(&app, path, json!({ "userId": a, "email": "b@test.com" }))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("same member"), "{detail}");
    post(
        &app,
        path,
        json!({ "userId": "unknown12345", "email": "a@test.com" }),
    )
    .await
    .error(StatusCode::NOT_FOUND);

    let reply = post(&app, path, json!({ "userId": a, "email": "A@test.com" })).await;
    reply.success();
    assert_eq!(reply.json["title"], "Successfully deleted user");
    assert_eq!(
        reply.json["detail"],
        "User with email \"a@test.com\" successfully deleted."
    );
    get(&app, &format!("/User/{a}"))
        .await
        .error(StatusCode::NOT_FOUND);
    get(&app, &format!("/MemberProfile/{a}"))
        .await
        .error(StatusCode::NOT_FOUND);
    post(&app, path, json!({ "userId": a, "email": "a@test.com" }))
        .await
        .error(StatusCode::NOT_FOUND);
    let left = get(&app, "/User").await;
    assert_eq!(left.success().as_array().expect("users")[0]["objectId"], b);

    // The e-mail can be invited again afterwards.
    let again = post(&app, "/User/Invitation", json!({ "email": "a@test.com" })).await;
    assert_eq!(again.success()["status"], "pending");
    let _ = api(&app, Method::GET, "/User", None).await.success();
}
