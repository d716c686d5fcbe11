//! `/readyz` follows the store: `serve` on Postgres reached through a TCP proxy the test
//! can cut answers 503 (saying why) while the database is unreachable and 200 again once
//! it is back, while `/healthz` stays 200 throughout.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

use crate::harness::{self, Server};

const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A TCP proxy to the test Postgres that can be cut (open connections closed, new ones
/// refused) and restored.
struct Proxy {
    port: u16,
    cut: Arc<Mutex<bool>>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let cut = Arc::new(Mutex::new(false));
        let open: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (flag, conns) = (cut.clone(), open.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if *flag.lock().expect("lock") {
                    drop(inbound);
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                conns.lock().expect("lock").push(task.abort_handle());
            }
        });
        Proxy { port, cut, open }
    }

    fn cut(&self, cut: bool) {
        *self.cut.lock().expect("lock") = cut;
        if cut {
            for conn in self.open.lock().expect("lock").drain(..) {
                conn.abort();
            }
        }
    }
}

async fn status_of(http: &reqwest::Client, url: &str) -> (u16, String) {
    match http.get(url).send().await {
        Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

/// Polls `url` until it answers `want` (at most 20 s); the last answer.
async fn wait_for_status(http: &reqwest::Client, url: &str, want: u16) -> (u16, String) {
    let mut last = (0, String::new());
    for _ in 0..100 {
        last = status_of(http, url).await;
        if last.0 == want {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    last
}

#[tokio::test]
async fn readiness_follows_the_store_and_liveness_does_not() {
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.to_string());
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL ({e}); never skipped"));
    let name = format!("vbready_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("create database \"{name}\""))
        .execute(&mut admin)
        .await
        .expect("create database");
    let upstream = {
        let url = url::Url::parse(&admin_url).expect("url");
        format!(
            "{}:{}",
            url.host_str().unwrap_or("127.0.0.1"),
            url.port().unwrap_or(5432)
        )
    };
    let user = url::Url::parse(&admin_url)
        .map(|u| u.username().to_owned())
        .unwrap_or_else(|_| "postgres".into());
    let proxy = Proxy::start(upstream).await;

    let sandbox = harness::sandbox().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = harness::free_port();
    let mut vars: Vec<_> = harness::env(&sandbox, dir.path(), port)
        .into_iter()
        .filter(|(k, _)| k != "DATABASE_URL")
        .collect();
    vars.push((
        "DATABASE_URL".into(),
        format!("postgres://{user}@127.0.0.1:{}/{name}", proxy.port),
    ));
    let mut server = Server::start(&vars, dir.path(), port);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    server.wait_healthy(&http).await;
    let readyz = format!("{}/readyz", server.base);
    let healthz = format!("{}/healthz", server.base);

    let (status, body) = wait_for_status(&http, &readyz, 200).await;
    assert_eq!(status, 200, "{body}\n{}", server.log());

    proxy.cut(true);
    let (status, body) = wait_for_status(&http, &readyz, 503).await;
    assert_eq!(
        status,
        503,
        "unreachable store → 503: {body}\n{}",
        server.log()
    );
    assert!(
        !body.contains("not migrated") && !body.contains("no migrations"),
        "the reason is the store being unreachable, not migrations: {body}"
    );
    assert_eq!(status_of(&http, &healthz).await.0, 200, "still alive");

    proxy.cut(false);
    let (status, body) = wait_for_status(&http, &readyz, 200).await;
    assert_eq!(
        status,
        200,
        "back when the store returns: {body}\n{}",
        server.log()
    );

    server.terminate();
    let exited = server.wait_exit(Duration::from_secs(30)).await;
    assert!(exited.is_some_and(|s| s.success()), "{}", server.log());
    drop(server);
    let _ = sqlx::query(&format!("drop database if exists \"{name}\" with (force)"))
        .execute(&mut admin)
        .await;
}
