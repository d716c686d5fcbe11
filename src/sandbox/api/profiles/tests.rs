//! Tests of the member profile endpoints.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::sandbox::test_support::{add_users, api, control, empty, get};

async fn campus() -> (axum::Router, Vec<String>) {
    let app = empty();
    let users = add_users(
        &app,
        json!([
            { "email": "angel.page@test.com", "firstname": "Angel", "lastname": "Page", "profileLastUpdatedAt": "2023-07-21T17:47:36.593Z" },
            { "email": "Kareem.Blevins@test.com", "firstname": "Kareem", "lastname": "Blevins", "profileLastUpdatedAt": "2023-07-13T22:24:08.641Z",
              "profile": { "eNPS": 9, "Region": "Canada", "Department": "Product" } },
            { "email": "Dominique.Fuller@test.com", "firstname": "Dominique", "lastname": "Fuller", "profileLastUpdatedAt": "2022-12-16T22:06:44.294Z",
              "profile": { "Department": "", "Region": "  " } }
        ]),
    )
    .await;
    let ids = users
        .iter()
        .map(|u| u["objectId"].as_str().expect("id").to_string())
        .collect();
    (app, ids)
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().expect("object").keys().cloned().collect()
}

async fn put(app: &axum::Router, id: &str, body: Value) -> crate::sandbox::test_support::Reply {
    api(
        app,
        Method::PUT,
        &format!("/MemberProfile/{id}"),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn profiles_list_in_vendor_shape_with_blank_fields_omitted() {
    let (app, ids) = campus().await;
    let reply = get(&app, "/MemberProfile").await;
    let data = reply.success();
    assert_eq!(
        reply.json["title"],
        "Successfully retrieved member profiles"
    );
    assert_eq!(keys(data), ["memberProfiles", "count"]);
    assert_eq!(data["count"], 3);
    let profiles = data["memberProfiles"].as_array().expect("profiles");
    assert_eq!(
        keys(&profiles[0]),
        ["email", "firstname", "lastname", "updatedAt", "userId"]
    );
    assert_eq!(profiles[0]["updatedAt"], "2023-07-21T17:47:36.593Z");
    assert_eq!(
        keys(&profiles[1]),
        [
            "email",
            "firstname",
            "lastname",
            "Department",
            "Region",
            "eNPS",
            "updatedAt",
            "userId"
        ]
    );
    assert_eq!(profiles[1]["eNPS"], 9, "eNPS is a JSON number");
    assert_eq!(profiles[1]["userId"], ids[1].as_str());
    assert_eq!(
        keys(&profiles[2]),
        ["email", "firstname", "lastname", "updatedAt", "userId"]
    );
}

#[tokio::test]
async fn profiles_order_and_page() {
    let (app, ids) = campus().await;
    let order = |reply: &crate::sandbox::test_support::Reply| -> Vec<String> {
        reply.success()["memberProfiles"]
            .as_array()
            .expect("profiles")
            .iter()
            .map(|p| p["userId"].as_str().expect("id").to_string())
            .collect()
    };
    let ascending = get(&app, "/MemberProfile?order=updatedAt").await;
    assert_eq!(
        order(&ascending),
        [ids[2].clone(), ids[1].clone(), ids[0].clone()]
    );
    let descending = get(&app, "/MemberProfile?order=-updatedAt").await;
    assert_eq!(
        order(&descending),
        [ids[0].clone(), ids[1].clone(), ids[2].clone()]
    );
    let by_field = get(&app, "/MemberProfile?order=-eNPS").await;
    assert_eq!(order(&by_field)[0], ids[1]);
    let paged = get(&app, "/MemberProfile?limit=1&offset=1&order=-updatedAt").await;
    assert_eq!(order(&paged), [ids[1].clone()]);
    assert_eq!(paged.success()["count"], 3, "count is the total");
    let detail = get(&app, "/MemberProfile?order=shoeSize")
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(
        detail.contains("shoeSize") && detail.contains("updatedAt"),
        "{detail}"
    );
    get(&app, "/MemberProfile?limit=x")
        .await
        .error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn one_profile_has_no_user_id_and_unknown_ids_are_404() {
    let (app, ids) = campus().await;
    let reply = get(&app, &format!("/MemberProfile/{}", ids[1])).await;
    let expected = json!({ "memberProfile": {
        "email": "Kareem.Blevins@test.com", "firstname": "Kareem", "lastname": "Blevins",
        "Department": "Product", "Region": "Canada", "eNPS": 9, "updatedAt": "2023-07-13T22:24:08.641Z"
    }});
    assert_eq!(reply.success().to_string(), expected.to_string());
    assert_eq!(reply.json["title"], "Successfully retrieved member profile");
    get(&app, "/MemberProfile/zzzzzzzzzzzz")
        .await
        .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn updates_and_unsets_apply_and_bump_updated_at() {
    let (app, ids) = campus().await;
    let id = &ids[1];
    let reply = put(
        &app,
        id,
        json!({ "update": { "Department": "Product Management", "Region": "Alberta" }, "unset": ["eNPS"] }),
    )
    .await;
    let profile = &reply.success()["updatedMemberProfile"];
    assert_eq!(reply.json["title"], "Successfully updated member profile");
    assert_eq!(
        keys(profile),
        [
            "email",
            "firstname",
            "lastname",
            "Department",
            "Region",
            "updatedAt"
        ]
    );
    assert_eq!(profile["Department"], "Product Management");
    assert_ne!(profile["updatedAt"], "2023-07-13T22:24:08.641Z");

    // An empty string blanks a field (and blank fields are omitted).
    let reply = put(&app, id, json!({ "update": { "Region": "" } })).await;
    assert_eq!(
        keys(&reply.success()["updatedMemberProfile"]),
        ["email", "firstname", "lastname", "Department", "updatedAt"]
    );
    let user = get(&app, &format!("/User/{id}")).await;
    let listed = get(&app, &format!("/MemberProfile/{id}")).await;
    assert_eq!(
        user.success()[0]["profileLastUpdatedAt"],
        listed.success()["memberProfile"]["updatedAt"]
    );
    let reply = put(&app, id, json!({ "update": { "eNPS": 7 } })).await;
    assert_eq!(reply.success()["updatedMemberProfile"]["eNPS"], 7);
}

#[tokio::test]
async fn only_campus_defined_fields_can_be_set() {
    let (app, ids) = campus().await;
    let id = &ids[0];
    for body in [
        json!({ "update": { "Dept": "x" } }),
        json!({ "unset": ["Dept"] }),
    ] {
        let detail = put(&app, id, body).await.error(StatusCode::BAD_REQUEST);
        assert!(
            detail.contains("`Dept`") && detail.contains("Department, Region, eNPS"),
            "{detail}"
        );
    }
    let detail = put(&app, id, json!({ "update": { "firstname": "X" } }))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(detail.contains("firstname"), "{detail}");
    put(&app, id, json!({}))
        .await
        .error(StatusCode::BAD_REQUEST);
    put(&app, id, json!({ "Department": "x" }))
        .await
        .error(StatusCode::BAD_REQUEST);
    put(&app, id, json!({ "update": ["Department"] }))
        .await
        .error(StatusCode::BAD_REQUEST);
    put(&app, id, json!({ "update": { "Department": {} } }))
        .await
        .error(StatusCode::BAD_REQUEST);
    put(
        &app,
        id,
        json!({ "update": { "Department": "x" }, "unset": ["Department"] }),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    put(
        &app,
        "zzzzzzzzzzzz",
        json!({ "update": { "Department": "x" } }),
    )
    .await
    .error(StatusCode::NOT_FOUND);

    // Fields are defined in the dashboard (here: the control API).
    let reply = control(
        &app,
        Method::POST,
        "/_sandbox/profile-fields",
        Some(json!({ "fields": ["Department", "Team"] })),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    put(&app, id, json!({ "update": { "Team": "Blue" } }))
        .await
        .success();
    put(&app, id, json!({ "update": { "eNPS": 3 } }))
        .await
        .error(StatusCode::BAD_REQUEST);
    let kareem = get(&app, &format!("/MemberProfile/{}", ids[1])).await;
    assert_eq!(
        keys(&kareem.success()["memberProfile"]),
        ["email", "firstname", "lastname", "Department", "updatedAt"]
    );
}
