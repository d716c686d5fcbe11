//! Where the Slack ack path spends its time, stage by stage, in-process (no HTTP): the
//! signature check, the form parse, the role lookup in the store, `Bot::prepare` (role +
//! grammar + help) and the Block Kit rendering and JSON encoding of the help reply.
//! A measurement for `benches/slack_ack.sh`, not a check, so it is ignored by default:
//!
//! `cargo test --release --test server -- --ignored --nocapture ack_costs`

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use secrecy::SecretString;
use url::Url;
use virbela_bot::access::{Access, Principal, Role};
use virbela_bot::approvals::ApprovalSettings;
use virbela_bot::config::DatabaseUrl;
use virbela_bot::core::{Bot, BotParts, Caller, Prepared};
use virbela_bot::policy::Policy;
use virbela_bot::slack::{blocks, verify};
use virbela_bot::store::{Db, role_bindings};
use virbela_bot::virbela::{Campus, ClientOptions, Credentials, Endpoints, VirbelaClient};

const N: u32 = 20_000;

fn report(stage: &str, elapsed: Duration, n: u32) {
    let per = elapsed / n;
    let rate = f64::from(n) / elapsed.as_secs_f64();
    println!(
        "{stage:<52} {:>9.1} µs/op {rate:>12.0} op/s",
        per.as_secs_f64() * 1e6
    );
}

async fn setup(dir: &tempfile::TempDir) -> (Bot, Db, Access) {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
    let db = Db::open(&DatabaseUrl::parse(&url).expect("url"))
        .await
        .expect("db");
    let mut tx = db.begin().await.expect("begin");
    role_bindings::insert(
        &mut tx,
        "slack:UBOUND",
        Role::Admin,
        "test",
        chrono::Utc::now(),
    )
    .await
    .expect("grant");
    tx.commit().await.expect("commit");
    let access = Access::new(&["slack:UBENCH".to_string()]).expect("access");
    let client = VirbelaClient::new(
        Campus {
            credentials: Credentials::new("id", SecretString::from("secret"), "campus"),
            endpoints: Endpoints::single(Url::parse("http://127.0.0.1:9/").expect("url")),
        },
        ClientOptions::default(),
    )
    .expect("client");
    let bot = Bot::new(BotParts {
        virbela: client,
        db: db.clone(),
        access: access.clone(),
        policy: Policy::default(),
        approval_settings: ApprovalSettings::default(),
        default_timezone: chrono_tz::UTC,
    });
    (bot, db, access)
}

fn caller(id: &str) -> Caller {
    Caller::new(
        format!("slack:{id}")
            .parse::<Principal>()
            .expect("principal"),
    )
}

/// 64 tasks sharing `total` calls of `f` on a 2-worker runtime: throughput under the
/// benchmark's concurrency.
fn concurrent<F, Fut>(stage: &str, total: u32, f: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let f = Arc::new(f);
    let started = Instant::now();
    rt.block_on(async {
        let tasks: Vec<_> = (0..64)
            .map(|_| {
                let f = f.clone();
                tokio::spawn(async move {
                    for _ in 0..total / 64 {
                        f().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("task");
        }
    });
    report(stage, started.elapsed(), total / 64 * 64);
}

#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn ack_costs() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("dir");
    let (bot, db, access) = rt.block_on(setup(&dir));

    let body = "token=bench&team_id=T0&channel_id=C0&user_id=UBENCH&command=%2Fvirbela\
                &text=help&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=1.2.3";
    let secret = SecretString::from("bench-secret");
    let ts = chrono::Utc::now().timestamp();
    let mut headers = HeaderMap::new();
    headers.insert(
        verify::TIMESTAMP_HEADER,
        ts.to_string().parse().expect("header"),
    );
    headers.insert(
        verify::SIGNATURE_HEADER,
        verify::sign(&secret, ts, body.as_bytes())
            .parse()
            .expect("header"),
    );
    let verifier = verify::SignatureVerifier::new(secret);

    let started = Instant::now();
    for _ in 0..N {
        verifier
            .verify(&headers, body.as_bytes(), ts)
            .expect("valid");
    }
    report("verify signature", started.elapsed(), N);

    let started = Instant::now();
    for _ in 0..N {
        let form: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
        assert!(form.contains_key("text"));
    }
    report("parse form", started.elapsed(), N);

    let admin = caller("UBENCH").principal;
    let bound = caller("UBOUND").principal;
    rt.block_on(async {
        let started = Instant::now();
        for _ in 0..N {
            access.role_of(&db, &admin, &[]).await.expect("role");
        }
        report(
            "role_of, bootstrap admin (BEGIN+COMMIT)",
            started.elapsed(),
            N,
        );
        let started = Instant::now();
        for _ in 0..N {
            access.role_of(&db, &bound, &[]).await.expect("role");
        }
        report(
            "role_of, bound user (BEGIN+SELECT+COMMIT)",
            started.elapsed(),
            N,
        );
    });

    let reply = rt.block_on(async {
        let started = Instant::now();
        let mut last = None;
        for _ in 0..N {
            last = Some(bot.prepare(&caller("UBENCH"), "help").await);
        }
        report(
            "Bot::prepare help (role + grammar + help)",
            started.elapsed(),
            N,
        );
        match last {
            Some(Prepared::Done(reply)) => reply,
            other => panic!("help is answered at once: {other:?}"),
        }
    });

    // The same with the server's logging: an `info` JSON subscriber (to a sink), so the
    // `command` span of `Bot::prepare` is recorded.
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .with_writer(std::io::sink)
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let started = Instant::now();
            for _ in 0..N {
                let _ = bot.prepare(&caller("UBENCH"), "help").await;
            }
            report(
                "Bot::prepare help, info JSON subscriber",
                started.elapsed(),
                N,
            );
        });
    });

    let started = Instant::now();
    let mut bytes = 0;
    for _ in 0..N {
        let json = blocks::message(&reply).to_response_json();
        bytes = serde_json::to_vec(&json).expect("json").len();
    }
    report(
        &format!("Block Kit render + JSON ({bytes} bytes)"),
        started.elapsed(),
        N,
    );

    // Under the benchmark's concurrency: 64 tasks on 2 workers.
    let (d, a) = (db.clone(), access.clone());
    concurrent("64 tasks: role_of bootstrap admin", N, move || {
        let (d, a, p) = (d.clone(), a.clone(), admin.clone());
        async move {
            a.role_of(&d, &p, &[]).await.expect("role");
        }
    });
    let b = bot.clone();
    concurrent("64 tasks: Bot::prepare help", N, move || {
        let b = b.clone();
        async move {
            let _ = b.prepare(&caller("UBENCH"), "help").await;
        }
    });
    let b = bot.clone();
    concurrent("64 tasks: prepare + render + JSON", N, move || {
        let b = b.clone();
        async move {
            if let Prepared::Done(reply) = b.prepare(&caller("UBENCH"), "help").await {
                let json = blocks::message(&reply).to_response_json();
                let _ = serde_json::to_vec(&json);
            }
        }
    });
    drop(rt);
}
