use super::*;

/// A controllable clock: `at(s)` is `s` seconds after a fixed origin, on both clocks.
struct Clock {
    origin: Instant,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            origin: Instant::now(),
        }
    }

    fn at(&self, secs: u64) -> Stamp {
        Stamp {
            mono: self.origin + Duration::from_secs(secs),
            wall: 1_750_000_000 + i64::try_from(secs).expect("secs"),
        }
    }
}

fn members(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn bound(groups: &mut Groups, ids: &[&str]) -> usize {
    let subjects: Vec<String> = ids.iter().map(|id| format!("{GROUP_PREFIX}{id}")).collect();
    groups.set_bound(&subjects)
}

fn names(groups: &[Group]) -> Vec<String> {
    groups.iter().map(ToString::to_string).collect()
}

#[test]
fn members_of_bound_groups_get_them_and_others_do_not() {
    let clock = Clock::new();
    let mut groups = Groups::default();
    assert_eq!(bound(&mut groups, &["S0OPS", "S0LEADS"]), 0);
    // Nothing fetched yet: nobody is a member of anything.
    assert!(groups.of("UERIN", clock.at(0)).is_empty());
    assert_eq!(groups.due(clock.at(0)), ["S0LEADS", "S0OPS"]);

    groups.record(
        "S0OPS",
        Some(members(&["UERIN", "UFRANK"]).as_slice()),
        clock.at(1),
    );
    groups.record("S0LEADS", Some(members(&["UERIN"]).as_slice()), clock.at(1));
    assert_eq!(
        names(&groups.of("UERIN", clock.at(2))),
        ["slack-group:S0LEADS", "slack-group:S0OPS"]
    );
    assert_eq!(
        names(&groups.of("UFRANK", clock.at(2))),
        ["slack-group:S0OPS"]
    );
    assert!(groups.of("UGINA", clock.at(2)).is_empty());
    assert!(groups.due(clock.at(2)).is_empty());

    // A group that loses its binding is forgotten; the others keep their lists.
    bound(&mut groups, &["S0OPS", "not-a-group", "S0OPS"]);
    assert_eq!(
        names(&groups.of("UERIN", clock.at(3))),
        ["slack-group:S0OPS"]
    );
    assert_eq!(
        groups.record("S0LEADS", Some(members(&["UERIN"]).as_slice()), clock.at(3)),
        Recorded::Unbound
    );
    // Malformed stored subjects are ignored.
    groups.set_bound(&["slack-group:u-lower".to_owned(), "slack:U1".to_owned()]);
    assert!(groups.entries.is_empty());
}

#[test]
fn lists_are_refreshed_every_minute_and_removals_apply_then() {
    let clock = Clock::new();
    let mut groups = Groups::default();
    bound(&mut groups, &["S0OPS"]);
    groups.record("S0OPS", Some(members(&["UERIN"]).as_slice()), clock.at(0));
    groups.bindings_tried = Some(clock.at(0));
    assert!(!groups.wants_refresh(clock.at(4)));
    assert!(groups.wants_refresh(clock.at(60)));
    assert!(groups.due(clock.at(59)).is_empty());
    assert_eq!(groups.due(clock.at(60)), ["S0OPS"]);
    // Until the refresh, the old list still counts.
    assert_eq!(groups.of("UERIN", clock.at(61)).len(), 1);
    groups.record("S0OPS", Some(members(&[]).as_slice()), clock.at(61));
    assert!(groups.of("UERIN", clock.at(61)).is_empty());
}

#[test]
fn a_failing_refresh_keeps_the_last_list_for_ten_minutes_only() {
    let clock = Clock::new();
    let mut groups = Groups::default();
    bound(&mut groups, &["S0OPS"]);
    groups.record("S0OPS", Some(members(&["UERIN"]).as_slice()), clock.at(0));

    let failed = groups.record("S0OPS", None, clock.at(60));
    assert_eq!(
        failed,
        Recorded::Failed {
            kept_age: Some(Duration::from_secs(60))
        }
    );
    assert_eq!(groups.of("UERIN", clock.at(60)).len(), 1, "kept");
    // Retried after 30 s, not at once.
    assert!(groups.due(clock.at(89)).is_empty());
    assert_eq!(groups.due(clock.at(90)), ["S0OPS"]);
    assert_eq!(groups.of("UERIN", clock.at(600)).len(), 1, "10 min: still");
    assert!(
        groups.of("UERIN", clock.at(601)).is_empty(),
        "older than 10 minutes: grants nothing"
    );
    assert_eq!(
        groups.record("S0OPS", None, clock.at(601)),
        Recorded::Failed { kept_age: None }
    );
    // Slack answers again.
    assert_eq!(
        groups.record("S0OPS", Some(members(&["UERIN"]).as_slice()), clock.at(630)),
        Recorded::Fresh {
            members: 1,
            truncated: false,
            recovered: true
        }
    );
    assert_eq!(groups.of("UERIN", clock.at(630)).len(), 1);

    // A group Slack never answered for grants nothing.
    bound(&mut groups, &["S0OPS", "S0GONE"]);
    groups.record("S0GONE", None, clock.at(631));
    assert_eq!(
        names(&groups.of("UERIN", clock.at(631))),
        ["slack-group:S0OPS"]
    );
}

#[test]
fn a_wall_clock_going_back_does_not_extend_trust() {
    let clock = Clock::new();
    let then = clock.at(0);
    let later = Stamp {
        mono: then.mono + Duration::from_secs(700),
        wall: then.wall - 3_600,
    };
    assert_eq!(then.age(later), Duration::from_secs(700));
    let jumped = Stamp {
        mono: then.mono,
        wall: then.wall + 700,
    };
    assert_eq!(then.age(jumped), Duration::from_secs(700));
}

#[test]
fn bindings_are_reread_every_few_seconds_and_the_number_of_groups_is_bounded() {
    let clock = Clock::new();
    let mut groups = Groups::default();
    assert!(groups.bindings_due(clock.at(0)));
    groups.bindings_tried = Some(clock.at(0));
    assert!(!groups.bindings_due(clock.at(4)));
    assert!(groups.bindings_due(clock.at(5)));

    let many: Vec<String> = (0..MAX_GROUPS + 3)
        .map(|i| format!("{GROUP_PREFIX}S{i:05}"))
        .collect();
    assert_eq!(groups.set_bound(&many), 3);
    assert_eq!(groups.entries.len(), MAX_GROUPS);
    // Slack's pace for usergroups.users.list: 100 lists, each every 400 s.
    assert_eq!(groups.members_every(), Duration::from_secs(400));
    assert!(groups.members_every() < MEMBERS_MAX_AGE);
    let huge: Vec<String> = (0..MAX_MEMBERS + 1).map(|i| format!("U{i}")).collect();
    let outcome = groups.record("S00000", Some(huge.as_slice()), clock.at(1));
    assert_eq!(
        outcome,
        Recorded::Fresh {
            members: MAX_MEMBERS,
            truncated: true,
            recovered: false
        }
    );
}

#[test]
fn time_zones_expire_and_the_cache_is_bounded() {
    let clock = Clock::new();
    let auckland: Tz = "Pacific/Auckland".parse().expect("tz");
    let mut zones = Zones::default();
    assert_eq!(zones.get("UERIN", clock.at(0)), None);
    zones.put("UERIN".into(), Some(auckland), ZONE_TTL, clock.at(0));
    zones.put("UFRANK".into(), None, ZONE_TTL, clock.at(0));
    zones.put("UGINA".into(), None, ZONE_RETRY, clock.at(0));
    assert_eq!(zones.get("UERIN", clock.at(60)), Some(Some(auckland)));
    assert_eq!(zones.get("UFRANK", clock.at(60)), Some(None));
    assert_eq!(zones.get("UGINA", clock.at(299)), Some(None));
    assert_eq!(
        zones.get("UGINA", clock.at(300)),
        None,
        "failures are retried"
    );
    assert_eq!(
        zones.get("UERIN", clock.at(6 * 3600 - 1)),
        Some(Some(auckland))
    );
    assert_eq!(zones.get("UERIN", clock.at(6 * 3600)), None, "6 h");

    // Full: expired entries go first, then the oldest.
    let mut zones = Zones::default();
    zones.put("UOLD".into(), None, ZONE_RETRY, clock.at(0));
    for i in 1..MAX_ZONES {
        zones.put(format!("U{i}"), None, ZONE_TTL, clock.at(1));
    }
    zones.put("UNEW".into(), None, ZONE_TTL, clock.at(400));
    assert_eq!(zones.entries.len(), MAX_ZONES);
    assert!(!zones.entries.contains_key("UOLD"), "expired first");
    zones.put("UNEWER".into(), None, ZONE_TTL, clock.at(401));
    assert_eq!(zones.entries.len(), MAX_ZONES);
    assert!(zones.entries.contains_key("UNEW") && zones.entries.contains_key("UNEWER"));
}

#[test]
fn zone_names_slack_sends_are_read_and_unknown_ones_are_none() {
    assert_eq!(
        zone_named("U1", "America/Los_Angeles"),
        Some(chrono_tz::America::Los_Angeles)
    );
    assert_eq!(zone_named("U1", "Mars/Olympus_Mons"), None);
    assert_eq!(zone_named("U1", ""), None);
}

#[tokio::test]
async fn the_background_task_ends_once_the_state_is_gone() {
    let clock: UnixClock = Arc::new(|| 0);
    let task = refresh_loop(Weak::new(), clock, Arc::new(Notify::new()));
    tokio::time::timeout(Duration::from_secs(1), task)
        .await
        .expect("returns at once without a state");
}
