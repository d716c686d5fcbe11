//! The Microsoft Teams adapter end to end: the outbound connector against a fake
//! connector and token service, and `/api/messages` with tokens from a local authority,
//! the seeded sandbox and a SQLite store. Nothing here reaches Microsoft.

mod approvals;
mod authority;
mod connector;
mod fake_connector;
mod forms;
mod inbound;
mod reports;
mod world;
