//! The scheduled-report families: `schedule_runs_total{outcome}` (one per run that ended
//! in a tick, or per missed due time recorded) and `schedule_lag_seconds` (posted time
//! minus due time, for posted runs; a retried run's lag includes its retries).

use super::Metrics;
use super::labels::OutcomeLabels;

/// How a scheduled run ended, as the runner sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleOutcome {
    /// The report was posted.
    Posted,
    /// The attempt failed (a retry is scheduled, or the schedule paused).
    Failed,
    /// The attempt failed and the schedule paused itself.
    FailedPaused,
    /// A `skip_empty` schedule's report was empty: nothing posted.
    SkippedEmpty,
    /// A due time missed beyond the grace period: recorded, not posted.
    SkippedMissed,
    /// The lease ran out and another runner owns the run.
    Lost,
}

impl ScheduleOutcome {
    pub const ALL: [ScheduleOutcome; 6] = [
        ScheduleOutcome::Posted,
        ScheduleOutcome::Failed,
        ScheduleOutcome::FailedPaused,
        ScheduleOutcome::SkippedEmpty,
        ScheduleOutcome::SkippedMissed,
        ScheduleOutcome::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleOutcome::Posted => "posted",
            ScheduleOutcome::Failed => "failed",
            ScheduleOutcome::FailedPaused => "failed_paused",
            ScheduleOutcome::SkippedEmpty => "skipped_empty",
            ScheduleOutcome::SkippedMissed => "skipped_missed",
            ScheduleOutcome::Lost => "lost",
        }
    }
}

/// Records `count` runs that ended with `outcome` in the process registry.
pub fn record_runs(outcome: ScheduleOutcome, count: usize) {
    super::global().record_schedule_runs(outcome, count);
}

/// Records how late a post went out behind its due time (negative lags count as 0).
pub fn record_lag(lag: chrono::Duration) {
    super::global().record_schedule_lag(lag);
}

impl Metrics {
    pub fn record_schedule_runs(&self, outcome: ScheduleOutcome, count: usize) {
        if count == 0 {
            return;
        }
        self.schedule_runs
            .get_or_create(&OutcomeLabels {
                outcome: outcome.as_str(),
            })
            .inc_by(u64::try_from(count).unwrap_or(u64::MAX));
    }

    pub fn record_schedule_lag(&self, lag: chrono::Duration) {
        let seconds = lag.num_milliseconds().max(0) as f64 / 1000.0;
        self.schedule_lag.observe(seconds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_lag_are_recorded() {
        let metrics = Metrics::new();
        metrics.record_schedule_runs(ScheduleOutcome::Posted, 2);
        metrics.record_schedule_runs(ScheduleOutcome::SkippedMissed, 0);
        metrics.record_schedule_lag(chrono::Duration::seconds(40));
        metrics.record_schedule_lag(chrono::Duration::seconds(-3));
        let text = metrics.encode_with(None).expect("encodes");
        for line in [
            r#"virbela_bot_schedule_runs_total{outcome="posted"} 2"#,
            r#"virbela_bot_schedule_runs_total{outcome="skipped_missed"} 0"#,
            r#"virbela_bot_schedule_runs_total{outcome="skipped_empty"} 0"#,
            r#"virbela_bot_schedule_lag_seconds_bucket{le="1.0"} 1"#,
            r#"virbela_bot_schedule_lag_seconds_bucket{le="30.0"} 1"#,
            r#"virbela_bot_schedule_lag_seconds_bucket{le="60.0"} 2"#,
            r#"virbela_bot_schedule_lag_seconds_count 2"#,
        ] {
            assert!(text.contains(line), "missing {line}:\n{text}");
        }
    }
}
