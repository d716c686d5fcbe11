//! The Virbela customer API: domain types, wire models, and the typed client (regions,
//! pagination, 90-day window splitting, retries, typed errors). No chat concepts live here.

mod campus;
mod client;
pub mod domain;
mod endpoints;
mod error;
pub mod models;
mod options;
mod region;
mod retry;

pub use campus::{Campus, Credentials, Endpoints};
pub use client::VirbelaClient;
pub use error::VirbelaError;
pub use options::ClientOptions;
pub use region::{Region, RegionError};
