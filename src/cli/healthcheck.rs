//! `virbela-bot healthcheck`: the container's `HEALTHCHECK` (the image has no curl).
//! `GET /healthz` on the port of `LISTEN_ADDR` over loopback (or `--url`), 2 s at most;
//! exit 0 on 200, else 1 with a one-line reason on stderr. It reads `LISTEN_ADDR` only,
//! so it works whatever else is configured.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

/// How long the probe waits for an answer.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// `virbela-bot healthcheck` arguments.
#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// Probe this URL instead of http://127.0.0.1:<port of LISTEN_ADDR>/healthz.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

/// Probes and prints the reason of a failure; the exit code is the verdict.
pub async fn main(config_file: Option<&Path>, args: HealthcheckArgs) -> ExitCode {
    let url = match args.url {
        Some(url) => url,
        None => match crate::config::listen_addr(config_file, &|k| std::env::var(k).ok()) {
            Ok(addr) => healthz_url(addr),
            Err(e) => {
                eprintln!("healthcheck: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    match check(&url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("healthcheck: {reason}");
            ExitCode::FAILURE
        }
    }
}

/// `/healthz` on the listen address, over loopback when it listens on every interface.
pub fn healthz_url(listen: SocketAddr) -> String {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/healthz", SocketAddr::new(ip, listen.port()))
}

/// `Ok` when `url` answers 200 within [`TIMEOUT`], else why not, on one line.
pub async fn check(url: &str) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {}", one_line(&e)))?;
    let status = response.status();
    if status == reqwest::StatusCode::OK {
        Ok(())
    } else {
        Err(format!("{url} answered {status}"))
    }
}

/// An error and its causes, on one line (`error sending request: … : Connection refused`).
fn one_line(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interface_means_loopback() {
        let url = |s: &str| healthz_url(s.parse().expect("addr"));
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080/healthz");
        assert_eq!(url("[::]:9000"), "http://[::1]:9000/healthz");
        assert_eq!(url("10.1.2.3:8080"), "http://10.1.2.3:8080/healthz");
    }

    #[tokio::test]
    async fn ok_on_200_and_the_reason_otherwise() {
        let app = axum::Router::new()
            .route("/healthz", axum::routing::get(|| async { "ok" }))
            .route(
                "/down",
                axum::routing::get(|| async { axum::http::StatusCode::SERVICE_UNAVAILABLE }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        assert_eq!(check(&healthz_url(addr)).await, Ok(()));
        let err = check(&format!("http://{addr}/down"))
            .await
            .expect_err("503");
        assert!(err.contains("503"), "{err}");
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port");
        let err = check(&healthz_url(closed)).await.expect_err("closed");
        assert!(!err.contains('\n') && err.contains("127.0.0.1"), "{err}");
    }
}
