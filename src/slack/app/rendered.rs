//! A small cache of rendered immediate answers (help, usage errors, refusals): the same
//! reply is rendered to Block Kit JSON once, then served as bytes. Bounded; it starts
//! over when full. Only answers made by `Bot::prepare` go through it, and those carry no
//! per-request data.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use axum::body::Bytes;

use crate::core::Reply;
use crate::slack::blocks;

/// Distinct answers kept before starting over.
const MAX_ENTRIES: usize = 512;

#[derive(Debug, Default)]
pub(crate) struct RenderedAnswers {
    entries: Mutex<HashMap<u64, Bytes>>,
}

impl RenderedAnswers {
    /// The ack body of `reply`, rendered once.
    pub fn get_or_render(&self, reply: &Reply) -> Bytes {
        let mut hasher = DefaultHasher::new();
        reply.hash(&mut hasher);
        let key = hasher.finish();
        if let Some(bytes) = self.entries.lock().ok().and_then(|e| e.get(&key).cloned()) {
            return bytes;
        }
        let json = blocks::message(reply).to_response_json();
        let bytes = Bytes::from(serde_json::to_vec(&json).unwrap_or_default());
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key, bytes.clone());
        }
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_reply_is_served_from_the_cache_and_equals_a_fresh_rendering() {
        let cache = RenderedAnswers::default();
        let reply = Reply::usage("Unknown command `inivte`. Did you mean `invite`?");
        let first = cache.get_or_render(&reply);
        let second = cache.get_or_render(&reply);
        assert_eq!(first, second);
        let fresh = serde_json::to_vec(&blocks::message(&reply).to_response_json()).expect("json");
        assert_eq!(first.as_ref(), fresh.as_slice());
        let other = cache.get_or_render(&Reply::usage("something else"));
        assert_ne!(first, other);
        assert_eq!(cache.entries.lock().expect("lock").len(), 2);
    }
}
