//! The result of a submitted modal, delivered through the Web API (a submission has no
//! `response_url`): a reply for the channel is posted there (with its files), a reply for
//! the submitter only is shown to them in that channel (`chat.postEphemeral`); when there
//! is no channel, or posting there fails (the bot is not a member), it goes to a DM.

use super::super::respond;
use super::super::state::SlackState;
use crate::core::{Reply, Visibility};
use crate::slack::blocks;

/// Delivers `reply` to `user`, who submitted a modal opened in `channel`. Never fails:
/// problems are logged with the correlation id.
pub(crate) async fn to_submitter(
    state: &SlackState,
    mut reply: Reply,
    user: &str,
    channel: Option<&str>,
    cid: &str,
) {
    let Some(web) = state.web() else {
        tracing::warn!(
            correlation_id = cid,
            "a modal's result cannot be delivered without SLACK_BOT_TOKEN"
        );
        return;
    };
    let public = reply.visibility == Visibility::Channel && channel.is_some();
    let upload = respond::plan_files(state, &mut reply, channel, !public);
    match channel {
        Some(channel) if public => {
            match web
                .post_message(channel, None, &blocks::message(&reply))
                .await
            {
                Ok(_) => {
                    if upload {
                        if let Err(note) =
                            respond::share_files(state, &reply, channel, None, cid).await
                        {
                            let note = blocks::message(&Reply::failed(note));
                            if let Err(e) = web.post_ephemeral(channel, user, None, &note).await {
                                tracing::warn!(correlation_id = cid, error = %e, "could not report a failed upload");
                            }
                        }
                    }
                    return;
                }
                Err(e) => {
                    tracing::info!(correlation_id = cid, error = %e, "could not post a modal's result in its channel; sending it as a DM");
                    if !reply.attachments.is_empty() {
                        let names: Vec<&str> = reply
                            .attachments
                            .iter()
                            .map(|a| a.filename.as_str())
                            .collect();
                        reply.text = format!(
                            "{}\n\nThe files ({}) were not shared: the bot could not post in the channel. Invite it there, or run the command again.",
                            reply.text,
                            names.join(", ")
                        );
                        reply.attachments.clear();
                    }
                }
            }
        }
        Some(channel) => {
            match web
                .post_ephemeral(channel, user, None, &blocks::message(&reply))
                .await
            {
                Ok(()) => return,
                Err(e) => {
                    tracing::info!(correlation_id = cid, error = %e, "could not show a modal's result in its channel; sending it as a DM");
                }
            }
        }
        None => {}
    }
    if let Err(e) = web.post_message(user, None, &blocks::message(&reply)).await {
        tracing::warn!(correlation_id = cid, error = %e, "could not deliver a modal's result");
    }
}
