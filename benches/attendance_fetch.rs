//! Benchmark: fetch 365 days of one room holding 200,000 sessions from the sandbox with
//! 50 ms of injected latency per call, one page at a time (concurrency 1) and with the
//! default bound (concurrency 8). `cargo bench --bench attendance_fetch` prints the
//! figures and fails if the concurrent fetch is not at least 4x faster.
//!
//! Under `cargo test` (no `--bench` argument) it runs a small smoke version, so the
//! benchmark keeps compiling and working.

use std::time::Instant;

use chrono::{Duration as Span, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use virbela_bot::sandbox::{self, SandboxOptions};
use virbela_bot::virbela::domain::{DateRange, RoomId};
use virbela_bot::virbela::models::AttendanceTarget;
use virbela_bot::virbela::{ClientOptions, VirbelaClient};

struct Setup {
    sessions: usize,
    latency_ms: u64,
    runs: usize,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let bench = std::env::args().any(|a| a == "--bench");
    let setup = if bench {
        Setup {
            sessions: 200_000,
            latency_ms: 50,
            runs: 3,
        }
    } else {
        Setup {
            sessions: 5_000,
            latency_ms: 5,
            runs: 1,
        }
    };
    let options = SandboxOptions {
        seed: None,
        ..SandboxOptions::default()
    };
    let sandbox = sandbox::spawn(
        options.clone(),
        "127.0.0.1:0".parse().map_err(|e| format!("{e}"))?,
    )
    .await
    .map_err(|e| format!("sandbox: {e}"))?;
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let control = |path: &str, body: Value| {
        let request = http.post(format!("{base}_sandbox/{path}")).json(&body);
        async move {
            let response = request.send().await.map_err(|e| e.to_string())?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("control {}", response.status()))
            }
        }
    };

    let start = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .ok_or("start")?;
    control("rooms", json!({"rooms": [{"objectId": "BenchRoom1", "name": "Bench Hall", "SFSRoom": "BenchHall", "visibleOn": ["GOTO"], "levelName": "theater", "instance": 0}]})).await?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2024);
    let seconds_in_year = 365 * 24 * 3600;
    let sessions: Vec<Value> = (0..setup.sessions)
        .map(|_| {
            let join = start + Span::seconds(rng.random_range(0..seconds_in_year));
            let leave = join + Span::minutes(rng.random_range(5..180));
            json!({"userId": format!("user{:04}", rng.random_range(0..800)), "joinTime": join.to_rfc3339(), "leaveTime": leave.to_rfc3339(), "talkMinutes": rng.random_range(0.0..20.0)})
        })
        .collect();
    for chunk in sessions.chunks(50_000) {
        control(
            "attendance",
            json!({"roomId": "BenchRoom1", "sessions": chunk}),
        )
        .await?;
    }
    control("faults", json!({"latencyMs": setup.latency_ms})).await?;

    let year = DateRange::new(start, start + Span::days(365)).map_err(|e| e.to_string())?;
    let target = AttendanceTarget::Room("BenchRoom1".parse::<RoomId>().map_err(|e| e.to_string())?);
    let campus = options
        .campus(&sandbox.base_url())
        .map_err(|e| e.to_string())?;
    let mut medians = Vec::new();
    for concurrency in [1usize, 8] {
        let client = VirbelaClient::new(
            campus.clone(),
            ClientOptions {
                attendance_concurrency: concurrency,
                ..ClientOptions::default()
            },
        )
        .map_err(|e| e.to_string())?;
        let mut times = Vec::new();
        for _ in 0..setup.runs {
            let started = Instant::now();
            let got = client
                .attendance(&target, &year)
                .await
                .map_err(|e| e.to_string())?;
            times.push(started.elapsed());
            if got.len() != setup.sessions {
                return Err(format!(
                    "expected {} sessions, got {}",
                    setup.sessions,
                    got.len()
                ));
            }
        }
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "attendance_fetch sessions={} latency={}ms page=1000 concurrency={concurrency}: median {:.2} s over {} run(s) (min {:.2} s)",
            setup.sessions,
            setup.latency_ms,
            median.as_secs_f64(),
            setup.runs,
            times[0].as_secs_f64()
        );
        medians.push(median);
    }
    let speedup = medians[0].as_secs_f64() / medians[1].as_secs_f64().max(f64::EPSILON);
    println!("attendance_fetch speed-up with concurrency 8: {speedup:.1}x");
    if bench && speedup < 4.0 {
        return Err(format!(
            "concurrency 8 is only {speedup:.1}x faster than 1 (target: at least 4x)"
        ));
    }
    Ok(())
}
