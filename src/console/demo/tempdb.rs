//! The demo's throw-away SQLite store: a uniquely named file in the system temp folder,
//! removed (with its `-wal`, `-shm` and `-journal` companions) when the guard is dropped.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::DatabaseUrl;

/// A temp SQLite file that is deleted on drop.
#[derive(Debug)]
pub struct TempDatabase {
    path: PathBuf,
}

impl TempDatabase {
    /// Reserves a new, empty file (SQLite treats an empty file as an empty database).
    pub fn create() -> std::io::Result<TempDatabase> {
        let dir = std::env::temp_dir();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        for n in 0..100u32 {
            let name = format!("virbela-bot-demo-{}-{nanos}-{n}.db", std::process::id());
            let path = dir.join(name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(_) => return Ok(TempDatabase { path }),
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::new(
            ErrorKind::AlreadyExists,
            "no free temp database name",
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `sqlite:///tmp/virbela-bot-demo-….db?mode=rwc`.
    pub fn url(&self) -> Result<DatabaseUrl, String> {
        let path = self.path.to_str().ok_or_else(|| {
            format!(
                "the temp folder path {} is not UTF-8: pass --db",
                self.path.display()
            )
        })?;
        DatabaseUrl::parse(&format!("sqlite://{path}?mode=rwc")).map_err(|e| e.to_string())
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = OsString::from(self.path.as_os_str());
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_and_its_companions_go_away_on_drop() {
        let db = TempDatabase::create().expect("created");
        let path = db.path().to_path_buf();
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        std::fs::write(&wal, b"x").expect("wal");
        assert!(path.exists());
        assert!(db.url().expect("url").to_string().starts_with("sqlite://"));
        drop(db);
        assert!(!path.exists() && !wal.exists());
    }
}
