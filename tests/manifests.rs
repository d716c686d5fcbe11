//! The Slack app manifests (`manifests/slack/*.yaml`) validate offline against Slack's
//! published JSON schema (a copy in `manifests/slack/schema/`), and say what the bot
//! relies on: the `/virbela` command, the HTTP paths of DESIGN.md, least-privilege
//! scopes each with a comment saying why, and no URLs in Socket Mode.

use std::path::PathBuf;

use serde_json::{Value, json};

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

fn yaml(rel: &str) -> Value {
    serde_norway::from_str(&read(rel)).unwrap_or_else(|e| panic!("parse {rel}: {e}"))
}

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&read("manifests/slack/schema/manifest.schema.1.0.0.json"))
            .expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, manifest: &Value) -> Vec<String> {
    validator
        .iter_errors(manifest)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

const HTTP: &str = "manifests/slack/app.yaml";
const SOCKET: &str = "manifests/slack/app-socket-mode.yaml";

/// Exactly these bot scopes: nothing broader (no `chat:write.public`, no history).
const SCOPES: [&str; 7] = [
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "usergroups:read",
    "files:write",
    "app_mentions:read",
];

#[test]
fn both_manifests_match_slacks_schema() {
    let validator = validator();
    for rel in [HTTP, SOCKET] {
        let errors = schema_errors(&validator, &yaml(rel));
        assert!(errors.is_empty(), "{rel}: {errors:#?}");
    }
}

#[test]
fn the_validator_rejects_broken_manifests() {
    let validator = validator();
    let mut manifest = yaml(HTTP);
    manifest["features"]["slash_commands"][0]["command"] = json!("virbela");
    manifest["display_information"]["name"] = json!("x".repeat(36));
    manifest["settings"]["unknown_setting"] = json!(true);
    let errors = schema_errors(&validator, &manifest);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn scopes_are_least_privilege_and_the_same_in_both() {
    for rel in [HTTP, SOCKET] {
        let manifest = yaml(rel);
        assert_eq!(
            manifest["oauth_config"]["scopes"]["bot"],
            json!(SCOPES),
            "{rel}"
        );
        assert!(
            manifest["oauth_config"]["scopes"].get("user").is_none(),
            "{rel}"
        );
        assert_eq!(
            manifest["settings"]["event_subscriptions"]["bot_events"],
            json!(["app_mention"]),
            "{rel}"
        );
        assert_eq!(
            manifest["settings"]["org_deploy_enabled"],
            json!(false),
            "{rel}"
        );
    }
}

#[test]
fn every_scope_has_a_comment_saying_why() {
    for rel in [HTTP, SOCKET] {
        let text = read(rel);
        let lines: Vec<&str> = text.lines().collect();
        for scope in SCOPES {
            let at = lines
                .iter()
                .position(|l| l.trim() == format!("- {scope}"))
                .unwrap_or_else(|| panic!("{rel}: {scope} listed"));
            assert!(
                at > 0 && lines[at - 1].trim_start().starts_with('#'),
                "{rel}: {scope} needs a comment above it"
            );
        }
    }
}

#[test]
fn http_manifest_points_at_the_serve_endpoints() {
    let manifest = yaml(HTTP);
    let command = &manifest["features"]["slash_commands"][0];
    assert_eq!(command["command"], "/virbela");
    assert_eq!(command["url"], "https://YOUR-HOST/slack/commands");
    assert!(
        command["usage_hint"]
            .as_str()
            .is_some_and(|h| h.contains("help"))
    );
    let settings = &manifest["settings"];
    assert_eq!(settings["socket_mode_enabled"], json!(false));
    assert_eq!(settings["interactivity"]["is_enabled"], json!(true));
    assert_eq!(
        settings["interactivity"]["request_url"],
        "https://YOUR-HOST/slack/interactions"
    );
    assert_eq!(
        settings["interactivity"]["message_menu_options_url"],
        "https://YOUR-HOST/slack/interactions"
    );
    assert_eq!(
        settings["event_subscriptions"]["request_url"],
        "https://YOUR-HOST/slack/events"
    );
}

/// Every string anywhere in `value` that looks like a URL.
fn urls(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s.starts_with("http") => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| urls(v, out)),
        Value::Object(map) => map.values().for_each(|v| urls(v, out)),
        _ => {}
    }
}

#[test]
fn socket_mode_manifest_has_no_urls_and_the_same_command() {
    let socket = yaml(SOCKET);
    let http = yaml(HTTP);
    assert_eq!(socket["settings"]["socket_mode_enabled"], json!(true));
    let mut found = Vec::new();
    urls(&socket, &mut found);
    assert!(found.is_empty(), "{found:?}");
    let mut command = http["features"]["slash_commands"][0].clone();
    if let Some(c) = command.as_object_mut() {
        c.remove("url");
    }
    assert_eq!(socket["features"]["slash_commands"][0], command);
    assert_eq!(socket["display_information"], http["display_information"]);
    assert_eq!(socket["features"]["bot_user"], http["features"]["bot_user"]);
}
