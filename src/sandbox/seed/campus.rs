//! Seeding the campus directory: members (the vendor's sample users first), pending
//! invitations, and rooms.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use indexmap::IndexMap;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::data::{
    DEPARTMENTS, DOMAINS, FIRST_NAMES, GENERATED_MEMBERS, LAST_NAMES, MAC_MACHINES, MAC_VERSIONS,
    OTHER_CAMPUS_EMAILS, PENDING, REGIONS, ROOMS, Usage, WINDOWS_MACHINES, WINDOWS_VERSIONS,
};
use super::{People, at, pick, team, weighted};
use crate::sandbox::api::derive_display_name;
use crate::sandbox::state::{
    Campus, HardUserLimit, Hardware, Invitation, Member, Role, Room, random_id, team_access,
};
use crate::virbela::domain::{Permission, TeamId};

fn hardware(rng: &mut ChaCha8Rng) -> Hardware {
    let mac = rng.random_bool(0.3);
    let (machines, versions) = if mac {
        (MAC_MACHINES, MAC_VERSIONS)
    } else {
        (WINDOWS_MACHINES, WINDOWS_VERSIONS)
    };
    let (processor, gfx, ram, device) = machines[rng.random_range(0..machines.len())];
    let os = versions[rng.random_range(0..versions.len())];
    let id: String = (0..40)
        .map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)]))
        .collect();
    Hardware {
        os: os.into(),
        processor: processor.into(),
        gfx: gfx.into(),
        ram: ram.into(),
        device: device.into(),
        hardware_id: id,
    }
}

pub(super) fn members(campus: &mut Campus, rng: &mut ChaCha8Rng, anchor: DateTime<Utc>) -> People {
    // The vendor's sample users.
    let kareem_profile: IndexMap<String, Value> = [
        ("Department".to_string(), json!("Product")),
        ("Region".to_string(), json!("Canada")),
        ("eNPS".to_string(), json!(9)),
    ]
    .into_iter()
    .collect();
    let samples = [
        (
            "6DwTpLBvvX32",
            "angel.page@test.com",
            "Angel",
            "Page",
            "APage",
            "A",
            Role::Active(Permission::Admin),
            "2023-07-21T17:47:36.593Z",
            0,
            IndexMap::new(),
        ),
        (
            "zCzMQrfRK9FR",
            "Kareem.Blevins@test.com",
            "Kareem",
            "Blevins",
            "KBlevins123",
            "I",
            Role::Active(Permission::Member),
            "2023-07-13T22:24:08.641Z",
            1,
            kareem_profile,
        ),
        (
            "QtUMF8zsEpm8",
            "Dominique.Fuller@test.com",
            "Dominique",
            "Fuller",
            "DFuller",
            "C",
            Role::Active(Permission::Member),
            "2022-12-16T22:06:44.294Z",
            2,
            IndexMap::new(),
        ),
    ];
    for (id, email, first, last, display, team_letters, role, updated, machine, profile) in samples
    {
        let hw = match machine {
            0 => Hardware {
                os: "Windows 10 (10.0.19044) 64bit".into(),
                processor: "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz".into(),
                gfx: "NVIDIA GeForce RTX 2060".into(),
                ram: "16262".into(),
                device: "OMEN by HP Laptop 15-dh0xxx (HP)".into(),
                hardware_id: "3f1c9a7be0d24e5f8a6b1c2d3e4f5a6b7c8d9e0f".into(),
            },
            1 => Hardware {
                os: "Mac OS X 10.16.0".into(),
                processor: "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz".into(),
                gfx: "AMD Radeon Pro 5300M".into(),
                ram: "32768".into(),
                device: "MacBookPro16,1".into(),
                hardware_id: "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b".into(),
            },
            _ => hardware(rng),
        };
        campus.data.add_member(Member {
            id: id.into(),
            email: email.into(),
            firstname: first.into(),
            lastname: last.into(),
            displayname: display.into(),
            title: String::new(),
            team: team(team_letters),
            role,
            hardware: Some(hw),
            profile,
            profile_updated_at: at(updated),
        });
    }
    // Kareem is KBlevins123 because a KBlevins was there first.
    let keisha = Member {
        id: random_id(rng, 12),
        email: "keisha.blevins@contoso.com".into(),
        firstname: "Keisha".into(),
        lastname: "Blevins".into(),
        displayname: "KBlevins".into(),
        title: String::new(),
        team: team("B"),
        role: Role::Active(Permission::Leader),
        hardware: Some(hardware(rng)),
        profile: IndexMap::new(),
        profile_updated_at: anchor - Duration::days(200),
    };
    campus.data.add_member(keisha);

    let mut names: HashSet<(&str, &str)> = HashSet::new();
    let teams: &[(&str, u32)] = &[
        ("A", 20),
        ("B", 14),
        ("C", 12),
        ("D", 10),
        ("E", 8),
        ("F", 6),
        ("G", 5),
        ("H", 4),
        ("I", 4),
        ("J", 3),
        ("K", 2),
        ("AA", 3),
        ("AB", 2),
        ("BC", 1),
    ];
    let mut generated = Vec::with_capacity(GENERATED_MEMBERS);
    while generated.len() < GENERATED_MEMBERS {
        let first = pick(rng, FIRST_NAMES);
        let last = pick(rng, LAST_NAMES);
        if !names.insert((first, last)) {
            continue;
        }
        let domain = weighted(rng, DOMAINS);
        let local = if rng.random_bool(0.15) {
            format!("{first}.{last}")
        } else {
            format!("{}.{}", first.to_lowercase(), last.to_lowercase())
        };
        let email = format!("{local}@{domain}");
        if campus.data.member_by_email(&email).is_some() {
            continue;
        }
        let i = generated.len();
        let role = match i {
            0 => Permission::Owner,
            1..=3 => Permission::Admin,
            4..=11 => Permission::Moderator,
            12..=44 => Permission::Leader,
            _ => Permission::Member,
        };
        let wanted = match rng.random_range(0..20) {
            0..=14 => derive_display_name(first, last, &email),
            15..=17 => format!("{first}{}", &last[..1]),
            _ => first.to_string(),
        };
        let displayname = campus.unique_display_name(&wanted, None);
        let mut profile = IndexMap::new();
        if rng.random_bool(0.85) {
            profile.insert("Department".to_string(), json!(pick(rng, DEPARTMENTS)));
        }
        if rng.random_bool(0.8) {
            profile.insert("Region".to_string(), json!(pick(rng, REGIONS)));
        }
        if rng.random_bool(0.65) {
            profile.insert("eNPS".to_string(), json!(rng.random_range(0..=10)));
        }
        let updated = anchor
            - Duration::days(rng.random_range(1..900))
            - Duration::milliseconds(rng.random_range(0..86_400_000));
        let hw = rng.random_bool(0.93).then(|| hardware(rng));
        let id = campus.fresh_user_id();
        campus.data.add_member(Member {
            id: id.clone(),
            email,
            firstname: first.into(),
            lastname: last.into(),
            displayname,
            title: String::new(),
            team: team(weighted(rng, teams)),
            role: Role::Active(role),
            hardware: hw,
            profile,
            profile_updated_at: updated,
        });
        generated.push(id);
    }

    // A few members and leaders are suspended (history stays).
    let mut suspended = 0;
    while suspended < 7 {
        let id = &generated[rng.random_range(12..generated.len())];
        if let Some(m) = campus
            .data
            .members
            .get_mut(id)
            .filter(|m| m.role != Role::Suspended)
        {
            m.role = Role::Suspended;
            suspended += 1;
        }
    }

    for email in OTHER_CAMPUS_EMAILS {
        campus.data.seen_emails.insert((*email).to_string());
    }

    let agents: Vec<String> = campus
        .data
        .members
        .values()
        .filter(|m| {
            matches!(
                m.role,
                Role::Active(Permission::Moderator | Permission::Admin)
            )
        })
        .map(|m| m.id.clone())
        .collect();
    let mut attendees: Vec<Arc<str>> = campus
        .data
        .members
        .keys()
        .map(|id| Arc::from(id.as_str()))
        .collect();
    // Former members: deleted since, their attendance history stays.
    for _ in 0..8 {
        attendees.push(Arc::from(random_id(rng, 12)));
    }
    People { attendees, agents }
}

pub(super) fn invitations(campus: &mut Campus, rng: &mut ChaCha8Rng, anchor: DateTime<Utc>) {
    for (first, last, domain, permission) in PENDING {
        let email = format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase());
        let key = email.to_ascii_lowercase();
        if campus.data.member_by_email.contains_key(&key) {
            continue;
        }
        let id = campus.fresh_user_id();
        let displayname =
            campus.unique_display_name(&derive_display_name(first, last, &email), None);
        campus.data.seen_emails.insert(key.clone());
        campus.data.invitations.insert(
            key,
            Invitation {
                id,
                email,
                firstname: (*first).into(),
                lastname: (*last).into(),
                displayname,
                title: String::new(),
                team: TeamId::A,
                permission: *permission,
                invited_at: anchor - Duration::hours(rng.random_range(2..240)),
            },
        );
    }
}

/// Adds the rooms and volumes; answers (room id, usage) for attendance.
pub(super) fn rooms(
    campus: &mut Campus,
    rng: &mut ChaCha8Rng,
    anchor: DateTime<Utc>,
) -> Vec<(String, Usage)> {
    let mut out = Vec::new();
    for spec in ROOMS {
        let id = match spec.id {
            Some(id) => id.to_string(),
            None => random_id(rng, 10),
        };
        let (created_at, updated_at) = match spec.times {
            Some((c, u)) => (at(c), at(u)),
            None => {
                let created = anchor
                    - Duration::days(rng.random_range(420..1100))
                    - Duration::milliseconds(rng.random_range(0..86_400_000));
                let updated = created
                    + Duration::days(rng.random_range(1..400))
                    + Duration::milliseconds(rng.random_range(0..86_400_000));
                (created, updated.min(anchor))
            }
        };
        let teams: Vec<TeamId> = spec.teams.iter().map(|t| team(t)).collect();
        let (numbers, letters) = team_access(&teams);
        let grouped = spec.group.is_some();
        let room = Room {
            object_id: id.clone(),
            visible_on: spec.visible_on.iter().map(|s| s.to_string()).collect(),
            level_name: spec.level.into(),
            instance: spec.instance,
            custom_label: spec.custom_label.map(str::to_string),
            name: spec.name.into(),
            sfs_room: spec.sfs.into(),
            created_at,
            updated_at,
            group_access: grouped.then(Vec::new),
            group: spec.group.map(str::to_string),
            team_access: (!teams.is_empty()).then_some(numbers),
            team_access_friendly: (!teams.is_empty()).then_some(letters),
            hard_user_limit_options: spec.hard_limit.then(|| HardUserLimit {
                dialog_title: format!("{} Full", spec.name),
                dialog_message: format!(
                    "{} is full; you have been sent to the campus instead.",
                    spec.name
                ),
            }),
        };
        campus.data.rooms.insert(id.clone(), room);
        out.push((id, spec.usage));
    }
    out
}
