//! One WebSocket connection to Slack, from the handshake to the close.
//!
//! A [`Link`] reads frames and hands each envelope to its own task (so a slow handler
//! cannot hold up the others); each task sends its ack as soon as its handler returns
//! (acks go out in the order handlers finish). It pings Slack every `ping_every` and
//! gives the connection up when nothing at all (frame, ping or pong) came for
//! `dead_after`; Slack's own pings are answered by tungstenite while reading. It reports
//! `hello` and `disconnect` to the supervisor ([`super::SocketMode`]) and obeys its
//! [`Control`]: `Retire` (a replacement is connected: keep serving for `retire_after`,
//! then close) and `Stop` (shutdown). Closing stops reading, waits up to `drain_grace`
//! for handlers in flight and sends their acks, then completes the close handshake.

use std::time::Duration;

use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use url::Url;

use super::SocketOptions;
use super::dispatch;
use super::frames::{self, Inbound};
use crate::slack::app::SlackState;

/// A connected WebSocket.
pub(super) type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Sink = SplitSink<Ws, Message>;
type Stream = SplitStream<Ws>;

/// Envelopes handled at once on one connection; reading pauses beyond that.
const MAX_IN_FLIGHT: usize = 256;
/// Largest frame or message accepted (Slack's envelopes are far smaller).
const MAX_MESSAGE: usize = 4 << 20;
/// How long the close handshake may take.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// What the supervisor wants of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Control {
    Serve,
    /// A replacement is up: serve `retire_after` longer, then close.
    Retire,
    /// Shutting down: close now.
    Stop,
}

/// What a link tells the supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Event {
    /// Slack said `hello`: the connection works.
    Hello,
    /// Slack announced it will close this connection.
    Disconnect(String),
}

/// Why a link ended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum End {
    #[error("retired after its replacement came up")]
    Retired,
    #[error("stopped")]
    Stopped,
    #[error("closed by Slack ({0})")]
    Closed(String),
    #[error("no frame from Slack for {0:?}: the link is dead")]
    Dead(Duration),
    #[error("{0}")]
    Failed(String),
}

/// Opens the WebSocket at `url` within `timeout`. Errors never contain the URL's query.
pub(super) async fn connect(url: &Url, timeout: Duration) -> Result<Ws, String> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let scrub = |message: String| match url.query() {
        Some(query) if !query.is_empty() => message.replace(query, "[redacted]"),
        _ => message,
    };
    match tokio::time::timeout(
        timeout,
        tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), true),
    )
    .await
    {
        Ok(Ok((ws, _response))) => Ok(ws),
        Ok(Err(e)) => Err(scrub(format!("WebSocket handshake failed: {e}"))),
        Err(_) => Err(format!("WebSocket handshake took longer than {timeout:?}")),
    }
}

/// One connection and what it needs.
pub(super) struct Link {
    pub id: u64,
    pub state: SlackState,
    pub options: SocketOptions,
    pub events: mpsc::UnboundedSender<(u64, Event)>,
    pub control: watch::Receiver<Control>,
}

impl Link {
    /// Serves the connection until it ends, then closes it; says why it ended.
    pub async fn run(mut self, ws: Ws) -> End {
        let (mut sink, mut stream) = ws.split();
        let (acks_tx, mut acks) = mpsc::unbounded_channel::<String>();
        let mut handlers = JoinSet::new();
        let every = self.options.ping_every;
        let mut ping = tokio::time::interval_at(Instant::now() + every, every);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_frame = Instant::now();
        let mut retire_at: Option<Instant> = None;
        let mut close_reason: Option<String> = None;

        let end = loop {
            let retire = async {
                match retire_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                changed = self.control.changed() => {
                    let control = match changed {
                        Ok(()) => *self.control.borrow_and_update(),
                        Err(_) => Control::Stop,
                    };
                    match control {
                        Control::Serve => {}
                        Control::Retire => {
                            retire_at.get_or_insert(Instant::now() + self.options.retire_after);
                        }
                        Control::Stop => break End::Stopped,
                    }
                }
                () = retire => break End::Retired,
                Some(ack) = acks.recv() => {
                    if let Err(e) = self.send(&mut sink, Message::text(ack)).await {
                        break End::Failed(e);
                    }
                }
                Some(done) = handlers.join_next() => {
                    if let Err(e) = done {
                        tracing::error!(
                            link = self.id,
                            error = %e,
                            "a Socket Mode handler panicked; its envelope is not acknowledged"
                        );
                    }
                }
                frame = stream.next(), if handlers.len() < MAX_IN_FLIGHT => {
                    last_frame = Instant::now();
                    match frame {
                        None => {
                            let reason = close_reason.take();
                            break End::Closed(reason.unwrap_or_else(|| "connection ended".into()));
                        }
                        Some(Err(e)) => break End::Failed(format!("WebSocket error: {e}")),
                        Some(Ok(Message::Text(text))) => {
                            self.on_text(text.as_str(), &mut handlers, &acks_tx);
                        }
                        Some(Ok(Message::Close(frame))) => {
                            // tungstenite answers the close; the stream ends next.
                            close_reason = Some(match frame {
                                Some(f) if f.reason.is_empty() => format!("code {}", f.code),
                                Some(f) => format!("code {}: {}", f.code, f.reason),
                                None => "no close code".into(),
                            });
                        }
                        Some(Ok(Message::Binary(bytes))) => {
                            let len = bytes.len();
                            tracing::warn!(link = self.id, len, "binary frame from Slack ignored");
                        }
                        Some(Ok(_)) => {} // ping (answered by tungstenite), pong
                    }
                }
                _ = ping.tick() => {
                    let quiet = last_frame.elapsed();
                    if quiet >= self.options.dead_after {
                        break End::Dead(quiet);
                    }
                    if let Err(e) = self.send(&mut sink, Message::Ping(Bytes::new())).await {
                        break End::Failed(e);
                    }
                }
            }
        };

        match end {
            End::Retired | End::Stopped => {
                self.drain(&mut sink, &mut handlers, &mut acks).await;
                self.close(&mut sink, &mut stream).await;
            }
            _ => {
                // The link is gone: acks cannot be sent (Slack redelivers those
                // envelopes), but the handlers run to completion.
                if !handlers.is_empty() {
                    tracing::warn!(
                        link = self.id,
                        in_flight = handlers.len(),
                        "envelopes in flight when the link broke will not be acknowledged"
                    );
                }
                handlers.detach_all();
            }
        }
        end
    }

    /// Reads one text frame: reports `hello` / `disconnect`, starts a handler for an
    /// envelope, acknowledges what it cannot handle.
    fn on_text(
        &self,
        text: &str,
        handlers: &mut JoinSet<()>,
        acks: &mpsc::UnboundedSender<String>,
    ) {
        match frames::parse(text) {
            Ok(Inbound::Hello {
                num_connections,
                approximate_connection_time,
            }) => {
                tracing::info!(
                    link = self.id,
                    num_connections,
                    approximate_connection_time_secs = approximate_connection_time,
                    "Slack Socket Mode ready (hello)"
                );
                let _ = self.events.send((self.id, Event::Hello));
            }
            Ok(Inbound::Disconnect { reason }) => {
                tracing::info!(link = self.id, %reason, "Slack asks to reconnect (disconnect)");
                let _ = self.events.send((self.id, Event::Disconnect(reason)));
            }
            Ok(Inbound::Envelope(envelope)) => {
                tracing::debug!(
                    link = self.id,
                    envelope_id = %envelope.envelope_id,
                    kind = envelope.request.kind(),
                    "envelope received"
                );
                let state = self.state.clone();
                let acks = acks.clone();
                handlers.spawn(async move {
                    if let Some(ack) = dispatch::handle(&state, envelope).await {
                        let _ = acks.send(ack);
                    }
                });
            }
            Ok(Inbound::Unknown { kind, envelope_id }) => {
                tracing::debug!(link = self.id, %kind, "Socket Mode frame type not handled");
                if let Some(id) = envelope_id {
                    let _ = acks.send(frames::ack(&id, None));
                }
            }
            Err(e) => {
                tracing::warn!(link = self.id, error = %e, "unreadable Socket Mode frame");
                if let Some(id) = e.envelope_id() {
                    let _ = acks.send(frames::ack(id, None));
                }
            }
        }
    }

    /// Sends one message, giving up after `dead_after` (a peer that stopped reading).
    async fn send(&self, sink: &mut Sink, message: Message) -> Result<(), String> {
        match tokio::time::timeout(self.options.dead_after, sink.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("cannot send to Slack: {e}")),
            Err(_) => Err(format!(
                "Slack has not taken a frame for {:?}",
                self.options.dead_after
            )),
        }
    }

    /// Waits up to `drain_grace` for the handlers in flight, sending their acks.
    async fn drain(
        &self,
        sink: &mut Sink,
        handlers: &mut JoinSet<()>,
        acks: &mut mpsc::UnboundedReceiver<String>,
    ) {
        let deadline = Instant::now() + self.options.drain_grace;
        loop {
            while let Ok(ack) = acks.try_recv() {
                if self.send(sink, Message::text(ack)).await.is_err() {
                    handlers.detach_all();
                    return;
                }
            }
            if handlers.is_empty() {
                return;
            }
            match tokio::time::timeout_at(deadline, handlers.join_next()).await {
                Ok(_) => {}
                Err(_) => {
                    tracing::warn!(
                        link = self.id,
                        in_flight = handlers.len(),
                        "handlers still running at close are not acknowledged"
                    );
                    handlers.detach_all();
                    return;
                }
            }
        }
    }

    /// Sends a normal close and waits (briefly) for Slack's.
    async fn close(&self, sink: &mut Sink, stream: &mut Stream) {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        if self.send(sink, Message::Close(Some(frame))).await.is_err() {
            return;
        }
        let _ = tokio::time::timeout(CLOSE_WAIT, async {
            while let Some(Ok(_)) = stream.next().await {}
        })
        .await;
        tracing::debug!(link = self.id, "Socket Mode connection closed");
    }
}
