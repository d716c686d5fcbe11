//! The Teams app package (`virbela-bot teams package`): `manifests/teams/manifest.json`
//! with the bot's app id and public host filled in, zipped with its two icons
//! (`manifest.json`, `color.png`, `outline.png` at the root), ready to upload as a custom
//! app or to the organisation's catalogue. The template and icons are embedded in the
//! binary, so the command works from anywhere.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The manifest template (`{{APP_ID}}` and `{{HOST}}` placeholders).
pub const MANIFEST_TEMPLATE: &str = include_str!("../../manifests/teams/manifest.json");
/// The 192×192 color icon.
pub const COLOR_ICON: &[u8] = include_bytes!("../../manifests/teams/color.png");
/// The 32×32 white-on-transparent outline icon.
pub const OUTLINE_ICON: &[u8] = include_bytes!("../../manifests/teams/outline.png");
/// Characters of the app's short name (the manifest schema's limit).
pub const MAX_SHORT_NAME_CHARS: usize = 30;

/// Why a package could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(
        "`{0}` is not an app id: give the Azure Bot's Microsoft App ID, a GUID such as 00000000-0000-0000-0000-000000000000"
    )]
    AppId(String),
    #[error(
        "`{host}` is not a bare host name ({why}): give the public host only, e.g. bot.example.com"
    )]
    Host { host: String, why: &'static str },
    #[error("the app name must be 1 to {MAX_SHORT_NAME_CHARS} characters")]
    Name,
    #[error("the embedded manifest template is not JSON: {0}")]
    Template(#[from] serde_json::Error),
    #[error("could not write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write the zip {path}: {source}")]
    Zip {
        path: PathBuf,
        source: zip::result::ZipError,
    },
}

/// Writes the package for the bot `app_id` served at `https://{host}/api/messages` to
/// `out`; `name` replaces the app's display name ("Virbela").
pub fn package(
    app_id: &str,
    host: &str,
    name: Option<&str>,
    out: &Path,
) -> Result<(), PackageError> {
    let manifest = manifest(app_id, host, name)?;
    let text = serde_json::to_string_pretty(&manifest)?;
    let io = |source| PackageError::Io {
        path: out.to_path_buf(),
        source,
    };
    let zip_err = |source| PackageError::Zip {
        path: out.to_path_buf(),
        source,
    };
    let file = File::create(out).map_err(io)?;
    let mut zip = ZipWriter::new(BufWriter::new(file));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (entry, bytes) in [
        ("manifest.json", text.as_bytes()),
        ("color.png", COLOR_ICON),
        ("outline.png", OUTLINE_ICON),
    ] {
        zip.start_file(entry, options).map_err(zip_err)?;
        zip.write_all(bytes).map_err(io)?;
    }
    let mut writer = zip.finish().map_err(zip_err)?;
    writer.flush().map_err(io)?;
    Ok(())
}

/// The manifest for `app_id` at `host` (checked), with `name` as its display name.
pub fn manifest(app_id: &str, host: &str, name: Option<&str>) -> Result<Value, PackageError> {
    let app_id = check_app_id(app_id)?;
    let host = check_host(host)?;
    // Both are plain ASCII without quotes or backslashes, so they cannot break the JSON.
    let filled = MANIFEST_TEMPLATE
        .replace("{{APP_ID}}", &app_id)
        .replace("{{HOST}}", &host);
    let mut manifest: Value = serde_json::from_str(&filled)?;
    if let Some(name) = name {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_SHORT_NAME_CHARS {
            return Err(PackageError::Name);
        }
        manifest["name"]["short"] = Value::String(name.to_owned());
        manifest["name"]["full"] = Value::String(format!("{name} (Virbela campus bot)"));
    }
    Ok(manifest)
}

/// A GUID (8-4-4-4-12 hex digits), lower-cased.
fn check_app_id(app_id: &str) -> Result<String, PackageError> {
    let id = app_id.trim();
    let groups: Vec<&str> = id.split('-').collect();
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(id.to_ascii_lowercase())
    } else {
        Err(PackageError::AppId(app_id.to_owned()))
    }
}

/// A DNS host name with at least one dot: no scheme, port, path or user, lower-cased.
fn check_host(host: &str) -> Result<String, PackageError> {
    let fail = |why| {
        Err(PackageError::Host {
            host: host.to_owned(),
            why,
        })
    };
    let h = host.trim().trim_end_matches('.');
    if h.contains("://") {
        return fail("no scheme");
    }
    if h.contains(['/', '?', '#']) {
        return fail("no path");
    }
    if h.contains(':') {
        return fail("no port");
    }
    if h.contains('@') {
        return fail("no user");
    }
    if h.is_empty() || h.len() > 253 {
        return fail("1 to 253 characters");
    }
    if !h.contains('.') {
        return fail("a public name has a dot");
    }
    let labels_ok = h.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if !labels_ok {
        return fail("letters, digits and hyphens between dots");
    }
    Ok(h.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "7A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9";

    #[test]
    fn fills_the_template() {
        let m = manifest(ID, "Bot.Example.com", None).expect("manifest");
        assert_eq!(m["id"], "7a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
        assert_eq!(m["bots"][0]["botId"], m["id"]);
        assert_eq!(m["validDomains"][0], "bot.example.com");
        assert_eq!(
            m["developer"]["privacyUrl"],
            "https://bot.example.com/privacy"
        );
        assert_eq!(m["name"]["short"], "Virbela");
        assert!(!m.to_string().contains("{{"));
    }

    #[test]
    fn renames_the_app() {
        let m = manifest(ID, "bot.example.com", Some(" Campus Ops ")).expect("manifest");
        assert_eq!(m["name"]["short"], "Campus Ops");
        assert_eq!(m["name"]["full"], "Campus Ops (Virbela campus bot)");
        assert!(matches!(
            manifest(ID, "bot.example.com", Some(&"x".repeat(31))),
            Err(PackageError::Name)
        ));
        assert!(matches!(
            manifest(ID, "bot.example.com", Some("  ")),
            Err(PackageError::Name)
        ));
    }

    #[test]
    fn refuses_bad_app_ids() {
        for id in [
            "",
            "not-a-guid",
            "7a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "7a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fz",
            "{7a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}",
        ] {
            assert!(
                matches!(check_app_id(id), Err(PackageError::AppId(_))),
                "{id}"
            );
        }
    }

    #[test]
    fn refuses_hosts_that_are_not_bare() {
        for (host, why) in [
            ("https://bot.example.com", "no scheme"),
            ("bot.example.com/api/messages", "no path"),
            ("bot.example.com:443", "no port"),
            ("me@bot.example.com", "no user"),
            ("localhost", "a public name has a dot"),
            (
                "bot_1.example.com",
                "letters, digits and hyphens between dots",
            ),
            (
                "-bot.example.com",
                "letters, digits and hyphens between dots",
            ),
            (
                "bot..example.com",
                "letters, digits and hyphens between dots",
            ),
            ("\"x\".com", "letters, digits and hyphens between dots"),
        ] {
            match check_host(host) {
                Err(PackageError::Host { why: got, .. }) => assert_eq!(got, why, "{host}"),
                other => panic!("{host}: {other:?}"),
            }
        }
        assert_eq!(
            check_host("bot.example.com.").ok().as_deref(),
            Some("bot.example.com")
        );
    }

    #[test]
    fn writes_a_zip_with_the_three_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("app.zip");
        package(ID, "bot.example.com", None, &out).expect("package");
        let mut zip = zip::ZipArchive::new(File::open(&out).expect("zip")).expect("a zip");
        let mut names: Vec<String> = zip.file_names().map(str::to_owned).collect();
        names.sort();
        assert_eq!(names, ["color.png", "manifest.json", "outline.png"]);
        let manifest: Value =
            serde_json::from_reader(zip.by_name("manifest.json").expect("entry")).expect("JSON");
        assert_eq!(manifest["validDomains"][0], "bot.example.com");
    }

    #[test]
    fn a_bad_output_path_is_an_io_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("missing").join("app.zip");
        assert!(matches!(
            package(ID, "bot.example.com", None, &out),
            Err(PackageError::Io { .. })
        ));
    }
}
