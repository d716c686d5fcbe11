//! Every sample answer of the vendor document decodes (fixtures in
//! `tests/fixtures/vendor`, see its README for the syntax slips fixed), and our request
//! bodies match the vendor's samples.

use serde_json::Value;
use virbela_bot::virbela::domain::{Permission, TeamId, UserRole};
use virbela_bot::virbela::models::*;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/vendor/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

#[test]
fn user_samples_decode() {
    let list: Envelope<Vec<User>> = decode("users_list.json");
    assert_eq!(list.data.len(), 2);
    let kareem = &list.data[1];
    assert_eq!(kareem.user_id.as_str(), "zCzMQrfRK9FR");
    assert_eq!(kareem.team_id, "I".parse::<TeamId>().ok());
    assert_eq!(kareem.role, Some(UserRole::Permission(Permission::Member)));
    assert_eq!(
        kareem
            .hardware
            .as_ref()
            .and_then(|h| h.ram.as_ref())
            .and_then(|r| r.value()),
        Some(32768)
    );
    assert_eq!(list.request_id.as_deref(), Some("635c47ad9bccbe2235d48088"));
    let one: Envelope<Vec<User>> = decode("user_get.json");
    assert_eq!(one.data[0].displayname.as_deref(), Some("KBlevins123"));
    for name in ["suspend.json", "delete.json"] {
        let outcome: ActionOutcome = decode(name);
        assert!(outcome.request_id.is_some(), "{name}");
    }
}

#[test]
fn profile_samples_decode_and_keep_campus_fields() {
    let page: Envelope<ProfilePage> = decode("member_profiles.json");
    assert_eq!(page.data.count, Some(152));
    assert_eq!(page.data.member_profiles.len(), 3);
    let kareem = &page.data.member_profiles[1];
    assert_eq!(
        kareem.fields.keys().collect::<Vec<_>>(),
        ["Department", "Region", "eNPS"]
    );
    assert_eq!(kareem.field_text("eNPS").as_deref(), Some("9"));
    assert!(page.data.member_profiles[0].fields.is_empty());
    let one: Value = serde_json::from_str(&fixture("member_profile.json")).expect("json");
    let profile: MemberProfile =
        serde_json::from_value(one["data"]["memberProfile"].clone()).expect("profile");
    assert_eq!(profile.field_text("Region").as_deref(), Some("Canada"));
    let updated: Value =
        serde_json::from_str(&fixture("member_profile_update.json")).expect("json");
    let profile: MemberProfile =
        serde_json::from_value(updated["data"]["updatedMemberProfile"].clone()).expect("updated");
    assert!(!profile.fields.contains_key("eNPS"));
}

#[test]
fn room_purchase_attendance_and_waitlist_samples_decode() {
    let rooms: RoomList = decode("rooms.json");
    assert_eq!(rooms.data.len(), 4);
    assert_eq!(rooms.data[2].label(), "The Future: Diversity in Tech");
    assert_eq!(
        rooms.data[3].team_access_friendly.as_ref().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        rooms.data[3]
            .team_access
            .as_ref()
            .and_then(|t| t[0].value()),
        Some(2)
    );
    let purchase: Purchase = decode("purchase.json");
    assert_eq!(purchase.id.value(), Some(32));
    assert_eq!(
        purchase
            .price
            .and_then(|p| p.product)
            .and_then(|p| p.name)
            .as_deref(),
        Some("Office 20")
    );
    for name in ["attendance_room.json", "attendance_volume.json"] {
        let sessions: Envelope<Vec<Session>> = decode(name);
        assert_eq!(sessions.data.len(), 2, "{name}");
        assert_eq!(sessions.data[0].attendance_minutes.value(), Some(373.17));
        assert_eq!(sessions.data[0].talk_minutes.value(), Some(15.44));
    }
    let called: Envelope<WaitlistPage<Called>> = decode("waitlist_called.json");
    assert_eq!(called.data.results.len(), 1);
    assert_eq!(
        called.data.results[0]
            .seconds_in_line
            .as_ref()
            .and_then(|s| s.value()),
        None,
        "placeholder text kept, no number"
    );
    let done: Envelope<WaitlistPage<HelpDone>> = decode("waitlist_help_done.json");
    assert_eq!(done.data.results.len(), 1);
    let ends: Envelope<WaitlistPage<SupportEnd>> = decode("waitlist_support_end.json");
    assert_eq!(ends.data.results[0].user_id, "string");
}

#[test]
fn our_request_bodies_match_the_vendor_samples() {
    let mut invitation = Invitation::new("testuser@test.com".parse().expect("email"));
    invitation.display_name = Some("TestUser".into());
    invitation.first_name = Some("Test".into());
    invitation.last_name = Some("User".into());
    invitation.title = Some("User for testing purposes".into());
    invitation.team_id = Some(TeamId::A);
    invitation.permission = Some(Permission::Moderator);
    invitation.send_invitation_email = Some(virbela_bot::virbela::domain::InvitationEmail::All);
    invitation.overwrite_data = Some(true);
    let ours = serde_json::to_value(&invitation).expect("json");
    let theirs: Value = serde_json::from_str(&fixture("request_invitation.json")).expect("sample");
    assert_eq!(ours, theirs);

    let order = SpaceOrder::new(
        "test@gmail.com".parse().expect("email"),
        "John".into(),
        "Doe".into(),
        1,
    );
    let theirs: Value = serde_json::from_str(&fixture("request_purchase.json")).expect("sample");
    assert_eq!(serde_json::to_value(&order).expect("json"), theirs);

    let update = ProfileUpdate {
        update: [("Department", "Product Management"), ("Region", "Alberta")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::from(v)))
            .collect(),
        unset: vec!["eNPS".into()],
    };
    let theirs: Value =
        serde_json::from_str(&fixture("request_profile_update.json")).expect("sample");
    assert_eq!(serde_json::to_value(&update).expect("json"), theirs);
}
