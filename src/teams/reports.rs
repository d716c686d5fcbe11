//! Scheduled reports to Teams: a [`ReportSink`] that posts the report's card (figures,
//! table, the chart as an image and the CSV as a button, both at signed links) to the
//! conversation the schedule was created in — a new thread in a channel — proactively,
//! from the stored conversation reference.

use futures::future::BoxFuture;

use super::app::TeamsState;
use crate::core::Reply;
use crate::schedule::{DeliveryError, Destination, ReportSink};

/// Posts scheduled reports with the bot's app token.
#[derive(Debug, Clone)]
pub struct TeamsReportSink {
    state: TeamsState,
}

impl TeamsReportSink {
    pub fn new(state: TeamsState) -> TeamsReportSink {
        TeamsReportSink { state }
    }
}

impl ReportSink for TeamsReportSink {
    fn deliver<'a>(
        &'a self,
        destination: &'a Destination,
        reply: &'a Reply,
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let message = self.state.message_for(reply).await;
            self.state
                .post(&destination.channel, &message)
                .await
                .map(|_| ())
                .map_err(|e| DeliveryError::Failed(e.to_string()))
        })
    }
}
