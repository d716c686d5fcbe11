//! Private spaces, through the Product API.

use reqwest::Method;

use super::request_json;
use crate::virbela::client::{Api, Call, VirbelaClient};
use crate::virbela::error::VirbelaError;
use crate::virbela::models::{Purchase, SpaceOrder};

impl VirbelaClient {
    /// Creates a private space (`POST {ProductAPIURL}/api/purchase`). Never retried except on 429.
    pub async fn create_space(&self, order: &SpaceOrder) -> Result<Purchase, VirbelaError> {
        let mut call = Call::send(
            Method::POST,
            "spaces.create",
            &["api", "purchase"],
            request_json(order),
        );
        call.api = Api::Product;
        self.call(call).await
    }
}
