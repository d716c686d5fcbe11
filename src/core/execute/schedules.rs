//! `schedule list|add|remove|pause|resume|run|preview`: scheduled reports. Admins only
//! by default (`[policy] schedules = "operator"` lowers it); every change is audited by
//! `crate::schedule`.

use chrono::Duration;
use chrono_tz::Tz;

use super::Turn;
use crate::core::command::{ParseContext, ScheduleAdd, ScheduleCommand};
use crate::core::grammar;
use crate::core::reply::{Reply, Table, Visibility};
use crate::schedule::{
    self, Cadence, DEFAULT_GRACE, Destination, ReportKind, ScheduleError, ScheduleSpec, window,
};
use crate::store::schedules::Schedule;

impl Turn<'_> {
    pub async fn schedule(&self, sub: ScheduleCommand) -> Reply {
        let needed = self.bot.approvals.policy().schedule_role();
        if self.role.is_none_or(|r| r < needed) {
            let has = self
                .role
                .map_or("no role".to_string(), |r| format!("the {r} role"));
            return Reply::refused(format!(
                "Scheduled reports need the {needed} role or higher (`[policy] schedules`); you have {has}."
            ));
        }
        let db = &self.bot.db;
        let now = crate::store::now();
        let actor = self.principal();
        let cid = Some(self.correlation_id);
        let result = match sub {
            ScheduleCommand::List => return self.schedule_list().await,
            ScheduleCommand::Add(add) => return self.schedule_add(*add).await,
            ScheduleCommand::Preview(id) => return self.schedule_preview(id).await,
            ScheduleCommand::Remove(id) => schedule::remove(db, id, &actor, now, cid)
                .await
                .map(|s| Reply::ok(format!("Removed schedule #{}: {}.", s.id, schedule::describe(&s)))),
            ScheduleCommand::Pause(id) => schedule::pause(db, id, &actor, now, cid)
                .await
                .map(|s| Reply::ok(format!("Paused schedule #{}: {}. `schedule resume {}` turns it back on.", s.id, schedule::describe(&s), s.id))),
            ScheduleCommand::Resume(id) => schedule::resume(db, id, &actor, now, cid)
                .await
                .map(|s| Reply::ok(format!("Resumed schedule #{}: {}. Next run: {}.", s.id, schedule::describe(&s), local(&s, s.next_run_at)))),
            ScheduleCommand::Run(id) => schedule::run_now(db, id, &actor, now, cid)
                .await
                .map(|_| Reply::ok(format!("Schedule #{id} will run now: the report is posted to its channel within a minute."))),
        };
        result.unwrap_or_else(|e| self.schedule_error(e))
    }

    fn schedule_error(&self, e: ScheduleError) -> Reply {
        match e {
            ScheduleError::Store(e) => {
                tracing::error!(error = %e, "schedule store failure");
                Reply::failed(format!(
                    "The bot's store failed, so nothing was changed. (correlation id {})",
                    self.correlation_id
                ))
            }
            other => Reply::refused(format!("{other}.")),
        }
    }

    async fn schedule_add(&self, add: ScheduleAdd) -> Reply {
        let tz: Tz = add.tz.unwrap_or(self.tz);
        let Some(channel) = add.channel.clone().or_else(|| self.caller.channel.clone()) else {
            return Reply::refused(
                "Where should the report go? Add `channel=<channel id>` (this conversation has none).",
            );
        };
        let Ok(cadence) = Cadence::parse(&add.when) else {
            return Reply::refused(format!("`{}` is not a schedule.", add.when));
        };
        let Some(kind) = ReportKind::parse(&add.kind) else {
            return Reply::refused(format!("`{}` cannot be scheduled.", add.kind));
        };
        let spec = ScheduleSpec {
            kind,
            args: add.args.clone(),
            window: add.window.clone(),
            cadence: cadence.clone(),
            tz,
            destination: Destination {
                platform: self.caller.principal.platform().as_str().to_string(),
                channel,
            },
            skip_empty: add.skip_empty,
            grace: add
                .grace_hours
                .map_or(DEFAULT_GRACE, |h| Duration::hours(i64::from(h))),
        };
        let now = crate::store::now();
        let created = match schedule::create(
            &self.bot.db,
            &spec,
            &self.principal(),
            now,
            Some(self.correlation_id),
        )
        .await
        {
            Ok(s) => s,
            Err(e) => return self.schedule_error(e),
        };
        let next: Vec<String> = cadence
            .next_runs(now, tz, 3)
            .into_iter()
            .map(|at| local(&created, at))
            .collect();
        let mut reply = Reply::ok(format!(
            "Schedule #{} created: {}.",
            created.id,
            schedule::describe(&created)
        ))
        .titled(format!("Schedule #{}", created.id))
        .field("Next runs", next.join(" · "))
        .field(
            "Missed runs",
            format!(
                "posted once on start if at most {} h late, else skipped and mentioned in the next post",
                created.grace_seconds / 3600
            ),
        );
        if created.skip_empty {
            reply = reply.field("Empty reports", "not posted");
        }
        reply
    }

    async fn schedule_list(&self) -> Reply {
        let listed = match schedule::list(&self.bot.db).await {
            Ok(l) => l,
            Err(e) => return self.schedule_error(e),
        };
        if listed.is_empty() {
            return Reply::ok(
                "No schedules yet. `schedule add attendance <room> <window> every <when>` creates one.",
            );
        }
        let mut table = Table::new(["ID", "Report", "State", "Next run", "Last runs"]);
        for (s, runs) in &listed {
            let state = if s.paused {
                format!(
                    "paused ({})",
                    s.paused_reason.as_deref().unwrap_or("by hand")
                )
            } else {
                "active".to_string()
            };
            let last: Vec<String> = runs
                .iter()
                .map(|r| {
                    let mut line = format!("{} {}", local(s, r.due_at), r.status);
                    if let Some(e) = &r.error {
                        line.push_str(&format!(" ({e})"));
                    }
                    line
                })
                .collect();
            table.push([
                format!("#{}", s.id),
                schedule::describe(s),
                state,
                if s.paused {
                    "—".to_string()
                } else {
                    local(s, s.next_run_at)
                },
                if last.is_empty() {
                    "none yet".to_string()
                } else {
                    last.join("; ")
                },
            ]);
        }
        Reply::ok(format!("{} schedule(s).", listed.len()))
            .titled("Scheduled reports")
            .table(table)
    }

    async fn schedule_preview(&self, id: i64) -> Reply {
        let s = match schedule::get(&self.bot.db, id).await {
            Ok(s) => s,
            Err(e) => return self.schedule_error(e),
        };
        let (tz, _) = match schedule::timing(&s) {
            Ok(t) => t,
            Err(e) => return self.schedule_error(e),
        };
        let now = crate::store::now();
        let window = match window::evaluate(&s.window_phrase, now, tz) {
            Ok(w) => w,
            Err(e) => return Reply::failed(e.message),
        };
        let text = schedule::report_text(&s, &window);
        let command = match grammar::parse(&text, &ParseContext { now, tz }) {
            Ok(c) => c,
            Err(e) => {
                return Reply::failed(format!("Schedule #{id} no longer reads as a report: {e}"));
            }
        };
        let mut reply = Box::pin(self.run(command)).await;
        reply.text = format!(
            "Preview of schedule #{id} (only you see it), {}\n{}",
            window.label, reply.text
        );
        reply.visibility = Visibility::Caller;
        reply
    }
}

/// `2026-11-23 10:00 CET` in the schedule's zone.
fn local(s: &Schedule, at: chrono::DateTime<chrono::Utc>) -> String {
    let tz: Tz = s.tz.parse().unwrap_or(Tz::UTC);
    at.with_timezone(&tz)
        .format("%a %Y-%m-%d %H:%M %Z")
        .to_string()
}
