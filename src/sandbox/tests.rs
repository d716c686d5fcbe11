//! Whole-app tests: credentials on every API route, body errors, unknown routes, and
//! serving over a real socket.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::test_support::{CLIENT_ID, CLIENT_SECRET, api, empty, get, request, send};
use super::{SandboxOptions, spawn};

const ENDPOINTS: [(&str, &str); 15] = [
    ("POST", "/User/Invitation"),
    ("GET", "/User"),
    ("GET", "/User/abc"),
    ("POST", "/User/Membership/suspend"),
    ("POST", "/User/Membership/deleteMember"),
    ("GET", "/MemberProfile"),
    ("GET", "/MemberProfile/abc"),
    ("PUT", "/MemberProfile/abc"),
    ("POST", "/api/purchase"),
    ("GET", "/Rooms/World/sandboxcampus"),
    ("GET", "/User/Attendance/Room/abc"),
    ("GET", "/User/Attendance/PrivateVolume/abc"),
    ("GET", "/Activity/Waitlist/Called"),
    ("GET", "/Activity/Waitlist/HelpDone"),
    ("GET", "/Activity/Waitlist/SupportEnd"),
];

#[tokio::test]
async fn every_endpoint_needs_the_current_credentials() {
    let app = empty();
    for (method, path) in ENDPOINTS {
        let method: Method = method.parse().expect("method");
        let cases = [
            None,
            Some((CLIENT_ID, "wrong")),
            Some(("wrong", CLIENT_SECRET)),
            Some((CLIENT_ID, "")),
        ];
        for creds in cases {
            let mut req = Request::builder().method(method.clone()).uri(path);
            if let Some((id, secret)) = creds {
                req = req
                    .header("V-Client-Id", id)
                    .header("V-Client-Secret", secret);
            }
            let reply = send(&app, req.body(Body::from("{}")).expect("request")).await;
            let detail = reply.error(StatusCode::UNAUTHORIZED);
            assert_eq!(reply.json["title"], "Unauthorized");
            assert!(detail.contains("V-Client-Id"), "{detail}");
        }
        let only_id = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("v-client-id", CLIENT_ID)
            .body(Body::empty())
            .expect("request");
        let detail = send(&app, only_id).await.error(StatusCode::UNAUTHORIZED);
        assert!(detail.contains("V-Client-Secret"), "{detail}");
        // With credentials, whatever the answer is, it is not a 401.
        let reply = api(&app, method, path, Some(json!({}))).await;
        assert_ne!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn malformed_json_is_400_and_large_bodies_413_with_the_envelope() {
    let app = empty();
    for body in ["{not json", "", "   ", "[1,", "\"just a string\""] {
        let req = request(Method::POST, "/User/Invitation")
            .body(Body::from(body))
            .expect("request");
        let detail = send(&app, req).await.error(StatusCode::BAD_REQUEST);
        assert!(!detail.is_empty(), "{body}");
    }
    let big = format!(
        "{{\"email\":\"a@test.com\",\"pad\":\"{}\"}}",
        "x".repeat(1_153_434)
    );
    let req = request(Method::POST, "/User/Invitation")
        .body(Body::from(big.clone()))
        .expect("request");
    let detail = send(&app, req).await.error(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(detail.contains("1 MB"), "{detail}");
    // Also when the length is not declared up front (a stream).
    let chunks: Vec<Result<String, std::io::Error>> = big
        .as_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(String::from_utf8_lossy(c).into_owned()))
        .collect();
    let stream = Body::from_stream(futures::stream::iter(chunks));
    let req = request(Method::PUT, "/MemberProfile/abc")
        .body(stream)
        .expect("request");
    send(&app, req).await.error(StatusCode::PAYLOAD_TOO_LARGE);
    // Just under the limit is fine (and then validated as usual).
    let fits = format!(
        "{{\"email\":\"a@test.com\",\"pad\":\"{}\"}}",
        "x".repeat(1_000_000)
    );
    let req = request(Method::POST, "/User/Invitation")
        .body(Body::from(fits))
        .expect("request");
    assert_eq!(send(&app, req).await.status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_and_methods_use_the_envelope() {
    let app = empty();
    get(&app, "/Nope").await.error(StatusCode::NOT_FOUND);
    get(&app, "/User/Membership/suspend")
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED);
    api(&app, Method::DELETE, "/User", None)
        .await
        .error(StatusCode::METHOD_NOT_ALLOWED);
    let anonymous = Request::builder()
        .uri("/Nope")
        .body(Body::empty())
        .expect("request");
    send(&app, anonymous).await.error(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn request_ids_differ_between_responses() {
    let app = empty();
    let a = get(&app, "/User").await;
    let b = get(&app, "/User").await;
    let c = get(&app, "/Nope").await;
    let ids = [
        &a.json["requestId"],
        &b.json["requestId"],
        &c.json["requestId"],
    ];
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
}

async fn raw_get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nV-Client-Id: {CLIENT_ID}\r\nV-Client-Secret: {CLIENT_SECRET}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    Ok(answer)
}

#[tokio::test]
async fn spawn_serves_on_a_local_port_until_shut_down() {
    let listen = "127.0.0.1:0".parse().expect("addr");
    let options = SandboxOptions {
        seed: None,
        ..SandboxOptions::default()
    };
    let running = spawn(options, listen).await.expect("spawn");
    let addr = running.addr();
    assert_ne!(addr.port(), 0);
    assert_eq!(
        running.base_url(),
        format!("http://127.0.0.1:{}/", addr.port())
    );
    let answer = raw_get(addr, "/User").await.expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"responseCode\":\"success\""), "{answer}");
    running.shutdown();
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "still accepting after shutdown");
}

#[tokio::test]
async fn base_url_reports_loopback_for_unspecified_addresses() {
    let running = spawn(
        SandboxOptions {
            seed: None,
            ..SandboxOptions::default()
        },
        "0.0.0.0:0".parse().expect("addr"),
    )
    .await
    .expect("spawn");
    assert!(
        running.base_url().starts_with("http://127.0.0.1:"),
        "{}",
        running.base_url()
    );
}
