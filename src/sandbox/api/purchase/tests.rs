//! Tests of the Product API purchase.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use crate::sandbox::test_support::{control, empty, post, send};

fn body() -> Value {
    json!({ "purchaseType": 0, "email": "test@gmail.com", "firstName": "John", "lastName": "Doe", "pricingId": 1 })
}

#[tokio::test]
async fn a_purchase_answers_the_bare_purchase_object() {
    let app = empty();
    let reply = post(&app, "/api/purchase", body()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let p = &reply.json;
    let keys: Vec<&str> = p
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "purchaseType",
            "remoteSystemSubscriptionId",
            "status",
            "details",
            "createdAt",
            "updatedAt",
            "price",
            "payments"
        ]
    );
    assert!(p.get("responseCode").is_none());
    assert_eq!(p["id"], 1);
    assert_eq!(
        (
            p["purchaseType"].clone(),
            p["status"].clone(),
            p["details"].clone()
        ),
        (json!(0), json!(0), json!(""))
    );
    assert_eq!(p["payments"], json!([]));
    assert_eq!(p["price"]["amount"], "$0.00");
    assert_eq!(p["price"]["product"]["name"], "Office 20");
    let product_keys: Vec<&str> = p["price"]["product"]
        .as_object()
        .expect("product")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        product_keys,
        [
            "id",
            "name",
            "description",
            "status",
            "type",
            "createdAt",
            "updatedAt"
        ]
    );
    let created = p["createdAt"].as_str().expect("createdAt");
    assert!(created.ends_with('Z') && created.len() == 24, "{created}");

    let second = post(&app, "/api/purchase", json!({ "purchaseType": 0, "email": "b@test.com", "firstName": "B", "lastName": "C", "pricingId": 3 })).await;
    assert_eq!(second.json["id"], 2);
    assert_eq!(second.json["price"]["product"]["name"], "Boardroom 12");
    let listed = control(&app, Method::GET, "/_sandbox/purchases", None).await;
    assert_eq!(listed.json["purchases"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn every_field_is_required_and_checked() {
    let app = empty();
    for (field, bad) in [
        ("purchaseType", Value::Null),
        ("purchaseType", json!(1)),
        ("purchaseType", json!("0")),
        ("email", Value::Null),
        ("email", json!("nope")),
        ("firstName", Value::Null),
        ("lastName", json!("")),
        ("pricingId", Value::Null),
        ("pricingId", json!("1")),
        ("pricingId", json!(99)),
        ("pricingId", json!(1.5)),
    ] {
        let mut b = body();
        if bad.is_null() {
            b.as_object_mut().expect("object").remove(field);
        } else {
            b[field] = bad.clone();
        }
        let detail = post(&app, "/api/purchase", b)
            .await
            .error(StatusCode::BAD_REQUEST);
        assert!(detail.contains(field), "{field}={bad}: {detail}");
    }
    let detail = post(&app, "/api/purchase", json!({ "purchaseType": 0, "email": "a@test.com", "firstName": "A", "lastName": "B", "pricingId": 42 }))
        .await
        .error(StatusCode::BAD_REQUEST);
    assert!(
        detail.contains("1 (Office 20), 2 (Conference 50), 3 (Boardroom 12)"),
        "{detail}"
    );
    let anonymous = Request::builder()
        .method(Method::POST)
        .uri("/api/purchase")
        .body(Body::from(body().to_string()))
        .expect("request");
    send(&app, anonymous).await.error(StatusCode::UNAUTHORIZED);
}
