//! The report engine: attendance and help-desk waitlist analytics, their CSV files and
//! PNG charts, and the [`Reply`](crate::core::Reply) that carries them. Platform-neutral
//! and pure: records, the user directory, the range and the time zone come in; figures,
//! bytes and replies go out. Nothing here calls Virbela, a chat platform or the disk.
//!
//! - [`attendance`]: sessions → [`AttendanceStats`] (streaming builder, O(n log n) peak
//!   sweep) and the CSV of every session;
//! - [`waitlist`]: Called / HelpDone / SupportEnd → [`WaitlistStats`] and the CSV of
//!   every event (the derivations are in its doc);
//! - [`stats`]: mean, median, nearest-rank percentiles;
//! - [`csv`]: RFC 4180 writing, defused against formula injection;
//! - [`chart`]: a bar chart per day as PNG (plotters, bitmap backend, embedded DejaVu
//!   Sans);
//! - [`render`]: figures → `Reply` (title, fields, a compact table, CSV + PNG).

pub mod attendance;
pub mod chart;
pub mod csv;
mod local;
pub mod render;
pub mod stats;
pub mod waitlist;

use std::collections::HashMap;

pub use attendance::{AttendanceBuilder, AttendanceOptions, AttendanceStats};
pub use waitlist::{WaitlistOptions, WaitlistStats};

use crate::virbela::models::User;

/// The user directory, by user id, for joining names and e-mails into reports.
#[derive(Debug, Clone, Default)]
pub struct People<'a> {
    by_id: HashMap<&'a str, &'a User>,
}

impl<'a> People<'a> {
    pub fn new(users: &'a [User]) -> People<'a> {
        People {
            by_id: users.iter().map(|u| (u.user_id.as_str(), u)).collect(),
        }
    }

    /// No directory (it could not be read): every id is shown as unknown.
    pub fn none() -> People<'a> {
        People::default()
    }

    pub fn get(&self, user_id: &str) -> Option<&'a User> {
        self.by_id.get(user_id).copied()
    }
}

/// Why a report file could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("the chart font could not be loaded")]
    Font,
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
    #[error("the chart could not be encoded as PNG: {0}")]
    Png(String),
}
