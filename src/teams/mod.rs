//! The Microsoft Teams adapter (Bot Framework protocol over axum + reqwest), being built
//! (issue 7). What exists so far:
//!
//! - [`auth`]: validation of the `Authorization: Bearer` JWT the Bot Framework connector
//!   sends with every inbound activity (OpenID metadata and JWKS cache, RS256, issuer,
//!   audience, lifetime with skew, `serviceurl`, `msteams` endorsement).
//!
//! Not yet: the `/api/messages` route (channel and tenant checks, body limit, activity
//! handling), the outbound connector client and app token, Adaptive Cards, the manifest.

pub mod auth;
