//! Help-desk waitlist events: Called, HelpDone, SupportEnd.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::virbela::domain::Lenient;

/// A user was called from the waitlist into the support center.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Called {
    pub user_id: String,
    #[serde(default)]
    pub room: Option<String>,
    pub time: DateTime<Utc>,
    #[serde(default)]
    pub support_user_id: Option<String>,
    #[serde(default)]
    pub seconds_in_line: Option<Lenient<f64>>,
    #[serde(default)]
    pub initial_place: Option<Lenient<u64>>,
}

/// A waitlist ticket was closed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpDone {
    pub user_id: String,
    #[serde(default)]
    pub room: Option<String>,
    pub time: DateTime<Utc>,
    #[serde(default)]
    pub support_user_id: Option<String>,
    #[serde(default)]
    pub seconds_being_helped: Option<Lenient<f64>>,
}

/// A support agent ended a shift.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportEnd {
    pub user_id: String,
    #[serde(default)]
    pub room: Option<String>,
    pub time: DateTime<Utc>,
    #[serde(default)]
    pub num_users_helped: Option<Lenient<u64>>,
    #[serde(default)]
    pub seconds_helping_users: Option<Lenient<f64>>,
    #[serde(default)]
    pub seconds_supporting_list: Option<Lenient<f64>>,
}

/// One page of waitlist events (`data: {count, results}`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WaitlistPage<T> {
    #[serde(default)]
    pub count: Option<u64>,
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
}

/// The three waitlist event kinds and their paths.
pub trait WaitlistEvent: DeserializeOwned + Send + 'static {
    const PATH: &'static str;
    const ENDPOINT: &'static str;
}

impl WaitlistEvent for Called {
    const PATH: &'static str = "Called";
    const ENDPOINT: &'static str = "waitlist.called";
}

impl WaitlistEvent for HelpDone {
    const PATH: &'static str = "HelpDone";
    const ENDPOINT: &'static str = "waitlist.help_done";
}

impl WaitlistEvent for SupportEnd {
    const PATH: &'static str = "SupportEnd";
    const ENDPOINT: &'static str = "waitlist.support_end";
}
