//! The Product API's pricing catalogue (campus definition) and the purchases made.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::sandbox::wire::iso_z;

/// A product of the pricing catalogue.
#[derive(Clone, Debug)]
pub(crate) struct Product {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
}

/// A pricing entry; its `id` is the `pricingId` of a purchase.
#[derive(Clone, Debug)]
pub(crate) struct Pricing {
    pub id: u64,
    pub name: String,
    pub amount: String,
    pub created_at: DateTime<Utc>,
    pub product: Product,
}

fn catalogue_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// The catalogue every sandbox campus sells: 1 "Office 20", 2 "Conference 50", 3 "Boardroom 12".
pub(crate) fn default_catalogue() -> Vec<Pricing> {
    [
        (1, 5, "Office 20", "Office with a maximum user count of 20"),
        (
            2,
            6,
            "Conference 50",
            "Conference room with a maximum user count of 50",
        ),
        (
            3,
            7,
            "Boardroom 12",
            "Boardroom with a maximum user count of 12",
        ),
    ]
    .into_iter()
    .map(|(id, product_id, name, description)| Pricing {
        id,
        name: "Standard".into(),
        amount: "$0.00".into(),
        created_at: catalogue_time("2021-08-13T02:45:13.248Z"),
        product: Product {
            id: product_id,
            name: name.into(),
            description: description.into(),
            created_at: catalogue_time("2021-08-13T02:36:11.392Z"),
        },
    })
    .collect()
}

/// A private space bought through the Product API.
#[derive(Clone, Debug)]
pub(crate) struct Purchase {
    pub id: u64,
    pub pricing_id: u64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub remote_id: String,
    pub created_at: DateTime<Utc>,
}

impl Purchase {
    /// The purchase object, shaped like the vendor sample.
    pub fn to_json(&self, pricing: &Pricing) -> Value {
        let product = &pricing.product;
        json!({
            "id": self.id,
            "purchaseType": 0,
            "remoteSystemSubscriptionId": self.remote_id,
            "status": 0,
            "details": "",
            "createdAt": iso_z(self.created_at),
            "updatedAt": iso_z(self.created_at),
            "price": {
                "id": pricing.id,
                "name": pricing.name,
                "status": 0,
                "amount": pricing.amount,
                "createdAt": iso_z(pricing.created_at),
                "updatedAt": iso_z(pricing.created_at),
                "product": {
                    "id": product.id,
                    "name": product.name,
                    "description": product.description,
                    "status": 0,
                    "type": 0,
                    "createdAt": iso_z(product.created_at),
                    "updatedAt": iso_z(product.created_at),
                }
            },
            "payments": []
        })
    }
}
