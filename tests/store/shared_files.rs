//! Table `shared_file` and the signed links of `virbela_bot::files` served from it:
//! bytes round-trip, expired rows purged, and `GET /files/{id}` answers 200 (exact
//! bytes, defensive headers), 403 (bad signature), 410 (expired), 404 (unknown id).

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, Duration, TimeZone, Utc};
use secrecy::SecretString;
use tower::ServiceExt;
use url::Url;
use virbela_bot::files::{DEFAULT_TTL, EXPIRED_TEXT, FileLinks};
use virbela_bot::store::Db;
use virbela_bot::store::shared_files::{self as table, SharedFile};

use crate::harness::{TestClock, TestDb, on_both};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0)
        .single()
        .expect("time")
        + Duration::microseconds(250_001)
}

fn file(id: &str, bytes: Vec<u8>, expires_at: DateTime<Utc>) -> SharedFile {
    SharedFile {
        id: id.to_string(),
        filename: format!("{id}.bin"),
        media_type: "application/octet-stream".to_string(),
        bytes,
        created_at: expires_at - Duration::days(1),
        expires_at,
    }
}

on_both!(
    shared_file_bytes_round_trip,
    shared_file_purge_deletes_only_expired_rows,
    file_link_serves_the_exact_bytes_and_headers,
    file_link_refuses_tampered_links,
    file_link_expires_by_url_and_by_row,
    file_link_to_a_missing_file_is_not_found
);

async fn shared_file_bytes_round_trip(t: TestDb) {
    let bytes: Vec<u8> = (0..1024 * 1024).map(|i| (i % 256) as u8).collect();
    let big = file("big", bytes, t0() + Duration::days(1));
    let empty = file("empty", Vec::new(), t0() + Duration::days(1));
    let mut tx = t.db.begin().await.expect("begin");
    table::insert(&mut tx, &big).await.expect("insert big");
    table::insert(&mut tx, &empty).await.expect("insert empty");
    tx.commit().await.expect("commit");

    let mut tx = t.db.begin_read().await.expect("begin read");
    assert_eq!(table::get(&mut tx, "big").await.expect("get"), Some(big));
    assert_eq!(
        table::get(&mut tx, "empty").await.expect("get"),
        Some(empty)
    );
    assert_eq!(table::get(&mut tx, "none").await.expect("get"), None);
    tx.commit().await.expect("commit");

    let mut tx = t.db.begin().await.expect("begin");
    let again = table::insert(&mut tx, &file("big", vec![1], t0() + Duration::days(1))).await;
    assert!(again.expect_err("duplicate id").is_unique_violation());
}

async fn shared_file_purge_deletes_only_expired_rows(t: TestDb) {
    let now = t0();
    let rows = [
        ("long-gone", now - Duration::days(2)),
        ("just-gone", now - Duration::microseconds(1)),
        ("at-now", now),
        ("next-second", now + Duration::seconds(1)),
        ("next-micro", now + Duration::microseconds(1)),
        ("tomorrow", now + Duration::days(1)),
    ];
    let mut tx = t.db.begin().await.expect("begin");
    for (id, expires_at) in rows {
        table::insert(&mut tx, &file(id, vec![7; 10], expires_at))
            .await
            .expect("insert");
    }
    assert_eq!(table::purge_expired(&mut tx, now).await.expect("purge"), 3);
    assert_eq!(table::purge_expired(&mut tx, now).await.expect("purge"), 0);
    for (id, _) in rows {
        let kept = table::get(&mut tx, id).await.expect("get").is_some();
        assert_eq!(
            kept,
            matches!(id, "next-second" | "next-micro" | "tomorrow"),
            "{id}"
        );
    }
    tx.commit().await.expect("commit");
}

fn links(db: &Db, clock: &TestClock, public_url: &str) -> FileLinks {
    let secret = SecretString::from("teams app password".to_string());
    FileLinks::new(
        db.clone(),
        Url::parse(public_url).expect("url"),
        &secret,
        DEFAULT_TTL,
    )
    .with_clock(clock.clock())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .expect("ASCII header")
    }
}

async fn call(router: &Router, method: Method, path_and_query: &str) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(path_and_query)
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(router: &Router, path_and_query: &str) -> Answer {
    call(router, Method::GET, path_and_query).await
}

/// The path and query of a link, as the router sees it.
fn target(link: &Url) -> String {
    format!("{}?{}", link.path(), link.query().expect("query"))
}

/// (id, exp, sig) of a link served at the root.
fn parts(link: &Url) -> (String, String, String) {
    let id = link
        .path()
        .strip_prefix("/files/")
        .expect("/files/ path")
        .to_string();
    let get = |k: &str| {
        link.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.into_owned())
            .expect(k)
    };
    (id, get("exp"), get("sig"))
}

async fn file_link_serves_the_exact_bytes_and_headers(t: TestDb) {
    let clock = TestClock::new();
    let links = links(&t.db, &clock, "https://bot.example.com");
    let router = links.router();
    let csv: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let link = links
        .publish("Attendance \"Theater\"\r\n.csv", "text/csv", &csv)
        .await
        .expect("publish csv");
    assert_eq!(
        link.origin().ascii_serialization(),
        "https://bot.example.com"
    );

    let answer = get(&router, &target(&link)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, csv);
    assert_eq!(
        answer.header(header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        answer.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"Attendance _Theater___.csv\""
    );
    assert_eq!(answer.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(
        answer.header(header::CONTENT_SECURITY_POLICY),
        "default-src 'none'"
    );
    let cache = answer.header(header::CACHE_CONTROL);
    let max_age: i64 = cache
        .strip_prefix("private, max-age=")
        .expect(cache)
        .parse()
        .expect("seconds");
    assert!((86_399..=86_400).contains(&max_age), "{cache}");

    // Later, the remaining lifetime shrinks.
    clock.advance(Duration::hours(23));
    let answer = get(&router, &target(&link)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let cache = answer.header(header::CACHE_CONTROL).to_string();
    assert!(
        cache == "private, max-age=3599" || cache == "private, max-age=3600",
        "{cache}"
    );

    // PNG inline (Adaptive Card images); other types downloaded as octet-stream.
    let png = links
        .publish("chart.png", "image/png", b"\x89PNG\r\n\x1a\n")
        .await
        .expect("publish png");
    let answer = get(&router, &target(&png)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(header::CONTENT_TYPE), "image/png");
    assert_eq!(
        answer.header(header::CONTENT_DISPOSITION),
        "inline; filename=\"chart.png\""
    );
    let html = links
        .publish("x.html", "text/html", b"<script>alert(1)</script>")
        .await
        .expect("publish html");
    let answer = get(&router, &target(&html)).await;
    assert_eq!(
        answer.header(header::CONTENT_TYPE),
        "application/octet-stream"
    );
    assert_eq!(
        answer.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"x.html\""
    );
    let json = links
        .publish("r.json", "application/json", b"{}")
        .await
        .expect("publish json");
    let answer = get(&router, &target(&json)).await;
    assert_eq!(answer.header(header::CONTENT_TYPE), "application/json");

    // HEAD: same headers, no body.
    let head = call(&router, Method::HEAD, &target(&png)).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(head.header(header::CONTENT_TYPE), "image/png");
    assert!(head.body.is_empty());

    // Only GET (and HEAD).
    let post = call(&router, Method::POST, &target(&png)).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);

    // A PUBLIC_URL with a path prefix: the link keeps it; the router serves `/files/{id}`
    // (here nested under the prefix, as a proxy that does not strip it would need).
    let prefixed = links_with_prefix(&t.db, &clock).await;
    assert!(prefixed.path().starts_with("/virbela/files/"), "{prefixed}");
    let nested = Router::new().nest("/virbela", links.router());
    let answer = get(&nested, &target(&prefixed)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, b"prefixed");
}

async fn links_with_prefix(db: &Db, clock: &TestClock) -> Url {
    links(db, clock, "https://bot.example.com/virbela/")
        .publish("p.txt", "text/plain", b"prefixed")
        .await
        .expect("publish prefixed")
}

async fn file_link_refuses_tampered_links(t: TestDb) {
    let clock = TestClock::new();
    let links = links(&t.db, &clock, "https://bot.example.com");
    let router = links.router();
    let link = links
        .publish("a.csv", "text/csv", b"a,b\n")
        .await
        .expect("publish");
    let other = links
        .publish("b.csv", "text/csv", b"secret,data\n")
        .await
        .expect("publish other");
    let (id, exp, sig) = parts(&link);
    let (other_id, _, _) = parts(&other);
    let flipped = {
        let mut s = sig.clone().into_bytes();
        s[10] = if s[10] == b'0' { b'1' } else { b'0' };
        String::from_utf8(s).expect("hex")
    };
    let later = (exp.parse::<i64>().expect("exp") + 3600).to_string();
    let refused = [
        format!("/files/{id}?exp={exp}&sig={flipped}"),
        format!("/files/{other_id}?exp={exp}&sig={sig}"),
        format!("/files/{id}x?exp={exp}&sig={sig}"),
        format!("/files/{id}?exp={later}&sig={sig}"),
        format!("/files/{id}?exp=0{exp}&sig={sig}"),
        format!("/files/{id}?exp={exp}"),
        format!("/files/{id}?sig={sig}"),
        format!("/files/{id}"),
        format!("/files/{id}?exp={exp}&sig={}", &sig[..32]),
        format!("/files/{id}?exp={exp}&sig={sig}&sig={sig}"),
        format!("/files/{id}?exp=-1&sig={sig}"),
    ];
    for path in &refused {
        let answer = get(&router, path).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(answer.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert!(!answer.body.windows(4).any(|w| w == b"data"), "{path}");
    }
    // The genuine link still works; uppercase hex and extra parameters are fine.
    let fine = [
        target(&link),
        format!("/files/{id}?exp={exp}&sig={}", sig.to_uppercase()),
        format!("/files/{id}?utm=x&sig={sig}&exp={exp}"),
    ];
    for path in &fine {
        let answer = get(&router, path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.body, b"a,b\n");
    }
    // A link signed with another secret is refused.
    let stranger = FileLinks::new(
        t.db.clone(),
        Url::parse("https://bot.example.com").expect("url"),
        &SecretString::from("another password".to_string()),
        DEFAULT_TTL,
    );
    let foreign = stranger
        .publish("c.csv", "text/csv", b"c\n")
        .await
        .expect("publish with another key");
    assert_eq!(
        get(&router, &target(&foreign)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&stranger.router(), &target(&foreign)).await.status,
        StatusCode::OK
    );
}

async fn file_link_expires_by_url_and_by_row(t: TestDb) {
    let clock = TestClock::new();
    let links = links(&t.db, &clock, "https://bot.example.com");
    let router = links.router();
    let link = links
        .publish("a.csv", "text/csv", b"a\n")
        .await
        .expect("publish");
    let (id, exp, _) = parts(&link);
    assert_eq!(get(&router, &target(&link)).await.status, StatusCode::OK);

    // By the URL's `exp` (the row is still there: nothing purged yet).
    clock.advance(Duration::days(1));
    let answer = get(&router, &target(&link)).await;
    assert_eq!(answer.status, StatusCode::GONE);
    assert_eq!(answer.body, EXPIRED_TEXT.as_bytes());
    assert!(
        String::from_utf8_lossy(&answer.body).contains("Run the report again"),
        "{EXPIRED_TEXT}"
    );
    assert_eq!(answer.header(header::CACHE_CONTROL), "no-store");
    let mut tx = t.db.begin_read().await.expect("begin read");
    assert!(table::get(&mut tx, &id).await.expect("get").is_some());
    tx.commit().await.expect("commit");

    // purge_expired removes it; the link stays 410 (exp is checked first).
    assert_eq!(links.purge_expired().await.expect("purge"), 1);
    assert_eq!(get(&router, &target(&link)).await.status, StatusCode::GONE);

    // By the row: a row cut short while the URL's exp is still ahead.
    let fresh = links
        .publish("b.csv", "text/csv", b"b\n")
        .await
        .expect("publish");
    let (fresh_id, fresh_exp, _) = parts(&fresh);
    assert!(fresh_exp > exp);
    let cut = clock_now(&clock) - Duration::seconds(1);
    set_expiry(&t.db, &fresh_id, cut).await;
    let answer = get(&router, &target(&fresh)).await;
    assert_eq!(answer.status, StatusCode::GONE);
    assert_eq!(answer.body, EXPIRED_TEXT.as_bytes());
    assert_eq!(links.purge_expired().await.expect("purge"), 1);
}

fn clock_now(clock: &TestClock) -> DateTime<Utc> {
    clock.clock().now()
}

async fn set_expiry(db: &Db, id: &str, at: DateTime<Utc>) {
    const SQL: &str = "update shared_file set expires_at = $1, created_at = $3 where id = $2";
    let created = at - Duration::hours(1);
    let rows = match db {
        Db::Pg(pool) => sqlx::query(SQL)
            .bind(at)
            .bind(id)
            .bind(created)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        Db::Sqlite(pool) => sqlx::query(SQL)
            .bind(at)
            .bind(id)
            .bind(created)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
    }
    .expect("update");
    assert_eq!(rows, 1);
}

async fn file_link_to_a_missing_file_is_not_found(t: TestDb) {
    let clock = TestClock::new();
    let links = links(&t.db, &clock, "https://bot.example.com");
    let router = links.router();
    let link = links
        .publish("a.csv", "text/csv", b"a\n")
        .await
        .expect("publish");
    let (id, _, _) = parts(&link);
    // The row goes (an operator, or a purge by a replica with a fast clock); the
    // signature for that id is still valid.
    let mut tx = t.db.begin().await.expect("begin");
    assert_eq!(
        table::purge_expired(&mut tx, t0() + Duration::days(3650))
            .await
            .expect("purge"),
        1
    );
    tx.commit().await.expect("commit");
    let mut tx = t.db.begin_read().await.expect("begin read");
    assert!(table::get(&mut tx, &id).await.expect("get").is_none());
    tx.commit().await.expect("commit");
    let answer = get(&router, &target(&link)).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}
