//! One envelope through the transport-neutral handlers of [`crate::slack::app`], and the
//! [`Answer`] turned into the ack, as [`crate::slack::http`] turns it into the HTTP
//! response: a payload when there is one, a bare ack for `Empty` and (logged) `Invalid`,
//! and no ack at all for `Retry`, so that Slack delivers the envelope again.

use super::frames::{self, Envelope, Request};
use crate::slack::app::{self, Answer, SlackState};

/// Runs the handler of `envelope`; returns the ack to send, or `None` when Slack should
/// redeliver it.
pub(super) async fn handle(state: &SlackState, envelope: Envelope) -> Option<String> {
    let kind = envelope.request.kind();
    let answer = match envelope.request {
        Request::Command { fields } => app::commands::answer(state, fields).await,
        Request::Interactive { payload } => app::interactions::answer(state, payload).await,
        Request::Events {
            envelope: event,
            retry,
            retry_reason,
        } => {
            if retry > 0 {
                tracing::debug!(
                    envelope_id = %envelope.envelope_id,
                    retry,
                    retry_reason = retry_reason.as_deref().unwrap_or(""),
                    "Slack redelivered an event"
                );
            }
            app::events::answer(state, event, retry).await
        }
    };
    ack_of(
        &envelope.envelope_id,
        envelope.accepts_response_payload,
        kind,
        answer,
    )
}

/// The ack for `answer`.
pub(super) fn ack_of(
    envelope_id: &str,
    accepts_payload: bool,
    kind: &'static str,
    answer: Answer,
) -> Option<String> {
    match answer {
        Answer::Retry(reason) => {
            tracing::warn!(
                envelope_id,
                kind,
                reason,
                "not acknowledged, so that Slack delivers it again"
            );
            None
        }
        Answer::Invalid(reason) => {
            tracing::warn!(
                envelope_id,
                kind,
                reason,
                "malformed request acknowledged and dropped"
            );
            Some(frames::ack(envelope_id, None))
        }
        Answer::Empty => Some(frames::ack(envelope_id, None)),
        _ if !accepts_payload => {
            tracing::debug!(
                envelope_id,
                kind,
                "Slack takes no payload for this envelope; acknowledged without it"
            );
            Some(frames::ack(envelope_id, None))
        }
        Answer::Rendered(bytes) => match std::str::from_utf8(&bytes) {
            Ok(json) => Some(frames::ack_raw(envelope_id, json)),
            Err(_) => Some(frames::ack(envelope_id, Answer::Rendered(bytes).payload())),
        },
        Answer::Json(value) => Some(frames::ack(envelope_id, Some(value))),
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;
    use serde_json::{Value, json};

    use super::*;

    fn parsed(ack: Option<String>) -> Value {
        serde_json::from_str(&ack.expect("an ack")).expect("JSON")
    }

    #[test]
    fn answers_become_acks() {
        assert_eq!(
            parsed(ack_of("e1", true, "slash_commands", Answer::Empty)),
            json!({"envelope_id": "e1"})
        );
        assert_eq!(
            parsed(ack_of(
                "e2",
                true,
                "slash_commands",
                Answer::Json(json!({"text": "working"}))
            )),
            json!({"envelope_id": "e2", "payload": {"text": "working"}})
        );
        assert_eq!(
            parsed(ack_of(
                "e3",
                true,
                "slash_commands",
                Answer::Rendered(Bytes::from_static(br#"{"blocks":[]}"#))
            )),
            json!({"envelope_id": "e3", "payload": {"blocks": []}})
        );
    }

    #[test]
    fn invalid_is_acked_bare_and_retry_is_not_acked() {
        assert_eq!(
            parsed(ack_of("e4", true, "interactive", Answer::Invalid("bad"))),
            json!({"envelope_id": "e4"})
        );
        assert_eq!(
            ack_of("e5", true, "events_api", Answer::Retry("store down")),
            None
        );
    }

    #[test]
    fn no_payload_where_slack_takes_none() {
        assert_eq!(
            parsed(ack_of(
                "e6",
                false,
                "events_api",
                Answer::Json(json!({"challenge": "c"}))
            )),
            json!({"envelope_id": "e6"})
        );
    }
}
