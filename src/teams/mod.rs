//! The Microsoft Teams adapter: the Bot Framework protocol over axum + reqwest
//! (no Rust SDK exists and the official ones are retired; the wire protocol is stable).
//!
//! - [`auth`]: validation of the `Authorization: Bearer` JWT the Bot Framework connector
//!   sends with every inbound activity (OpenID metadata and JWKS cache, RS256, issuer,
//!   audience, lifetime with skew, `serviceurl`, `msteams` endorsement).
//! - [`connector`]: the outbound connector client and the bot's app token.
//! - [`cards`]: Adaptive Cards 1.5 for replies, forms and approvals.
//! - [`activity`]: the inbound activity, typed, with the command text and the caller.
//! - [`http`]: `POST /api/messages` and its gate (body limit, token, channel, tenant,
//!   connector host).
//! - [`app`]: what each activity does (messages, invokes, installation, references,
//!   the outbox that renders and sends replies).
//! - [`approvals`]: approval cards in `TEAMS_APPROVALS_CONVERSATION`, requesters told 1:1.
//! - [`reports`]: scheduled reports posted to Teams conversations.
//! - [`package`]: the installable app package (`virbela-bot teams package`).

pub mod activity;
pub mod app;
pub mod approvals;
pub mod auth;
pub mod cards;
pub mod connector;
pub mod http;
pub mod package;
pub mod reports;
