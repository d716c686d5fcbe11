//! Delivering results after the ack: `response_url` posts (plain reqwest JSON, since
//! slack-morphism cannot send `response_type: in_channel` there; at most 5 posts per URL
//! within 30 minutes, tracked here) and report files through the files v2 flow into the
//! command's channel.
//! Failures are logged; `response_url`s are never logged (they are bearer capabilities).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use url::Url;

use super::state::SlackState;
use crate::core::{Reply, Visibility};
use crate::slack::blocks;
use crate::slack::files::upload_files;

/// Slack accepts this many posts per `response_url`…
pub(super) const MAX_POSTS: u8 = 5;
/// …within this long after the interaction.
pub(super) const WINDOW: Duration = Duration::from_secs(30 * 60);

/// Why a `response_url` post was not delivered.
#[derive(Debug, thiserror::Error)]
pub(super) enum RespondError {
    #[error("the response_url was used {MAX_POSTS} times or is older than 30 minutes")]
    BudgetSpent,
    #[error("the response_url is not an http(s) URL of the expected kind")]
    BadUrl,
    #[error("the response_url could not be reached: {0}")]
    Transport(#[source] reqwest::Error),
    #[error("the response_url answered HTTP {0}")]
    Status(reqwest::StatusCode),
}

/// How many posts each `response_url` has had, pruned as they expire.
#[derive(Debug, Default)]
pub(super) struct ResponseBudgets {
    used: Mutex<HashMap<String, Used>>,
}

#[derive(Debug, Clone, Copy)]
struct Used {
    posts: u8,
    first: Instant,
}

impl ResponseBudgets {
    /// Takes one post from the URL's budget; false when it is spent or expired.
    pub(super) fn take(&self, url: &str) -> bool {
        let now = Instant::now();
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !used.contains_key(url) && used.len() % 256 == 255 {
            used.retain(|_, u| now.duration_since(u.first) < WINDOW);
        }
        let entry = used.entry(url.to_owned()).or_insert(Used {
            posts: 0,
            first: now,
        });
        if entry.posts >= MAX_POSTS || now.duration_since(entry.first) >= WINDOW {
            return false;
        }
        entry.posts += 1;
        true
    }
}

/// Where a result goes.
#[derive(Debug, Clone)]
pub(super) struct Destination {
    pub response_url: String,
    /// The channel the request came from (files are shared there).
    pub channel: Option<String>,
    /// Buttons: always private, never replacing the card.
    pub private_follow_up: bool,
}

/// Posts `reply` to the destination's `response_url`, then uploads its files. Never fails:
/// problems are logged (with the correlation id) and, where possible, told to the person.
pub(super) async fn deliver(state: &SlackState, mut reply: Reply, to: &Destination, cid: &str) {
    let upload = plan_files(
        state,
        &mut reply,
        to.channel.as_deref(),
        to.private_follow_up,
    );
    let mut body = blocks::message(&reply).to_response_json();
    if to.private_follow_up {
        body["response_type"] = Value::from("ephemeral");
        body["replace_original"] = Value::from(false);
    }
    if let Err(e) = post_response(state, &to.response_url, &body).await {
        tracing::warn!(correlation_id = cid, error = %e, "could not deliver a Slack reply");
        return;
    }
    if let (true, Some(channel)) = (upload, to.channel.as_deref()) {
        if let Err(note) = share_files(state, &reply, channel, None, cid).await {
            let body = serde_json::json!({
                "response_type": "ephemeral",
                "replace_original": false,
                "text": note,
            });
            if let Err(e) = post_response(state, &to.response_url, &body).await {
                tracing::warn!(correlation_id = cid, error = %e, "could not report a failed upload");
            }
        }
    }
}

/// Decides whether the reply's files can be uploaded; when not, drops them and says why
/// in the reply. Files go to the channel, so only channel-visible replies share them.
pub(super) fn plan_files(
    state: &SlackState,
    reply: &mut Reply,
    channel: Option<&str>,
    private: bool,
) -> bool {
    if reply.attachments.is_empty() {
        return false;
    }
    let names: Vec<&str> = reply
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    let names = names.join(", ");
    let why_not = if state.inner.bot_token.is_none() {
        Some(format!(
            "The files ({names}) were not sent: uploading files to Slack needs SLACK_BOT_TOKEN. Ask an admin to set it, or run the command in the console."
        ))
    } else if private || reply.visibility == Visibility::Caller {
        Some(format!(
            "The files ({names}) were not shared: this reply is only for you and files would be visible to the whole channel."
        ))
    } else if channel.is_none() {
        Some(format!(
            "The files ({names}) were not sent: Slack did not say which channel this came from."
        ))
    } else {
        None
    };
    match why_not {
        Some(note) => {
            reply.attachments.clear();
            reply.text = format!("{}\n\n{note}", reply.text);
            false
        }
        None => true,
    }
}

/// Uploads the reply's files into `channel` (thread `thread_ts`). On failure returns the
/// sentence to tell the person.
pub(super) async fn share_files(
    state: &SlackState,
    reply: &Reply,
    channel: &str,
    thread_ts: Option<&str>,
    cid: &str,
) -> Result<(), String> {
    let Some(token) = state.inner.bot_token.as_ref() else {
        return Err("Uploading files to Slack needs SLACK_BOT_TOKEN.".to_owned());
    };
    let inner = &state.inner;
    upload_files(
        &inner.http,
        &inner.api_url,
        token,
        channel,
        thread_ts,
        &reply.attachments,
    )
    .await
    .map_err(|e| {
        tracing::warn!(correlation_id = cid, error = %e, "could not upload report files to Slack");
        format!("The report files could not be uploaded to Slack: {e}. (correlation id {cid})")
    })
}

/// One JSON POST to a `response_url`, within its budget.
pub(super) async fn post_response(
    state: &SlackState,
    response_url: &str,
    body: &Value,
) -> Result<(), RespondError> {
    let url = checked_url(&state.inner.api_url, response_url).ok_or(RespondError::BadUrl)?;
    if !state.inner.budgets.take(response_url) {
        return Err(RespondError::BudgetSpent);
    }
    let response = state
        .inner
        .http
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| RespondError::Transport(e.without_url()))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(RespondError::Status(response.status()))
    }
}

/// An absolute http(s) URL; https whenever the Web API is https (production).
fn checked_url(api_base: &Url, raw: &str) -> Option<Url> {
    let url = Url::parse(raw).ok()?;
    match (api_base.scheme(), url.scheme()) {
        (_, "https") | ("http", "http") => Some(url),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_url_takes_five_posts() {
        let budgets = ResponseBudgets::default();
        for _ in 0..MAX_POSTS {
            assert!(budgets.take("https://hooks.slack.com/commands/1"));
        }
        assert!(!budgets.take("https://hooks.slack.com/commands/1"));
        assert!(budgets.take("https://hooks.slack.com/commands/2"));
    }

    #[test]
    fn response_urls_must_be_https_in_production() {
        let prod = Url::parse("https://slack.com/api/").expect("url");
        assert!(checked_url(&prod, "https://hooks.slack.com/x").is_some());
        assert!(checked_url(&prod, "http://hooks.slack.com/x").is_none());
        assert!(checked_url(&prod, "file:///etc/passwd").is_none());
        let test = Url::parse("http://127.0.0.1:1/api/").expect("url");
        assert!(checked_url(&test, "http://127.0.0.1:1/response/1").is_some());
    }
}
