//! The twin migration folders hold the same file names, and the binary embeds all of them.

use std::collections::BTreeSet;
use std::path::Path;

use sqlx::migrate::Migrator;
use virbela_bot::store::migrations::{POSTGRES, SQLITE};

fn files(dir: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn embedded(migrator: &Migrator) -> BTreeSet<String> {
    migrator
        .iter()
        .map(|m| format!("{:04}_{}.sql", m.version, m.description.replace(' ', "_")))
        .collect()
}

#[test]
fn migration_folders_are_twins_and_fully_embedded() {
    let pg = files("postgres");
    let sqlite = files("sqlite");
    assert_eq!(
        pg, sqlite,
        "migrations/postgres and migrations/sqlite must hold the same file names"
    );
    assert_eq!(
        embedded(&POSTGRES),
        pg,
        "every Postgres migration is embedded"
    );
    assert_eq!(
        embedded(&SQLITE),
        sqlite,
        "every SQLite migration is embedded"
    );
}
