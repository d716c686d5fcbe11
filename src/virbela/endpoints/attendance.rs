//! Attendance of a room or private volume: one page, or any range at once (split into
//! 90-day windows, pages fetched with bounded concurrency, sessions seen twice dropped).

use std::collections::HashSet;

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::virbela::client::{Call, VirbelaClient};
use crate::virbela::domain::{DateRange, MAX_ATTENDANCE_WINDOW};
use crate::virbela::error::VirbelaError;
use crate::virbela::models::{AttendanceTarget, Envelope, Session};

/// Where one window's paging stands.
struct WindowCursor {
    range: DateRange,
    next_offset: u64,
    /// A page shorter than the limit came back: no page beyond it is needed.
    finished: bool,
}

impl VirbelaClient {
    /// One page of sessions overlapping `window` (which Virbela limits to 90 days).
    pub async fn attendance_page(
        &self,
        target: &AttendanceTarget,
        window: &DateRange,
        limit: Option<u32>,
        offset: u64,
    ) -> Result<Vec<Session>, VirbelaError> {
        let (start, stop) = window.query_bounds();
        let path = target.path();
        let mut call = Call::get(target.endpoint(), &path)
            .query("start", start)
            .query("stop", stop)
            .query("offset", offset)
            .not_found(match target {
                AttendanceTarget::Room(_) => "this room",
                AttendanceTarget::PrivateVolume(_) => "this private volume",
            });
        if let Some(limit) = limit {
            call = call.query("limit", limit);
        }
        Ok(self.call::<Envelope<Vec<Session>>>(call).await?.data)
    }

    /// Every session overlapping `range`, however long: the range is split into windows
    /// of at most 90 days, pages of all windows are fetched with at most
    /// `attendance_concurrency` requests in flight, a session returned by two windows is
    /// kept once, and the result is sorted by join time (then user id).
    pub async fn attendance(
        &self,
        target: &AttendanceTarget,
        range: &DateRange,
    ) -> Result<Vec<Session>, VirbelaError> {
        let limit = self.options().attendance_page_size.max(1);
        let concurrency = self.options().attendance_concurrency.max(1);
        let mut windows: Vec<WindowCursor> = range
            .windows(MAX_ATTENDANCE_WINDOW)
            .into_iter()
            .map(|range| WindowCursor {
                range,
                next_offset: 0,
                finished: false,
            })
            .collect();
        let mut in_flight = FuturesUnordered::new();
        let mut pages: Vec<Vec<Session>> = Vec::new();
        let mut turn = 0usize;
        loop {
            // Keep the pipe full: windows take turns, so that each one overshoots its end by
            // at most a page or two (pages past the end come back empty).
            while in_flight.len() < concurrency {
                let open = (0..windows.len())
                    .map(|i| (turn + i) % windows.len())
                    .find(|i| !windows[*i].finished);
                let Some(index) = open else { break };
                turn = index + 1;
                let cursor = &mut windows[index];
                let offset = cursor.next_offset;
                cursor.next_offset += u64::from(limit);
                let window = cursor.range;
                let client = self.clone();
                let target = target.clone();
                in_flight.push(async move {
                    let page = client
                        .attendance_page(&target, &window, Some(limit), offset)
                        .await;
                    (index, page)
                });
                // A window whose first page is still out gets no second page yet.
                if offset == 0 {
                    cursor.finished = true;
                }
            }
            let Some((index, page)) = in_flight.next().await else {
                break;
            };
            let page = page?;
            let cursor = &mut windows[index];
            if page.len() < limit as usize {
                cursor.finished = true;
            } else if cursor.next_offset == u64::from(limit) {
                // The first page was full: this window has more; open it for paging.
                cursor.finished = false;
            }
            pages.push(page);
        }
        Ok(merge(pages, windows.len() > 1))
    }
}

/// Flattens pages, drops sessions seen twice (only possible across windows), and sorts.
fn merge(pages: Vec<Vec<Session>>, across_windows: bool) -> Vec<Session> {
    let total = pages.iter().map(Vec::len).sum();
    let mut sessions: Vec<Session> = Vec::with_capacity(total);
    if across_windows {
        let mut seen = HashSet::with_capacity(total);
        for session in pages.into_iter().flatten() {
            let key = (session.user_id.clone(), session.key().1, session.key().2);
            if seen.insert(key) {
                sessions.push(session);
            }
        }
    } else {
        sessions.extend(pages.into_iter().flatten());
    }
    sessions.sort_by(|a, b| {
        a.join_time
            .cmp(&b.join_time)
            .then_with(|| a.user_id.cmp(&b.user_id))
    });
    sessions
}
