//! Report figures → [`Reply`]: a title, at most eight short fields, a compact table (the
//! top ten attendees, or the agents), and two attachments: the CSV of every record and
//! the PNG chart per day. Sized for every platform: Slack's limits (10 fields per
//! section, 2,000 characters a field, 3,000 a section) are far from reached, and the
//! long material travels in the files.
//!
//! A chart that cannot be drawn does not fail the report: the reply says so and carries
//! the CSV only.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::People;
use super::ReportError;
use super::attendance::{self, AttendanceOptions, AttendanceStats, Peak};
use super::chart::{DailyChart, daily_bar_chart};
use super::waitlist::{self, AgentSource, WaitlistEvents, WaitlistOptions, WaitlistStats};
use crate::core::reply::{Attachment, Reply, Table};
use crate::virbela::models::Session;

/// Attendees listed by name in the attendance reply.
pub const TOP_ATTENDEES: usize = 10;
/// Agents listed in the waitlist reply.
pub const TOP_AGENTS: usize = 15;

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whole minutes with thousands separators.
fn whole(minutes: f64) -> String {
    thousands(minutes.max(0.0).round() as u64)
}

fn one_decimal(value: Option<f64>) -> String {
    value.map_or("—".to_string(), |v| format!("{v:.1}"))
}

fn percent(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

/// Seconds as minutes with one decimal (`4.5 min`), or `—`.
fn minutes_of_seconds(seconds: Option<f64>) -> String {
    seconds.map_or("—".to_string(), |s| format!("{:.1} min", s / 60.0))
}

fn hours_of_seconds(seconds: f64) -> String {
    format!("{:.1}", seconds / 3600.0)
}

/// A name safe in any file system: letters, digits, `-` and `_`.
fn file_part(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if cleaned.is_empty() {
        "report".into()
    } else {
        cleaned
    }
}

/// `<stem>-<first day>-<last day>` in the report's zone.
fn file_stem(kind: &str, what: &str, first: Option<NaiveDate>, last: Option<NaiveDate>) -> String {
    match (first, last) {
        (Some(a), Some(b)) => format!("{kind}-{}-{a}-{b}", file_part(what)),
        _ => format!("{kind}-{}", file_part(what)),
    }
}

/// A local time: `Tue Nov 17 15:05`.
fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%a %b %-d %H:%M").to_string()
}

fn peak_text(peak: &Peak, tz: Tz) -> String {
    let (from, until) = (peak.from.with_timezone(&tz), peak.until.with_timezone(&tz));
    let until_text = if from.date_naive() == until.date_naive() {
        until.format("%H:%M").to_string()
    } else {
        local(peak.until, tz)
    };
    format!(
        "{} at {}–{}",
        thousands(u64::from(peak.attendees)),
        local(peak.from, tz),
        until_text
    )
}

/// The attendance reply: summary fields, the top attendees, the CSV of every session
/// and the chart of attendees per day. `what` names the room or volume in file names.
pub fn attendance_reply(
    title: String,
    what: &str,
    sessions: &[Session],
    people: &People<'_>,
    options: AttendanceOptions,
) -> Reply {
    let stats = attendance::attendance(sessions, people, options);
    let counting = counting_text(options.clip);
    if stats.sessions == 0 {
        let mut text = "Nobody was there in this range.".to_string();
        if stats.ignored > 0 {
            text.push_str(&format!(
                " {} sessions outside the range were left out.",
                thousands(stats.ignored as u64)
            ));
        }
        return Reply::ok(text).titled(title).in_channel();
    }
    let tz = options.tz;
    let stem = file_stem(
        "attendance",
        what,
        stats.per_day.first().map(|d| d.date),
        stats.per_day.last().map(|d| d.date),
    );
    let csv = attendance::sessions_csv(sessions, people, &options);
    let days: Vec<(NaiveDate, u32)> = stats
        .per_day
        .iter()
        .map(|d| (d.date, d.attendees))
        .collect();
    let chart = daily_bar_chart(&DailyChart {
        counted: "Attendees",
        subtitle: &title,
        days_label: &format!("Day ({})", tz.name()),
        days: &days,
    });
    with_files(
        attendance_summary(&stats, title, counting),
        &stem,
        csv,
        chart,
        ("attendance", "session"),
    )
}

fn counting_text(clip: bool) -> &'static str {
    if clip {
        "Sessions are clipped to the range: only their minutes inside it count."
    } else {
        "Sessions count whole, as Virbela returns them; add `clip` to count only their \
         minutes inside the range."
    }
}

/// The reply without attachments.
pub fn attendance_summary(stats: &AttendanceStats, title: String, counting: &str) -> Reply {
    let tz = stats.options.tz;
    let shown = stats.attendees.len().min(TOP_ATTENDEES);
    let mut text = format!(
        "Top {shown} attendees by minutes below; every session is in the CSV, attendees per \
         day in the chart. Days and hours are in {}. {counting}",
        tz.name()
    );
    if stats.ignored > 0 {
        text.push_str(&format!(
            " {} sessions outside the range were left out.",
            thousands(stats.ignored as u64)
        ));
    }
    let mut sessions = thousands(stats.sessions as u64);
    if stats.straddling > 0 {
        sessions.push_str(&format!(
            " ({} extend beyond the range)",
            thousands(stats.straddling as u64)
        ));
    }
    let talk = match stats.talk_share {
        Some(share) => format!(
            "{} ({} of the time)",
            whole(stats.talk_minutes),
            percent(share)
        ),
        None => whole(stats.talk_minutes),
    };
    let peak = stats
        .peak
        .as_ref()
        .map_or("—".to_string(), |p| peak_text(p, tz));
    let busiest_day = stats.busiest_day.map_or("—".to_string(), |d| {
        format!(
            "{}: {} attendees",
            d.date.format("%a %b %-d, %Y"),
            thousands(u64::from(d.attendees))
        )
    });
    let busiest_hour = match (stats.busiest_hour, stats.busiest_hour_share()) {
        (Some(h), Some(share)) => format!(
            "{h:02}:00–{:02}:00 ({} of attendee-minutes)",
            (h + 1) % 24,
            percent(share)
        ),
        _ => "—".to_string(),
    };
    let mut table = Table::new(["Attendee", "Email", "Sessions", "Minutes", "Talk"]);
    for a in stats.attendees.iter().take(TOP_ATTENDEES) {
        table.push([
            a.shown_name(),
            a.email.clone().unwrap_or_default(),
            thousands(u64::from(a.sessions)),
            whole(a.minutes),
            whole(a.talk_minutes),
        ]);
    }
    Reply::ok(text)
        .titled(title)
        .field("Sessions", sessions)
        .field("Unique attendees", thousands(stats.unique_attendees as u64))
        .field("Total minutes", whole(stats.total_minutes))
        .field(
            "Average / median minutes",
            format!(
                "{} / {}",
                one_decimal(stats.average_minutes),
                one_decimal(stats.median_minutes)
            ),
        )
        .field("Talk minutes", talk)
        .field("Peak concurrent attendees", peak)
        .field("Busiest day", busiest_day)
        .field("Busiest hour", busiest_hour)
        .field(
            "Counting",
            if stats.options.clip {
                "clipped to the range"
            } else {
                "whole sessions"
            },
        )
        .table(table)
        .in_channel()
}

/// The waitlist reply: summary fields, the agents, the CSV of every event and the chart
/// of calls per day.
pub fn waitlist_reply(
    title: String,
    events: WaitlistEvents<'_>,
    people: &People<'_>,
    options: WaitlistOptions,
) -> Reply {
    let stats = waitlist::waitlist(events, people, options.clone());
    let nothing = stats.calls == 0 && stats.tickets_closed == 0 && stats.shifts_ended == 0;
    if nothing {
        return Reply::ok("Nobody was called from the waitlist in this range.")
            .titled(title)
            .field("Calls", "0")
            .in_channel();
    }
    let stem = file_stem(
        "waitlist",
        options.sfs_room.as_deref().unwrap_or("all-rooms"),
        stats.calls_per_day.first().map(|d| d.date),
        stats.calls_per_day.last().map(|d| d.date),
    );
    let csv = waitlist::events_csv(events, people, &options);
    let days: Vec<(NaiveDate, u32)> = stats
        .calls_per_day
        .iter()
        .map(|d| (d.date, d.calls))
        .collect();
    let chart = daily_bar_chart(&DailyChart {
        counted: "Calls",
        subtitle: &title,
        days_label: &format!("Day ({})", options.tz.name()),
        days: &days,
    });
    with_files(
        waitlist_summary(&stats, title),
        &stem,
        csv,
        chart,
        ("waitlist", "event"),
    )
}

/// Attaches the CSV and, when it could be drawn, the chart (else the reply says why and
/// points to the CSV, which has every `record`).
fn with_files(
    reply: Reply,
    stem: &str,
    csv: Vec<u8>,
    chart: Result<Vec<u8>, ReportError>,
    (report, record): (&str, &str),
) -> Reply {
    let mut reply = reply.attach(Attachment {
        filename: format!("{stem}.csv"),
        media_type: "text/csv".into(),
        bytes: csv,
    });
    match chart {
        Ok(png) => reply.attach(Attachment {
            filename: format!("{stem}.png"),
            media_type: "image/png".into(),
            bytes: png,
        }),
        Err(e) => {
            tracing::warn!("{report} chart failed: {e}");
            reply
                .text
                .push_str(&format!(" ({e}; the CSV has every {record}.)"));
            reply
        }
    }
}

/// The reply without attachments.
pub fn waitlist_summary(stats: &WaitlistStats, title: String) -> Reply {
    let mut text = format!(
        "Agents below (utilisation = time helping / time on the list, from the shifts that \
         ended in the range); every event is in the CSV, calls per day in the chart. Days \
         are in {}.",
        stats.options.tz.name()
    );
    if stats.agents.len() > TOP_AGENTS {
        text.push_str(&format!(
            " The {} agents who helped most are listed, of {}.",
            TOP_AGENTS,
            stats.agents.len()
        ));
    }
    if stats
        .agents
        .iter()
        .any(|a| a.source == AgentSource::Tickets)
    {
        text.push_str(
            " Agents marked * had no shift end in the range: their figures come from their \
             closed tickets.",
        );
    }
    if stats.ignored > 0 {
        text.push_str(&format!(
            " {} events outside the range or room were left out.",
            thousands(stats.ignored as u64)
        ));
    }
    let wait = if stats.wait.count == 0 {
        "—".to_string()
    } else {
        format!(
            "mean {} · median {} · p90 {}",
            minutes_of_seconds(stats.wait.mean),
            minutes_of_seconds(stats.wait.median),
            minutes_of_seconds(stats.wait.p90)
        )
    };
    let mut table = Table::new([
        "Agent",
        "Users helped",
        "Hours helping",
        "Hours on the list",
        "Utilisation",
    ]);
    for a in stats.agents.iter().take(TOP_AGENTS) {
        let mut name = a.shown_name();
        if a.source == AgentSource::Tickets {
            name.push_str(" *");
        }
        table.push([
            name,
            thousands(a.users_helped),
            hours_of_seconds(a.seconds_helping),
            a.seconds_on_list.map_or("—".to_string(), hours_of_seconds),
            a.utilisation.map_or("—".to_string(), percent),
        ]);
    }
    Reply::ok(text)
        .titled(title)
        .field("Calls", thousands(stats.calls as u64))
        .field("Time in line", wait)
        .field(
            "Mean time being helped",
            minutes_of_seconds(stats.help.mean),
        )
        .field("Tickets closed", thousands(stats.tickets_closed as u64))
        .field("Shifts ended", thousands(stats.shifts_ended as u64))
        .table(table)
        .in_channel()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virbela::domain::{DateRange, Lenient};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .expect("instant")
    }

    #[test]
    fn an_attendance_reply_fits_every_platform() {
        // 50 attendees with long ids, over a week.
        let sessions: Vec<Session> = (0..500)
            .map(|i| {
                let join = at("2026-11-16T08:00:00Z") + chrono::Duration::minutes(i * 19);
                Session {
                    user_id: format!("user{:040}", i % 50).parse().expect("id"),
                    join_time: join,
                    leave_time: join + chrono::Duration::minutes(45),
                    talk_minutes: Lenient::Value(3.0),
                    attendance_minutes: Lenient::Value(45.0),
                }
            })
            .collect();
        let options = AttendanceOptions {
            range: DateRange::new(at("2026-11-16T00:00:00Z"), at("2026-11-22T23:59:59.999Z"))
                .expect("range"),
            tz: chrono_tz::Europe::Paris,
            clip: false,
        };
        let reply = attendance_reply(
            "Attendance in Theater, last week".into(),
            "KJDfj5wOjA",
            &sessions,
            &People::none(),
            options,
        );
        assert!(reply.is_success());
        assert!(reply.fields.len() <= 10);
        assert!(reply.fields.iter().all(|f| f.value.chars().count() < 200));
        assert!(reply.text.chars().count() < 600, "{}", reply.text);
        let table = reply.table.as_ref().expect("table");
        assert_eq!(table.rows.len(), TOP_ATTENDEES);
        assert_eq!(reply.attachments.len(), 2);
        assert_eq!(&reply.attachments[1].bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(
            reply.attachments[0]
                .filename
                .starts_with("attendance-KJDfj5wOjA-2026-11-16-2026-11-23")
        );

        let nobody = attendance_reply("Nobody".into(), "x", &[], &People::none(), options);
        assert_eq!(nobody.text, "Nobody was there in this range.");
        assert!(nobody.attachments.is_empty());
    }

    #[test]
    fn numbers_and_file_names() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(whole(1234.5), "1,235");
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(minutes_of_seconds(Some(90.0)), "1.5 min");
        assert_eq!(minutes_of_seconds(None), "—");
        assert_eq!(file_part("Help Desk/2"), "Help_Desk_2");
        assert_eq!(file_part(""), "report");
        let d = NaiveDate::from_ymd_opt(2026, 11, 16);
        assert_eq!(
            file_stem("attendance", "KJDfj5wOjA", d, d),
            "attendance-KJDfj5wOjA-2026-11-16-2026-11-16"
        );
    }
}
