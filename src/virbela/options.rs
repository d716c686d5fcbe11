//! `ClientOptions`: timeouts, retry bounds, page sizes and attendance concurrency.

use std::time::Duration;

/// Tunables of the Virbela client. The defaults suit production.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// Timeout of one HTTP attempt (connect, send, and read the whole answer).
    pub timeout: Duration,
    /// Timeout of the TCP/TLS connect.
    pub connect_timeout: Duration,
    /// Attempts per call that may be retried (1 = no retry).
    pub retry_attempts: u32,
    /// First back-off delay; doubles each retry, with full jitter.
    pub retry_base_delay: Duration,
    /// Longest single back-off (also caps a server's `Retry-After`).
    pub retry_max_delay: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub retry_budget: Duration,
    /// Attendance pages fetched at once across the 90-day windows.
    pub attendance_concurrency: usize,
    /// Records per page for attendance and waitlist.
    pub attendance_page_size: u32,
    /// Records per page for users and member profiles.
    pub directory_page_size: u32,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry_attempts: 4,
            retry_base_delay: Duration::from_millis(200),
            retry_max_delay: Duration::from_secs(10),
            retry_budget: Duration::from_secs(60),
            attendance_concurrency: 8,
            attendance_page_size: 1000,
            directory_page_size: 1000,
        }
    }
}
