//! The approval engine: sensitive actions wait as requests until enough approvers agree,
//! then exactly one caller executes them and records the result.
//!
//! Every rule is enforced in the store, not only here: votes are unique rows that can
//! never be the requester's, written only while the request is pending and unexpired;
//! each transition is a conditional `UPDATE … WHERE state = <expected>`, so racing
//! replicas and double clicks find exactly one winner; and every transition appends an
//! audit event in the same transaction. Votes lock the request (Postgres `FOR UPDATE`;
//! SQLite `BEGIN IMMEDIATE`) so the voter's role, the vote and the threshold are decided
//! together.

mod clock;
mod engine;
mod error;
mod settings;
mod state;
mod vote;

pub use clock::Clock;
pub use engine::{Approvals, NewRequest, Outcome, Sweep, VoteOutcome};
pub use error::{ApprovalError, describe};
pub use settings::{ApprovalSettings, SettingsError};
pub use state::{ApprovalState, Decision, StateError};

pub use crate::store::approval_messages::ApprovalMessage;
pub use crate::store::approval_requests::ApprovalRequest;
pub use crate::store::approval_votes::Vote;
