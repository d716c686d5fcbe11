//! Attendance (room or private volume) and help-desk waitlist summaries, with a CSV of
//! every session. (Charts and scheduled reports come with the reports engine.)

use std::collections::HashMap;
use std::fmt::Write as _;

use super::Turn;
use crate::core::reply::{Attachment, Reply, Table};
use crate::virbela::domain::{DateRange, VolumeId};
use crate::virbela::models::{AttendanceTarget, Called, HelpDone, Session, SupportEnd, User};

/// Attendees listed by name in the summary.
const TOP: usize = 10;

impl Turn<'_> {
    pub(super) async fn room_attendance(
        &self,
        typed: &str,
        range: DateRange,
        label: &str,
    ) -> Reply {
        let room = match self.resolve_room(typed).await {
            Ok(room) => room,
            Err(reply) => return reply,
        };
        let title = format!("Attendance in {}, {label}", room.label());
        self.attendance(
            AttendanceTarget::Room(room.room_id.clone()),
            range,
            title,
            room.room_id.as_str(),
        )
        .await
    }

    pub(super) async fn volume_attendance(
        &self,
        volume: VolumeId,
        range: DateRange,
        label: &str,
    ) -> Reply {
        let title = format!("Attendance in private volume {volume}, {label}");
        let file = volume.to_string();
        self.attendance(AttendanceTarget::PrivateVolume(volume), range, title, &file)
            .await
    }

    async fn attendance(
        &self,
        target: AttendanceTarget,
        range: DateRange,
        title: String,
        file: &str,
    ) -> Reply {
        let sessions = match self.bot.virbela.attendance(&target, &range).await {
            Ok(s) => s,
            Err(e) => return self.virbela_failed("fetch the attendance", &e),
        };
        let users = self.bot.directory.users().await.ok();
        let names: HashMap<&str, &User> = users
            .as_deref()
            .map(|us| us.iter().map(|u| (u.user_id.as_str(), u)).collect())
            .unwrap_or_default();
        if sessions.is_empty() {
            return Reply::ok("Nobody was there in this range.")
                .titled(title)
                .in_channel();
        }
        let minutes = |s: &Session| {
            s.attendance_minutes.value().unwrap_or_else(|| {
                (s.leave_time - s.join_time).num_milliseconds() as f64 / 60_000.0
            })
        };
        let mut per_user: HashMap<&str, (f64, f64, usize)> = HashMap::new();
        for s in &sessions {
            let entry = per_user.entry(s.user_id.as_str()).or_default();
            entry.0 += minutes(s);
            entry.1 += s.talk_minutes.or_zero();
            entry.2 += 1;
        }
        let total: f64 = sessions.iter().map(minutes).sum();
        let talk: f64 = sessions.iter().map(|s| s.talk_minutes.or_zero()).sum();
        let mut top: Vec<(&str, (f64, f64, usize))> =
            per_user.iter().map(|(k, v)| (*k, *v)).collect();
        top.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.0.cmp(b.0)));
        let mut table = Table::new(["Attendee", "Email", "Sessions", "Minutes", "Talk minutes"]);
        for (id, (mins, talk, count)) in top.iter().take(TOP) {
            let (name, email) = match names.get(id) {
                Some(u) => (u.label(), u.email.clone().unwrap_or_default()),
                None => (format!("unknown user {id}"), String::new()),
            };
            table.push([
                name,
                email,
                count.to_string(),
                format!("{mins:.0}"),
                format!("{talk:.0}"),
            ]);
        }
        let csv = sessions_csv(&sessions, &names, self.tz);
        Reply::ok(format!(
            "Top {} attendees by minutes below; every session is in the CSV.",
            top.len().min(TOP)
        ))
        .titled(title)
        .field("Sessions", sessions.len().to_string())
        .field("Unique attendees", per_user.len().to_string())
        .field("Total minutes", format!("{total:.0}"))
        .field(
            "Average minutes per session",
            format!("{:.1}", total / sessions.len() as f64),
        )
        .field("Talk minutes", format!("{talk:.0}"))
        .table(table)
        .attach(Attachment {
            filename: format!("attendance-{file}.csv"),
            media_type: "text/csv".into(),
            bytes: csv.into_bytes(),
        })
        .in_channel()
    }

    pub(super) async fn waitlist(
        &self,
        range: DateRange,
        label: &str,
        sfs_room: Option<&str>,
    ) -> Reply {
        let client = &self.bot.virbela;
        let (called, done, ends) = match futures::try_join!(
            client.waitlist_events::<Called>(&range, sfs_room),
            client.waitlist_events::<HelpDone>(&range, sfs_room),
            client.waitlist_events::<SupportEnd>(&range, sfs_room),
        ) {
            Ok(all) => all,
            Err(e) => return self.virbela_failed("fetch the waitlist events", &e),
        };
        let title = match sfs_room {
            Some(room) => format!("Help desk {room}, {label}"),
            None => format!("Help desk, {label}"),
        };
        let waits: Vec<f64> = called
            .iter()
            .filter_map(|c| c.seconds_in_line.as_ref().and_then(|s| s.value()))
            .collect();
        let helps: Vec<f64> = done
            .iter()
            .filter_map(|d| d.seconds_being_helped.as_ref().and_then(|s| s.value()))
            .collect();
        let mut agents: HashMap<&str, (u64, f64, f64)> = HashMap::new();
        for e in &ends {
            let a = agents.entry(e.user_id.as_str()).or_default();
            a.0 += e
                .num_users_helped
                .as_ref()
                .map(|n| n.or_zero())
                .unwrap_or(0);
            a.1 += e
                .seconds_helping_users
                .as_ref()
                .map(|n| n.or_zero())
                .unwrap_or(0.0);
            a.2 += e
                .seconds_supporting_list
                .as_ref()
                .map(|n| n.or_zero())
                .unwrap_or(0.0);
        }
        let mut table = Table::new([
            "Agent",
            "Users helped",
            "Hours helping",
            "Hours on the list",
            "Utilisation",
        ]);
        let mut rows: Vec<_> = agents.into_iter().collect();
        rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        for (agent, (helped, helping, listed)) in rows {
            let utilisation = if listed > 0.0 {
                format!("{:.0}%", 100.0 * helping / listed)
            } else {
                "—".into()
            };
            table.push([
                agent.to_string(),
                helped.to_string(),
                format!("{:.1}", helping / 3600.0),
                format!("{:.1}", listed / 3600.0),
                utilisation,
            ]);
        }
        Reply::ok(if called.is_empty() {
            "Nobody was called from the waitlist in this range."
        } else {
            ""
        })
        .titled(title)
        .field("Calls", called.len().to_string())
        .field("Mean wait", minutes_text(mean(&waits)))
        .field("Median wait", minutes_text(median(waits.clone())))
        .field("Tickets closed", done.len().to_string())
        .field("Mean time being helped", minutes_text(mean(&helps)))
        .table(table)
        .in_channel()
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

fn minutes_text(seconds: Option<f64>) -> String {
    seconds.map_or("—".to_string(), |s| format!("{:.1} min", s / 60.0))
}

/// Every session, one row each, times in the report's zone.
fn sessions_csv(sessions: &[Session], names: &HashMap<&str, &User>, tz: chrono_tz::Tz) -> String {
    let mut out = String::from("user_id,name,email,join,leave,minutes,talk_minutes\n");
    for s in sessions {
        let (name, email) = match names.get(s.user_id.as_str()) {
            Some(u) => (u.label(), u.email.clone().unwrap_or_default()),
            None => (String::new(), String::new()),
        };
        let minutes = (s.leave_time - s.join_time).num_milliseconds() as f64 / 60_000.0;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.2},{:.2}",
            csv_cell(s.user_id.as_str()),
            csv_cell(&name),
            csv_cell(&email),
            s.join_time.with_timezone(&tz).to_rfc3339(),
            s.leave_time.with_timezone(&tz).to_rfc3339(),
            minutes,
            s.talk_minutes.or_zero()
        );
    }
    out
}

/// Quotes a CSV cell when needed, and defuses spreadsheet formulas.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
