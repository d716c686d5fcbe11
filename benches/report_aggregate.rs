//! Benchmark: the attendance report engine on 1,000,000 sessions (DESIGN §5: aggregated
//! in under 1 s and under 200 MB), and the chart render.
//!
//! `cargo bench --bench report_aggregate` generates a year of synthetic sessions
//! (deterministic: ChaCha8 with a fixed seed; 2,000 attendees of very unequal activity,
//! working-hours joins, visits of 1 minute to 8 hours, numbers as Virbela's client
//! parses them), held in memory as the Virbela client returns them (`Vec<Session>`
//! sorted by join time). It then measures:
//!
//! - the aggregation (`reports::attendance::attendance`, every figure of the report,
//!   Europe/Paris, unclipped and clipped): best of 5 runs;
//! - memory: a counting global allocator gives the heap peak of the input plus the
//!   aggregation, and the process's peak resident set (`VmHWM`) is read from
//!   `/proc/self/status` right after;
//! - the streaming builder fed one generated session at a time (no input vector);
//! - the PNG chart of attendees per day (365 days, and 7 days): best of 5;
//! - the CSV of every session (for scale; not part of the target).
//!
//! It prints the figures and exits non-zero if the best aggregation takes 1 s or more
//! or the heap or resident peak reaches 200 MB. Under `cargo test` (no `--bench`
//! argument) it runs a small smoke version without the limits.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use virbela_bot::reports::chart::{DailyChart, daily_bar_chart};
use virbela_bot::reports::{AttendanceBuilder, AttendanceOptions, People, attendance};
use virbela_bot::virbela::domain::{DateRange, Lenient, UserId};
use virbela_bot::virbela::models::{Session, User};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn added(bytes: usize) {
    let now = IN_USE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            added(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            added(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            added(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: f64 = 1_000_000.0;
const TIME_LIMIT: Duration = Duration::from_secs(1);
const MEMORY_LIMIT: usize = 200_000_000;

fn in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

/// Starts a new peak from what is in use now.
fn reset_peak() -> usize {
    let now = in_use();
    PEAK.store(now, Ordering::Relaxed);
    now
}

fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// The process's peak resident set (`VmHWM`), in bytes, where Linux tells it.
fn vm_hwm() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Generates synthetic sessions deterministically.
struct Generator {
    rng: ChaCha8Rng,
    users: Vec<UserId>,
    start: DateTime<Utc>,
    days: i64,
}

impl Generator {
    fn new(users: usize, start: DateTime<Utc>, days: i64) -> Generator {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(2026),
            users: (0..users)
                .map(|i| format!("user{i:05}").parse().expect("user id"))
                .collect(),
            start,
            days,
        }
    }

    fn session(&mut self) -> Session {
        let rng = &mut self.rng;
        let day = rng.random_range(0..self.days);
        // Mostly working hours (UTC 07:00–18:00), some at any time.
        let minute = if rng.random_bool(0.85) {
            rng.random_range(420..1080)
        } else {
            rng.random_range(0..1440)
        };
        let join = self.start
            + Span::days(day)
            + Span::minutes(minute)
            + Span::milliseconds(rng.random_range(0..60_000));
        let length_min: f64 = match rng.random_range(0..100) {
            0..=39 => rng.random_range(1.0..30.0),
            40..=79 => rng.random_range(30.0..90.0),
            80..=94 => rng.random_range(90.0..240.0),
            _ => rng.random_range(240.0..480.0),
        };
        let leave = join + Span::milliseconds((length_min * 60_000.0) as i64);
        // A few attendees come far more often than others.
        let n = self.users.len();
        let who = ((rng.random::<f64>().powf(1.7)) * n as f64) as usize;
        let talk = if rng.random_bool(0.25) {
            0.0
        } else {
            (length_min * rng.random_range(0.01..0.35) * 100.0).round() / 100.0
        };
        Session {
            user_id: self.users[who.min(n - 1)].clone(),
            join_time: join,
            leave_time: leave,
            talk_minutes: Lenient::Value(talk),
            attendance_minutes: Lenient::Value((length_min * 100.0).round() / 100.0),
        }
    }
}

fn directory(users: usize) -> Vec<User> {
    let list: Vec<serde_json::Value> = (0..users)
        .map(|i| {
            serde_json::json!({
                "objectId": format!("user{i:05}"),
                "email": format!("person{i}@example.com"),
                "displayname": format!("Person {i}"),
            })
        })
        .collect();
    serde_json::from_value(serde_json::Value::Array(list)).expect("users")
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> Result<(), String> {
    let bench = std::env::args().any(|a| a == "--bench");
    let (count, users, runs) = if bench {
        (1_000_000, 2_000, 5)
    } else {
        (20_000, 200, 1)
    };
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .ok_or("start")?;
    let days = 365;
    let range = DateRange::new(start, start + Span::days(days) - Span::milliseconds(1))
        .map_err(|e| e.to_string())?;
    let tz = chrono_tz::Europe::Paris;
    let dir = directory(users);
    let people = People::new(&dir);

    // The input, as the client returns it: one vector sorted by join time.
    let before_input = in_use();
    let mut generator = Generator::new(users, start, days);
    let mut sessions: Vec<Session> = Vec::with_capacity(count);
    for _ in 0..count {
        sessions.push(generator.session());
    }
    sessions.sort_unstable_by_key(|s| s.join_time);
    let input = in_use() - before_input;

    let mut worst_peak = 0usize;
    let mut results = Vec::new();
    for clip in [false, true] {
        let options = AttendanceOptions { range, tz, clip };
        let base = reset_peak();
        let (best, stats) = best_of(runs, || attendance::attendance(&sessions, &people, options));
        let total_peak = peak() - before_input;
        let extra = peak() - base;
        worst_peak = worst_peak.max(total_peak);
        println!(
            "aggregate {count} sessions ({}): best of {runs} {} · heap: input {:.1} MB + aggregation {:.1} MB = peak {:.1} MB · {} attendees, peak {} at {}",
            if clip { "clipped" } else { "whole" },
            ms(best),
            input as f64 / MB,
            extra as f64 / MB,
            total_peak as f64 / MB,
            stats.unique_attendees,
            stats.peak.map_or(0, |p| p.attendees),
            stats.peak.map_or_else(String::new, |p| p.from.to_rfc3339()),
        );
        assert_eq!(stats.sessions, count);
        results.push(best);
    }
    let hwm = vm_hwm();
    if let Some(hwm) = hwm {
        println!(
            "process peak resident set (VmHWM) after aggregating: {:.1} MB",
            hwm as f64 / MB
        );
    }

    // The streaming builder, fed as sessions are made: no input vector at all.
    drop(sessions);
    let base = reset_peak();
    let t = Instant::now();
    let mut generator = Generator::new(users, start, days);
    let mut builder = AttendanceBuilder::new(
        AttendanceOptions {
            range,
            tz,
            clip: false,
        },
        count,
    );
    for _ in 0..count {
        builder.push(&generator.session());
    }
    let streamed = builder.finish(&people);
    println!(
        "streaming builder (generation included): {} · heap peak {:.1} MB · {} sessions",
        ms(t.elapsed()),
        (peak() - base) as f64 / MB,
        streamed.sessions
    );

    // Charts.
    let per_day: Vec<(NaiveDate, u32)> = streamed
        .per_day
        .iter()
        .map(|d| (d.date, d.attendees))
        .collect();
    for (label, days) in [("365 days", &per_day[..]), ("7 days", &per_day[..7])] {
        let (best, png) = best_of(runs, || {
            daily_bar_chart(&DailyChart {
                counted: "Attendees",
                subtitle: "Attendance in Bench Hall, 2025-01-01 – 2025-12-31 (Europe/Paris)",
                days_label: "Day (Europe/Paris)",
                days,
            })
        });
        let png = png.map_err(|e| e.to_string())?;
        println!(
            "chart of {label}: best of {runs} {} · {} KB PNG",
            ms(best),
            png.len() / 1000
        );
    }

    // The CSV of every session, for scale.
    let mut generator = Generator::new(users, start, days);
    let sessions: Vec<Session> = (0..count).map(|_| generator.session()).collect();
    let t = Instant::now();
    let csv = attendance::sessions_csv(
        &sessions,
        &people,
        &AttendanceOptions {
            range,
            tz,
            clip: false,
        },
    );
    println!(
        "CSV of {count} sessions: {} · {:.1} MB",
        ms(t.elapsed()),
        csv.len() as f64 / MB
    );

    if !bench {
        return Ok(());
    }
    let slowest = results.iter().max().copied().unwrap_or_default();
    let mut failures = Vec::new();
    if slowest >= TIME_LIMIT {
        failures.push(format!("aggregation took {} (limit 1 s)", ms(slowest)));
    }
    if worst_peak >= MEMORY_LIMIT {
        failures.push(format!(
            "heap peak {:.1} MB (limit 200 MB)",
            worst_peak as f64 / MB
        ));
    }
    if let Some(hwm) = hwm.filter(|h| *h >= MEMORY_LIMIT) {
        failures.push(format!(
            "resident peak {:.1} MB (limit 200 MB)",
            hwm as f64 / MB
        ));
    }
    if failures.is_empty() {
        println!("within the targets: under 1 s and under 200 MB");
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}
