//! Turning failures into plain-language replies with the correlation id: Virbela errors
//! (with the credential-rotation hint on 401), store errors, approval refusals.

use super::Turn;
use crate::approvals::ApprovalError;
use crate::core::reply::Reply;
use crate::store::StoreError;
use crate::virbela::VirbelaError;

impl Turn<'_> {
    /// A Virbela call failed: what happened, in words, and how to quote it.
    pub fn virbela_failed(&self, doing: &str, error: &VirbelaError) -> Reply {
        tracing::warn!(
            error.kind = error.kind(),
            request_id = error.request_id(),
            "{doing} failed: {error}"
        );
        let reply = format!(
            "Could not {doing}. {}. (correlation id {})",
            capitalise(&error.to_string()),
            self.correlation_id
        );
        match error {
            VirbelaError::NotFound { .. } | VirbelaError::Invalid { .. } => Reply::refused(reply),
            _ => Reply::failed(reply),
        }
    }

    /// The bot's own store failed: nothing was done.
    pub fn store_failed(&self, error: &StoreError) -> Reply {
        tracing::error!(error = %error, "store failed");
        Reply::failed(format!(
            "The bot's store failed, so nothing was done: {error}. (correlation id {})",
            self.correlation_id
        ))
    }

    /// The approval engine refused or failed.
    pub fn approval_failed(&self, error: &ApprovalError) -> Reply {
        match error {
            ApprovalError::Store(e) => self.store_failed(e),
            other => Reply::refused(format!("{}.", capitalise(&other.to_string()))),
        }
    }
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
