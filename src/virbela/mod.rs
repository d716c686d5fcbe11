//! The Virbela customer API: domain types, wire models, and the typed client.
//! No chat concepts live here.

pub mod domain;
mod region;

pub use region::{Region, RegionError};
