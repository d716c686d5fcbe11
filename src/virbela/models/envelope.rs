//! The answer envelopes: `{"responseCode","title","detail","data","requestId"}` and the
//! error body of every endpoint.

use serde::Deserialize;

/// The success envelope of most endpoints.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    #[serde(default)]
    pub response_code: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    pub data: T,
    #[serde(default)]
    pub request_id: Option<String>,
}

/// An envelope without data (suspend, delete): what Virbela said about the action.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionOutcome {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
}

/// The error body (`responseCode: "error"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(default)]
    pub response_code: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    /// Some gateways answer `{"message": …}` instead.
    #[serde(default)]
    pub message: Option<String>,
}

impl ErrorBody {
    /// The most specific explanation the body gives.
    pub fn explanation(&self) -> Option<String> {
        self.detail
            .clone()
            .or_else(|| self.message.clone())
            .or_else(|| self.title.clone())
    }
}
