//! Scheduled reports to Slack: a [`ReportSink`] that posts the summary with
//! `chat.postMessage` (rendered by [`crate::slack::blocks::message`]) and then uploads
//! the attachments (CSV, PNG) in that message's thread with files v2.

use futures::future::BoxFuture;
use secrecy::SecretString;
use url::Url;

use crate::core::Reply;
use crate::schedule::{DeliveryError, Destination, ReportSink};
use crate::slack::web::{SlackWeb, WebSetupError};

/// Posts scheduled reports with the bot token (`chat:write`, `files:write`).
#[derive(Debug, Clone)]
pub struct SlackReportSink {
    web: SlackWeb,
    http: reqwest::Client,
    api_url: Url,
    bot_token: SecretString,
}

impl SlackReportSink {
    pub fn new(api_url: &Url, bot_token: &SecretString) -> Result<SlackReportSink, WebSetupError> {
        Ok(SlackReportSink {
            web: SlackWeb::new(api_url, bot_token)?,
            http: reqwest::Client::new(),
            api_url: api_url.clone(),
            bot_token: bot_token.clone(),
        })
    }
}

impl ReportSink for SlackReportSink {
    fn deliver<'a>(
        &'a self,
        destination: &'a Destination,
        reply: &'a Reply,
    ) -> BoxFuture<'a, Result<(), DeliveryError>> {
        Box::pin(async move {
            let message = crate::slack::blocks::message(reply);
            let posted = self
                .web
                .post_message(&destination.channel, None, &message)
                .await
                .map_err(|e| DeliveryError::Failed(e.to_string()))?;
            crate::slack::files::upload_files(
                &self.http,
                &self.api_url,
                &self.bot_token,
                &posted.channel,
                Some(&posted.ts),
                &reply.attachments,
            )
            .await
            .map_err(|e| {
                DeliveryError::Failed(format!("the summary was posted, the files were not: {e}"))
            })
        })
    }
}
