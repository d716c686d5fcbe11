//! Private spaces: the Product API's purchase (`POST {ProductAPIURL}/api/purchase`).

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::virbela::domain::{Email, Lenient};

/// A private space to create for a subscriber. `pricingId` names the room type (e.g.
/// Office 20) and is specific to the campus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceOrder {
    /// Always 0.
    purchase_type: u8,
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub pricing_id: u64,
}

impl SpaceOrder {
    pub fn new(email: Email, first_name: String, last_name: String, pricing_id: u64) -> Self {
        SpaceOrder {
            purchase_type: 0,
            email,
            first_name,
            last_name,
            pricing_id,
        }
    }
}

/// The purchase object Virbela answers with (bare, no envelope).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Purchase {
    pub id: Lenient<u64>,
    #[serde(default)]
    pub purchase_type: Option<Lenient<u64>>,
    #[serde(default)]
    pub remote_system_subscription_id: Option<String>,
    #[serde(default)]
    pub status: Option<Lenient<i64>>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub price: Option<Price>,
    #[serde(default)]
    pub payments: Vec<serde_json::Value>,
    #[serde(flatten)]
    pub extra: IndexMap<String, serde_json::Value>,
}

/// The price entry of a purchase (the vendor notes it does not reflect what was paid).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    #[serde(default)]
    pub id: Option<Lenient<u64>>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub status: Option<Lenient<i64>>,
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub product: Option<Product>,
}

/// The room type bought.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    #[serde(default)]
    pub id: Option<Lenient<u64>>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<Lenient<i64>>,
    #[serde(rename = "type", default)]
    pub kind: Option<Lenient<i64>>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}
