//! The Teams app manifest (`manifests/teams/manifest.json`, placeholders filled) and the
//! package `virbela-bot teams package` writes validate offline against the v1.29 schema
//! (a copy in `manifests/teams/schema/`); the validator catches the usual slips; the zip
//! holds the manifest and both icons at the right sizes; the command list names the
//! grammar's commands with their usage.
//!
//! The icons are drawn by [`draw_icon`]: `TEAMS_ICONS_WRITE=1 cargo test --test
//! teams_manifest` writes them again, and `icons_are_the_drawn_ones` keeps them in step.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use virbela_bot::core::grammar;
use virbela_bot::teams::package;

const APP_ID: &str = "7a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
const HOST: &str = "bot.example.com";
/// The accent color, also the color icon's background.
const ACCENT: [u8; 3] = [0x44, 0x64, 0xEE];

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(path(
        "manifests/teams/schema/MicrosoftTeams.schema.v1.29.json",
    ))
    .expect("the schema copy");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, manifest: &Value) -> Vec<String> {
    validator
        .iter_errors(manifest)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The template file with its placeholders filled as the package does.
fn filled_template() -> Value {
    let text = std::fs::read_to_string(path("manifests/teams/manifest.json")).expect("template");
    assert!(text.contains("{{APP_ID}}") && text.contains("{{HOST}}"));
    serde_json::from_str(&text.replace("{{APP_ID}}", APP_ID).replace("{{HOST}}", HOST))
        .expect("template is JSON")
}

#[test]
fn the_template_matches_the_schema() {
    let manifest = filled_template();
    let errors = schema_errors(&validator(), &manifest);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(manifest["manifestVersion"], "1.29");
    assert_eq!(
        manifest["$schema"],
        "https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
    );
    assert_eq!(manifest["bots"][0]["botId"], APP_ID);
    assert_eq!(
        manifest["bots"][0]["scopes"],
        json!(["personal", "team", "groupChat"])
    );
    assert_eq!(manifest["bots"][0]["supportsFiles"], false);
    assert_eq!(manifest["validDomains"], json!([HOST]));
    // The embedded copy is the file.
    assert_eq!(
        package::MANIFEST_TEMPLATE,
        std::fs::read_to_string(path("manifests/teams/manifest.json")).expect("template")
    );
}

#[test]
fn the_validator_rejects_broken_manifests() {
    let validator = validator();
    let mut manifest = filled_template();
    manifest["bots"][0]["scopes"] = json!(["personal", "groupchat"]);
    let errors = schema_errors(&validator, &manifest);
    assert!(
        errors.iter().any(|e| e.contains("/bots/0/scopes/1")),
        "{errors:#?}"
    );

    let mut manifest = filled_template();
    if let Some(root) = manifest.as_object_mut() {
        root.remove("accentColor");
    }
    let errors = schema_errors(&validator, &manifest);
    assert!(
        errors.iter().any(|e| e.contains("accentColor")),
        "{errors:#?}"
    );

    let mut manifest = filled_template();
    manifest["id"] = json!("not-a-guid");
    manifest["name"]["short"] = json!("x".repeat(31));
    assert_eq!(schema_errors(&validator, &manifest).len(), 2);
}

#[test]
fn the_command_list_names_the_grammars_commands() {
    let manifest = filled_template();
    let lists = manifest["bots"][0]["commandLists"]
        .as_array()
        .expect("command lists");
    assert_eq!(lists.len(), 1);
    let commands = lists[0]["commands"].as_array().expect("commands");
    let titles: Vec<&str> = commands
        .iter()
        .filter_map(|c| c["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "help",
            "users",
            "user",
            "invite",
            "suspend",
            "delete",
            "profile",
            "rooms",
            "attendance",
            "waitlist",
            "approvals",
            "schedule"
        ]
    );
    let names: Vec<&str> = grammar::specs().iter().map(|s| s.name).collect();
    for command in commands {
        let title = command["title"].as_str().unwrap_or_default();
        let description = command["description"].as_str().unwrap_or_default();
        let spec = grammar::specs()
            .iter()
            .find(|s| s.name == title)
            .unwrap_or_else(|| panic!("{title} is not a command (they are {names:?})"));
        assert!(
            spec.usage.iter().any(|u| description.starts_with(u)),
            "{title}: {description:?} does not start with a usage line of {:?}",
            spec.usage
        );
        assert!(description.chars().count() <= 128, "{title}");
    }
}

fn read_zip(zip_path: &Path) -> (Value, Vec<u8>, Vec<u8>, Vec<String>) {
    let file = std::fs::File::open(zip_path).expect("the zip");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let mut entry = |name: &str| {
        let mut bytes = Vec::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_end(&mut bytes)
            .expect("read");
        bytes
    };
    let manifest = serde_json::from_slice(&entry("manifest.json")).expect("manifest JSON");
    let color = entry("color.png");
    let outline = entry("outline.png");
    (manifest, color, outline, names)
}

#[test]
fn the_package_command_writes_a_valid_package() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("app.zip");
    let run = Command::new(env!("CARGO_BIN_EXE_virbela-bot"))
        .args([
            "teams",
            "package",
            "--app-id",
            APP_ID,
            "--host",
            HOST,
            "--name",
            "Campus Ops",
            "--out",
        ])
        .arg(&out)
        .env_remove("VIRBELA_BOT_CONFIG")
        .output()
        .expect("run the binary");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains(&out.display().to_string()), "{stdout}");
    assert!(
        stdout.contains("https://bot.example.com/api/messages"),
        "{stdout}"
    );

    let (manifest, color, outline, mut names) = read_zip(&out);
    names.sort();
    assert_eq!(names, ["color.png", "manifest.json", "outline.png"]);
    let errors = schema_errors(&validator(), &manifest);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(manifest["name"]["short"], "Campus Ops");
    assert_eq!(
        manifest["icons"],
        json!({ "outline": "outline.png", "color": "color.png" })
    );
    assert_eq!(decode(&color).0, (192, 192));
    assert_eq!(decode(&outline).0, (32, 32));
}

#[test]
fn the_package_command_refuses_a_url_for_a_host() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("app.zip");
    let run = Command::new(env!("CARGO_BIN_EXE_virbela-bot"))
        .args([
            "teams",
            "package",
            "--app-id",
            APP_ID,
            "--host",
            "https://bot.example.com/api/messages",
            "--out",
        ])
        .arg(&out)
        .env_remove("VIRBELA_BOT_CONFIG")
        .output()
        .expect("run the binary");
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("not a bare host name"), "{stderr}");
    assert!(!out.exists());
}

/// ((width, height), RGBA pixels) of a PNG.
fn decode(bytes: &[u8]) -> ((u32, u32), Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgba, "icons are RGBA");
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    ((info.width, info.height), buf)
}

#[test]
fn the_outline_icon_is_white_on_transparent() {
    let ((w, h), pixels) = decode(package::OUTLINE_ICON);
    assert_eq!((w, h), (32, 32));
    let mut opaque = 0;
    for px in pixels.chunks(4) {
        if px[3] > 0 {
            assert_eq!(&px[..3], &[255, 255, 255], "only white is drawn");
            opaque += 1;
        }
    }
    assert!(opaque > 40, "something is drawn");
    assert!(
        pixels.chunks(4).any(|px| px[3] == 0),
        "the background is transparent"
    );
}

#[test]
fn the_color_icon_is_opaque_on_the_accent_color() {
    let ((w, h), pixels) = decode(package::COLOR_ICON);
    assert_eq!((w, h), (192, 192));
    assert!(pixels.chunks(4).all(|px| px[3] == 255));
    assert_eq!(&pixels[..3], &ACCENT);
    let manifest = filled_template();
    let accent = format!("#{:02X}{:02X}{:02X}", ACCENT[0], ACCENT[1], ACCENT[2]);
    assert_eq!(manifest["accentColor"], accent);
}

/// A "V" in white, 4×4 supersampled: on `background` (opaque) or on transparency.
fn draw_icon(size: u32, background: Option<[u8; 3]>) -> Vec<u8> {
    fn distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        let (x, y) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
        (x * x + y * y).sqrt()
    }
    let (left, bottom, right) = ((0.24, 0.26), (0.5, 0.76), (0.76, 0.26));
    let half_stroke = 0.065;
    let mut pixels = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let mut hits = 0u32;
            for sy in 0..4 {
                for sx in 0..4 {
                    let p = (
                        (f64::from(x) + (f64::from(sx) + 0.5) / 4.0) / f64::from(size),
                        (f64::from(y) + (f64::from(sy) + 0.5) / 4.0) / f64::from(size),
                    );
                    if distance(p, left, bottom).min(distance(p, bottom, right)) <= half_stroke {
                        hits += 1;
                    }
                }
            }
            let cover = f64::from(hits) / 16.0;
            let px = match background {
                Some(bg) => {
                    let mix = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * cover).round() as u8;
                    [mix(bg[0]), mix(bg[1]), mix(bg[2]), 255]
                }
                None => [255, 255, 255, (255.0 * cover).round() as u8],
            };
            pixels.extend(px);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, size, size);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(&pixels).expect("pixels");
    }
    out
}

#[test]
fn icons_are_the_drawn_ones() {
    for (file, size, background) in [("color.png", 192, Some(ACCENT)), ("outline.png", 32, None)] {
        let drawn = draw_icon(size, background);
        let rel = format!("manifests/teams/{file}");
        if std::env::var_os("TEAMS_ICONS_WRITE").is_some() {
            std::fs::write(path(&rel), &drawn).expect("write the icon");
        }
        let committed = std::fs::read(path(&rel)).expect("the icon");
        assert_eq!(
            decode(&committed),
            decode(&drawn),
            "{rel}: run with TEAMS_ICONS_WRITE=1"
        );
    }
}
