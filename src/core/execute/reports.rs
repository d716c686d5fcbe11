//! Attendance (room or private volume) and help-desk waitlist reports. This file fetches
//! from Virbela (sessions over any range, the waitlist events, the user directory); the
//! figures, the CSV, the PNG chart and the reply are the report engine's
//! (`crate::reports`), computed on a blocking thread so a million sessions never hold up
//! the async workers. Days and hours are in the caller's time zone.

use std::sync::Arc;

use super::Turn;
use crate::core::reply::Reply;
use crate::reports::render::{attendance_reply, waitlist_reply};
use crate::reports::waitlist::WaitlistEvents;
use crate::reports::{AttendanceOptions, People, WaitlistOptions};
use crate::virbela::domain::{DateRange, VolumeId};
use crate::virbela::models::{AttendanceTarget, Called, HelpDone, SupportEnd, User};

/// Said when the user directory could not be read: the report goes on without names.
const NO_DIRECTORY: &str =
    " (The user directory could not be read, so people are shown by id only.)";

impl Turn<'_> {
    pub(super) async fn room_attendance(
        &self,
        typed: &str,
        range: DateRange,
        label: &str,
        clip: bool,
    ) -> Reply {
        let room = match self.resolve_room(typed).await {
            Ok(room) => room,
            Err(reply) => return reply,
        };
        let title = format!("Attendance in {}, {label}", room.label());
        let what = room.room_id.to_string();
        self.attendance(
            AttendanceTarget::Room(room.room_id.clone()),
            range,
            title,
            what,
            clip,
        )
        .await
    }

    pub(super) async fn volume_attendance(
        &self,
        volume: VolumeId,
        range: DateRange,
        label: &str,
        clip: bool,
    ) -> Reply {
        let title = format!("Attendance in private volume {volume}, {label}");
        let what = volume.to_string();
        self.attendance(
            AttendanceTarget::PrivateVolume(volume),
            range,
            title,
            what,
            clip,
        )
        .await
    }

    async fn attendance(
        &self,
        target: AttendanceTarget,
        range: DateRange,
        title: String,
        what: String,
        clip: bool,
    ) -> Reply {
        let sessions = match self.bot.virbela.attendance(&target, &range).await {
            Ok(s) => s,
            Err(e) => return self.virbela_failed("fetch the attendance", &e),
        };
        let users = self.directory_users().await;
        let options = AttendanceOptions {
            range,
            tz: self.tz,
            clip,
        };
        self.compute(move || {
            let people = users
                .as_deref()
                .map_or_else(People::none, |u| People::new(u));
            let mut reply = attendance_reply(title, &what, &sessions, &people, options);
            if users.is_none() && !sessions.is_empty() {
                reply.text.push_str(NO_DIRECTORY);
            }
            reply
        })
        .await
    }

    pub(super) async fn waitlist(
        &self,
        range: DateRange,
        label: &str,
        sfs_room: Option<&str>,
    ) -> Reply {
        let client = &self.bot.virbela;
        let (called, help_done, support_end) = match futures::try_join!(
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
        let users = self.directory_users().await;
        let options = WaitlistOptions {
            range,
            tz: self.tz,
            sfs_room: sfs_room.map(str::to_string),
        };
        self.compute(move || {
            let people = users
                .as_deref()
                .map_or_else(People::none, |u| People::new(u));
            let events = WaitlistEvents {
                called: &called,
                help_done: &help_done,
                support_end: &support_end,
            };
            let mut reply = waitlist_reply(title, events, &people, options);
            if users.is_none() && !reply.attachments.is_empty() {
                reply.text.push_str(NO_DIRECTORY);
            }
            reply
        })
        .await
    }

    /// The user directory, or `None` when it cannot be read (the report names nobody).
    async fn directory_users(&self) -> Option<Arc<Vec<User>>> {
        match self.bot.directory.users().await {
            Ok(users) => Some(users),
            Err(e) => {
                tracing::warn!(error.kind = e.kind(), "user directory for a report: {e}");
                None
            }
        }
    }

    /// Runs a report's computation on a blocking thread.
    async fn compute(&self, work: impl FnOnce() -> Reply + Send + 'static) -> Reply {
        match tokio::task::spawn_blocking(work).await {
            Ok(reply) => reply,
            Err(e) => {
                tracing::error!("report computation failed: {e}");
                Reply::failed(format!(
                    "The report could not be computed. (correlation id {})",
                    self.correlation_id
                ))
            }
        }
    }
}
