//! The grammar of DESIGN.md §2: one parser shared by every adapter, the command
//! declarations, and the help generated from them.
//!
//! It owns the words: tokenizing (quotes, Slack markup), the per-command syntax, the
//! date ranges people type, and "did you mean" suggestions. Adapters hand it the text as
//! typed; it answers a typed [`Command`] or a [`UsageError`] saying exactly what is
//! accepted. It does not resolve users or rooms, authorize, or call anything: a refused
//! text costs nothing.
//!
//! [`Command`]: crate::core::command::Command
//! [`UsageError`]: crate::core::command::UsageError

mod parse;
mod range;
mod spec;
mod suggest;
mod tokens;

#[cfg(test)]
mod tests;

pub use parse::parse;
pub use range::{DEFAULT_RANGE, MAX_DAYS, parse_range};
pub use spec::{ArgSpec, CommandSpec, RANGES_HELP, help_for, help_overview, spec, specs};
pub use suggest::closest;
pub use tokens::{MAX_INPUT_CHARS, unwrap_slack};
