//! Integration tests of the Virbela client against the sandbox on an ephemeral port,
//! one module per capability, plus the vendor's sample answers.

mod attendance;
mod cli;
mod directory;
mod failures;
mod helpers;
mod rooms_spaces_waitlist;
mod secrets;
mod vendor_samples;
