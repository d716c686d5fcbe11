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

async fn readiness_tells_missing_migrations_from_an_unreachable_store(t: crate::harness::TestDb) {
    t.db.ready().await.expect("ready when migrated");
    match &t.db {
        virbela_bot::store::Db::Pg(pool) => {
            sqlx::query("drop table _sqlx_migrations")
                .execute(pool)
                .await
                .expect("drop");
        }
        virbela_bot::store::Db::Sqlite(pool) => {
            sqlx::query("drop table _sqlx_migrations")
                .execute(pool)
                .await
                .expect("drop");
        }
    }
    let missing = t.db.ready().await.expect_err("not migrated");
    assert!(
        matches!(missing, virbela_bot::store::StoreError::NotMigrated),
        "{missing}"
    );
    t.db.close().await;
    let closed = t.db.ready().await.expect_err("closed");
    assert!(
        !matches!(closed, virbela_bot::store::StoreError::NotMigrated),
        "an unreachable store is not called unmigrated: {closed}"
    );
}

crate::harness::on_both!(readiness_tells_missing_migrations_from_an_unreachable_store);

/// A database migrated by a newer release (a migration this binary does not know) is
/// still accepted: an older replica restarting during a rolling update keeps working.
async fn a_newer_schema_is_accepted(t: crate::harness::TestDb) {
    const SQL: &str = "insert into _sqlx_migrations
        (version, description, success, checksum, execution_time) values ($1, $2, $3, $4, $5)";
    let checksum: Vec<u8> = vec![0; 48];
    match &t.db {
        virbela_bot::store::Db::Pg(pool) => {
            sqlx::query(SQL)
                .bind(9999_i64)
                .bind("from a newer release")
                .bind(true)
                .bind(&checksum)
                .bind(0_i64)
                .execute(pool)
                .await
                .expect("insert");
        }
        virbela_bot::store::Db::Sqlite(pool) => {
            sqlx::query(SQL)
                .bind(9999_i64)
                .bind("from a newer release")
                .bind(true)
                .bind(&checksum)
                .bind(0_i64)
                .execute(pool)
                .await
                .expect("insert");
        }
    }
    t.db.migrate()
        .await
        .expect("an unknown newer migration is tolerated");
    t.db.ready().await.expect("and the store is ready");
}

crate::harness::on_both!(a_newer_schema_is_accepted);
