//! Test databases (a fresh Postgres database or SQLite file per test), an engine with a
//! settable clock, and `on_both!`, which runs one scenario on each backend.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use virbela_bot::access::{Access, Principal, Role, Subject};
use virbela_bot::approvals::{ApprovalSettings, Approvals, Clock};
use virbela_bot::config::DatabaseUrl;
use virbela_bot::policy::Policy;
use virbela_bot::store::Db;

const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Runs the async fn `$name(TestDb)` as two tests, `$name::postgres` and `$name::sqlite`.
macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name(crate::harness::TestDb::postgres().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(crate::harness::TestDb::sqlite().await).await;
            }
        }
    )+};
}
pub(crate) use on_both;

/// A migrated database that disappears with the value.
pub struct TestDb {
    pub db: Db,
    pub url: DatabaseUrl,
    _database: Option<DropDatabase>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh database on the test server. Panics (never skips) when it is unreachable.
    pub async fn postgres() -> TestDb {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.to_string());
        let shown =
            DatabaseUrl::parse(&admin_url).map_or_else(|e| e.to_string(), |u| u.to_string());
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "cannot reach the test PostgreSQL at {shown}: {e}\n\
                 start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) \
                 or set TEST_DATABASE_URL; the store tests never skip Postgres"
            )
        });
        let name = format!("vbtest_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("create database \"{name}\""))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let _ = admin.close().await;
        let guard = DropDatabase {
            admin_url: admin_url.clone(),
            name: name.clone(),
        };
        let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&format!("/{name}"));
        let url = DatabaseUrl::parse(url.as_str()).expect("a postgres URL");
        let db = Db::open(&url)
            .await
            .expect("open and migrate the test database");
        TestDb {
            db,
            url,
            _database: Some(guard),
            _dir: None,
        }
    }

    /// A fresh SQLite file in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("store.db");
        let url = DatabaseUrl::parse(&format!("sqlite://{}?mode=rwc", path.display()))
            .expect("sqlite URL");
        let db = Db::open(&url)
            .await
            .expect("open and migrate the test database");
        TestDb {
            db,
            url,
            _database: None,
            _dir: Some(dir),
        }
    }

    /// Opens the same database again, as a restarted process would.
    pub async fn reopen(&self) -> Db {
        Db::open(&self.url).await.expect("reopen the test database")
    }
}

/// Drops the test database, on its own thread and runtime (it runs inside `Drop`, also
/// while a failed test unwinds).
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("drop database if exists \"{name}\" with (force)"))
                    .execute(&mut admin)
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn new() -> TestClock {
        TestClock(Arc::new(Mutex::new(Utc::now().trunc_subsecs(6))))
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.0.lock().expect("clock lock");
        *now += by;
    }

    pub fn clock(&self) -> Clock {
        let shared = self.0.clone();
        Clock::from_fn(move || *shared.lock().expect("clock lock"))
    }
}

pub const ROOT: &str = "console:root";

pub fn p(text: &str) -> Principal {
    text.parse().expect(text)
}

pub fn access() -> Access {
    Access::new(&[ROOT.to_string()]).expect("bootstrap admins")
}

/// An engine with default policy and settings on `db`, reading time from `clock`.
pub fn engine(db: &Db, clock: &TestClock) -> Approvals {
    engine_with(db, clock, Policy::default())
}

pub fn engine_with(db: &Db, clock: &TestClock, policy: Policy) -> Approvals {
    Approvals::new(db.clone(), access(), policy, ApprovalSettings::default())
        .with_clock(clock.clock())
}

/// Grants `role` to each principal, as the bootstrap admin.
pub async fn grant(db: &Db, role: Role, principals: &[&str]) {
    for text in principals {
        let subject: Subject = text.parse().expect(text);
        access()
            .grant(db, &p(ROOT), &subject, role)
            .await
            .expect("grant");
    }
}
