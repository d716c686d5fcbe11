//! Rooms, private spaces (Product API) and the help-desk waitlist.

use chrono::{TimeZone, Utc};
use serde_json::json;
use virbela_bot::virbela::domain::DateRange;
use virbela_bot::virbela::models::{Called, HelpDone, SpaceOrder, SupportEnd};

use crate::helpers::TestCampus;

#[tokio::test]
async fn rooms_list_the_campus_with_friendly_team_access() {
    let campus = TestCampus::seeded().await;
    let rooms = campus.client.rooms().await.expect("rooms");
    assert!(rooms.len() >= 15, "{}", rooms.len());
    let workspace = rooms
        .iter()
        .find(|r| r.room_id.as_str() == "MHPspquUJd")
        .expect("vendor's Workspace room");
    assert_eq!(
        workspace.team_access_friendly.as_deref(),
        Some(&["B".to_string(), "D".into(), "E".into()][..])
    );
    assert_eq!(workspace.label(), "Workspace");
    let theater = rooms
        .iter()
        .find(|r| r.name.as_deref() == Some("Theater"))
        .expect("Theater");
    assert_eq!(theater.sfs_room.as_deref(), Some("Theater"));
}

#[tokio::test]
async fn a_private_space_is_bought_through_the_product_api() {
    let campus = TestCampus::empty().await;
    let order = SpaceOrder::new(
        "john@campus.test".parse().expect("email"),
        "John".into(),
        "Doe".into(),
        1,
    );
    let purchase = campus.client.create_space(&order).await.expect("purchase");
    assert!(purchase.id.value().is_some());
    let product = purchase.price.and_then(|p| p.product).expect("product");
    assert_eq!(product.name.as_deref(), Some("Office 20"));
    let calls = campus.calls().await;
    assert_eq!(
        calls.last().map(|c| c["path"].clone()),
        Some(json!("/api/purchase"))
    );
    assert_eq!(
        calls.last().map(|c| c["body"]["purchaseType"].clone()),
        Some(json!(0))
    );
}

#[tokio::test]
async fn waitlist_events_decode_numbers_sent_as_strings() {
    let campus = TestCampus::empty().await;
    campus
        .control(
            "waitlist",
            json!({
                "called": [
                    {"userId": "u1", "room": "HelpDesk", "time": "2023-01-19T15:00:00.000Z", "supportUserId": "agent1", "secondsInLine": "312", "initialPlace": "3"},
                    {"userId": "u2", "room": "Lobby", "time": "2023-01-19T16:00:00.000Z", "supportUserId": "agent1", "secondsInLine": 20, "initialPlace": 1}
                ],
                "helpDone": [{"userId": "u1", "room": "HelpDesk", "time": "2023-01-19T15:10:00.000Z", "supportUserId": "agent1", "secondsBeingHelped": "600"}],
                "supportEnd": [{"userId": "agent1", "room": "HelpDesk", "time": "2023-01-19T18:00:00.000Z", "numUsersHelped": "5", "secondsHelpingUsers": "3000", "secondsSupportingList": "10800"}]
            }),
        )
        .await;
    let day = DateRange::new(
        Utc.with_ymd_and_hms(2023, 1, 19, 0, 0, 0)
            .single()
            .expect("t"),
        Utc.with_ymd_and_hms(2023, 1, 20, 0, 0, 0)
            .single()
            .expect("t"),
    )
    .expect("range");

    let called = campus
        .client
        .waitlist_events::<Called>(&day, None)
        .await
        .expect("called");
    let help_desk = campus
        .client
        .waitlist_events::<Called>(&day, Some("HelpDesk"))
        .await
        .expect("filtered");
    let done = campus
        .client
        .waitlist_events::<HelpDone>(&day, None)
        .await
        .expect("help done");
    let ends = campus
        .client
        .waitlist_events::<SupportEnd>(&day, None)
        .await
        .expect("support end");

    assert_eq!(called.len(), 2);
    assert_eq!(
        called[0].seconds_in_line.as_ref().and_then(|s| s.value()),
        Some(312.0)
    );
    assert_eq!(
        called[0].initial_place.as_ref().and_then(|s| s.value()),
        Some(3)
    );
    assert_eq!(help_desk.len(), 1);
    assert_eq!(
        done[0]
            .seconds_being_helped
            .as_ref()
            .and_then(|s| s.value()),
        Some(600.0)
    );
    assert_eq!(
        ends[0].num_users_helped.as_ref().and_then(|s| s.value()),
        Some(5)
    );
}
