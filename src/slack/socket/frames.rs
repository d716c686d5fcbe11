//! The Socket Mode wire format: the text frames Slack sends over the WebSocket, parsed
//! into [`Inbound`] (`hello`, `disconnect`, and the `events_api` / `slash_commands` /
//! `interactive` envelopes), and the acknowledgement sent back ([`ack`], [`ack_raw`]).
//!
//! Parsing is lenient where Slack's shapes vary (a slash command's fields that are not
//! strings are kept as their JSON text) and strict where the bot could do the wrong
//! thing (an envelope without an `envelope_id` cannot be acknowledged; a payload of the
//! wrong shape is reported with the envelope id, so it can still be acknowledged).

use std::collections::HashMap;

use serde_json::{Map, Value};

/// One text frame from Slack.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Inbound {
    /// The connection is ready.
    Hello {
        num_connections: Option<u64>,
        approximate_connection_time: Option<u64>,
    },
    /// Slack will close this connection (`warning`, `refresh_requested`, `link_disabled`).
    Disconnect { reason: String },
    /// A request to handle and acknowledge.
    Envelope(Envelope),
    /// A frame type this bot does not know; acknowledged when it has an envelope id, so
    /// Slack does not redeliver it.
    Unknown {
        kind: String,
        envelope_id: Option<String>,
    },
}

/// A request carried by the WebSocket.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Envelope {
    pub envelope_id: String,
    /// False when Slack ignores a payload in the ack (events, most block actions).
    pub accepts_response_payload: bool,
    pub request: Request,
}

/// What an envelope asks for, in the shapes the transport-neutral handlers take.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Request {
    /// `events_api`: the Events API envelope, and Slack's retry number (0 the first time).
    Events {
        envelope: Value,
        retry: u32,
        retry_reason: Option<String>,
    },
    /// `slash_commands`: the command's fields, as the HTTP form would have carried them.
    Command { fields: HashMap<String, String> },
    /// `interactive`: the interaction payload.
    Interactive { payload: Value },
}

impl Request {
    /// The envelope type, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Events { .. } => "events_api",
            Request::Command { .. } => "slash_commands",
            Request::Interactive { .. } => "interactive",
        }
    }
}

/// Why a frame could not be understood.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(super) enum FrameError {
    #[error("the frame is not a JSON object")]
    NotAnObject,
    #[error("the frame has no `type`")]
    NoType,
    #[error("a `{kind}` envelope without an envelope_id")]
    NoEnvelopeId { kind: String },
    #[error("the `{kind}` envelope {envelope_id} has {problem}")]
    BadPayload {
        kind: &'static str,
        envelope_id: String,
        problem: &'static str,
    },
}

impl FrameError {
    /// The envelope id, when the frame had one (it is then acknowledged anyway).
    pub fn envelope_id(&self) -> Option<&str> {
        match self {
            FrameError::BadPayload { envelope_id, .. } => Some(envelope_id),
            _ => None,
        }
    }
}

/// Parses one text frame.
pub(super) fn parse(text: &str) -> Result<Inbound, FrameError> {
    let Ok(Value::Object(mut frame)) = serde_json::from_str::<Value>(text) else {
        return Err(FrameError::NotAnObject);
    };
    let kind = match frame.remove("type") {
        Some(Value::String(kind)) => kind,
        _ => return Err(FrameError::NoType),
    };
    match kind.as_str() {
        "hello" => Ok(Inbound::Hello {
            num_connections: frame.get("num_connections").and_then(Value::as_u64),
            approximate_connection_time: frame
                .get("debug_info")
                .and_then(|d| d.get("approximate_connection_time"))
                .and_then(Value::as_u64),
        }),
        "disconnect" => Ok(Inbound::Disconnect {
            reason: string(&frame, "reason").unwrap_or_else(|| "unspecified".to_owned()),
        }),
        "events_api" | "slash_commands" | "interactive" => {
            let Some(envelope_id) = string(&frame, "envelope_id") else {
                return Err(FrameError::NoEnvelopeId { kind });
            };
            let accepts_response_payload = frame
                .get("accepts_response_payload")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let payload = frame.remove("payload").unwrap_or(Value::Null);
            let request = match kind.as_str() {
                "events_api" => events(&frame, payload, &envelope_id)?,
                "slash_commands" => command(payload, &envelope_id)?,
                _ => interactive(payload, &envelope_id)?,
            };
            Ok(Inbound::Envelope(Envelope {
                envelope_id,
                accepts_response_payload,
                request,
            }))
        }
        _ => Ok(Inbound::Unknown {
            envelope_id: string(&frame, "envelope_id"),
            kind,
        }),
    }
}

fn string(frame: &Map<String, Value>, key: &str) -> Option<String> {
    frame
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn events(
    frame: &Map<String, Value>,
    payload: Value,
    envelope_id: &str,
) -> Result<Request, FrameError> {
    if !payload.is_object() {
        return Err(bad("events_api", envelope_id, "no payload object"));
    }
    // A number normally; tolerate a numeric string, and saturate absurd values.
    let retry = match frame.get("retry_attempt") {
        Some(Value::Number(n)) => n
            .as_u64()
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    };
    Ok(Request::Events {
        envelope: payload,
        retry,
        retry_reason: string(frame, "retry_reason"),
    })
}

fn command(payload: Value, envelope_id: &str) -> Result<Request, FrameError> {
    let Value::Object(object) = payload else {
        return Err(bad("slash_commands", envelope_id, "no payload object"));
    };
    let fields = object
        .into_iter()
        .filter_map(|(key, value)| {
            let value = match value {
                Value::String(s) => s,
                Value::Null => return None,
                other => other.to_string(),
            };
            Some((key, value))
        })
        .collect();
    Ok(Request::Command { fields })
}

fn interactive(payload: Value, envelope_id: &str) -> Result<Request, FrameError> {
    match payload {
        Value::Object(_) => Ok(Request::Interactive { payload }),
        // Slack sends an object; a JSON text of one (the HTTP form's shape) is accepted too.
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(payload @ Value::Object(_)) => Ok(Request::Interactive { payload }),
            _ => Err(bad(
                "interactive",
                envelope_id,
                "a payload that is not JSON",
            )),
        },
        _ => Err(bad("interactive", envelope_id, "no payload object")),
    }
}

fn bad(kind: &'static str, envelope_id: &str, problem: &'static str) -> FrameError {
    FrameError::BadPayload {
        kind,
        envelope_id: envelope_id.to_owned(),
        problem,
    }
}

/// The acknowledgement of `envelope_id`, with `payload` when there is one.
pub(super) fn ack(envelope_id: &str, payload: Option<Value>) -> String {
    let mut ack = Map::new();
    ack.insert("envelope_id".to_owned(), Value::from(envelope_id));
    if let Some(payload) = payload {
        ack.insert("payload".to_owned(), payload);
    }
    Value::Object(ack).to_string()
}

/// The acknowledgement of `envelope_id` with a payload already serialized as JSON (a
/// cached rendering), spliced in without parsing it again.
pub(super) fn ack_raw(envelope_id: &str, payload: &str) -> String {
    let id = Value::from(envelope_id).to_string();
    format!(r#"{{"envelope_id":{id},"payload":{payload}}}"#)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn envelope(frame: Value) -> Envelope {
        match parse(&frame.to_string()) {
            Ok(Inbound::Envelope(envelope)) => envelope,
            other => panic!("not an envelope: {other:?}"),
        }
    }

    #[test]
    fn hello_and_disconnect_are_read() {
        let hello = json!({
            "type": "hello",
            "num_connections": 2,
            "debug_info": {"host": "applink-1", "approximate_connection_time": 18060},
            "connection_info": {"app_id": "A1"}
        });
        assert_eq!(
            parse(&hello.to_string()),
            Ok(Inbound::Hello {
                num_connections: Some(2),
                approximate_connection_time: Some(18060)
            })
        );
        let disconnect = json!({"type": "disconnect", "reason": "refresh_requested",
            "debug_info": {"host": "applink-1"}});
        assert_eq!(
            parse(&disconnect.to_string()),
            Ok(Inbound::Disconnect {
                reason: "refresh_requested".into()
            })
        );
        assert_eq!(
            parse(r#"{"type":"disconnect"}"#),
            Ok(Inbound::Disconnect {
                reason: "unspecified".into()
            })
        );
    }

    #[test]
    fn a_slash_command_becomes_its_form_fields() {
        let e = envelope(json!({
            "type": "slash_commands",
            "envelope_id": "e-1",
            "accepts_response_payload": true,
            "payload": {
                "user_id": "U1", "text": "help", "command": "/virbela",
                "is_enterprise_install": false, "enterprise_id": null, "count": 3
            }
        }));
        assert_eq!(e.envelope_id, "e-1");
        assert!(e.accepts_response_payload);
        let Request::Command { fields } = e.request else {
            panic!("not a command");
        };
        assert_eq!(fields["user_id"], "U1");
        assert_eq!(fields["text"], "help");
        assert_eq!(fields["is_enterprise_install"], "false");
        assert_eq!(fields["count"], "3");
        assert!(!fields.contains_key("enterprise_id"), "null is left out");
    }

    #[test]
    fn an_event_carries_its_retry_attempt() {
        let e = envelope(json!({
            "type": "events_api",
            "envelope_id": "e-2",
            "accepts_response_payload": false,
            "retry_attempt": 1,
            "retry_reason": "timeout",
            "payload": {"type": "event_callback", "event_id": "Ev1"}
        }));
        assert!(!e.accepts_response_payload);
        assert_eq!(
            e.request,
            Request::Events {
                envelope: json!({"type": "event_callback", "event_id": "Ev1"}),
                retry: 1,
                retry_reason: Some("timeout".into()),
            }
        );
        let first = envelope(json!({"type": "events_api", "envelope_id": "e-3",
            "payload": {"type": "event_callback"}}));
        assert!(matches!(first.request, Request::Events { retry: 0, .. }));
        let stringly = envelope(json!({"type": "events_api", "envelope_id": "e-4",
            "retry_attempt": "2", "payload": {}}));
        assert!(matches!(stringly.request, Request::Events { retry: 2, .. }));
    }

    #[test]
    fn an_interaction_payload_is_passed_as_it_is() {
        let payload = json!({"type": "block_actions", "actions": [{"action_id": "a"}]});
        let e = envelope(json!({"type": "interactive", "envelope_id": "e-5",
            "payload": payload.clone()}));
        assert_eq!(
            e.request,
            Request::Interactive {
                payload: payload.clone()
            }
        );
        let as_text = envelope(json!({"type": "interactive", "envelope_id": "e-6",
            "payload": payload.to_string()}));
        assert_eq!(as_text.request, Request::Interactive { payload });
    }

    #[test]
    fn malformed_frames_say_what_is_wrong_and_keep_the_envelope_id() {
        assert_eq!(parse("not json"), Err(FrameError::NotAnObject));
        assert_eq!(parse("[1]"), Err(FrameError::NotAnObject));
        assert_eq!(parse(r#"{"envelope_id":"x"}"#), Err(FrameError::NoType));
        assert_eq!(
            parse(r#"{"type":"slash_commands","payload":{}}"#),
            Err(FrameError::NoEnvelopeId {
                kind: "slash_commands".into()
            })
        );
        let bad = parse(r#"{"type":"slash_commands","envelope_id":"e-7","payload":"text"}"#)
            .expect_err("a string payload");
        assert_eq!(bad.envelope_id(), Some("e-7"));
        let bad = parse(r#"{"type":"interactive","envelope_id":"e-8","payload":"{oops"}"#)
            .expect_err("not JSON");
        assert_eq!(bad.envelope_id(), Some("e-8"));
        let bad = parse(r#"{"type":"events_api","envelope_id":"e-9"}"#).expect_err("no payload");
        assert_eq!(bad.envelope_id(), Some("e-9"));
    }

    #[test]
    fn unknown_types_are_reported_with_their_envelope_id() {
        assert_eq!(
            parse(r#"{"type":"shiny_new_thing","envelope_id":"e-10"}"#),
            Ok(Inbound::Unknown {
                kind: "shiny_new_thing".into(),
                envelope_id: Some("e-10".into())
            })
        );
    }

    #[test]
    fn acks_name_the_envelope_and_carry_the_payload_when_there_is_one() {
        let bare: Value = serde_json::from_str(&ack("e-1", None)).expect("JSON");
        assert_eq!(bare, json!({"envelope_id": "e-1"}));
        let with: Value =
            serde_json::from_str(&ack("e-2", Some(json!({"text": "hi"})))).expect("JSON");
        assert_eq!(
            with,
            json!({"envelope_id": "e-2", "payload": {"text": "hi"}})
        );
        let raw: Value = serde_json::from_str(&ack_raw("e-\"3", r#"{"text":"hi"}"#)).expect("JSON");
        assert_eq!(
            raw,
            json!({"envelope_id": "e-\"3", "payload": {"text": "hi"}})
        );
    }
}
