//! The console adapter end to end: the `virbela-bot` binary's `demo --script` (the
//! transcript, `:as` switching, `# expect:` checks, the temp store cleaned up) and `run`
//! (exit codes, attachments) against a sandbox spawned here.

mod demo;
mod harness;
mod run;
