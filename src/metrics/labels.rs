//! The label sets of the families: small `Copy`-able structs of `&'static str` (and the
//! matched route, an `Arc` clone), so recording allocates nothing. No label ever holds a
//! raw path, an id, a user, an e-mail or a secret.

use axum::extract::MatchedPath;
use axum::http::Method;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};

/// The label value for requests no route matched (404s): never the raw path, whose
/// values are unbounded and whose query may carry a signature.
pub const UNMATCHED: &str = "unmatched";

/// The route template a request matched (axum's `MatchedPath`, e.g. `/files/{id}`), or
/// [`UNMATCHED`]. Cloning it clones an `Arc`. Compared and hashed as its text, so a
/// [`Route::Known`] made up front is the same label set as the request's match.
#[derive(Debug, Clone)]
pub enum Route {
    Matched(MatchedPath),
    /// A route template known at compile time (to create its series up front).
    Known(&'static str),
    Unmatched,
}

impl Route {
    pub fn as_str(&self) -> &str {
        match self {
            Route::Matched(path) => path.as_str(),
            Route::Known(path) => path,
            Route::Unmatched => UNMATCHED,
        }
    }

    /// Whether this is one of the Slack endpoints, whose ack must stay fast.
    pub fn is_slack(&self) -> bool {
        self.as_str().starts_with("/slack/")
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Route {}

impl std::hash::Hash for Route {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

/// An HTTP method as a fixed word (`other` for extension methods).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "other",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: Route,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: Route,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct VirbelaLabels {
    pub endpoint: &'static str,
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct EndpointLabels {
    pub endpoint: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct PlatformLabels {
    pub platform: &'static str,
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct PlatformErrorLabels {
    pub platform: &'static str,
    pub kind: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct StateLabels {
    pub state: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EncodeLabelSet)]
pub struct VersionLabels {
    pub version: &'static str,
}
