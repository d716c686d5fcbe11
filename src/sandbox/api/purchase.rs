//! The Product API: `POST /api/purchase` creates a private space (resellers). Same
//! credentials; all five fields required; the answer is the bare purchase object.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::Value;

use crate::sandbox::errors::{ApiError, JsonBody};
use crate::sandbox::state::{Campus, Purchase, Shared, random_id};
use crate::sandbox::wire::{kind, object, req_str};
use crate::virbela::domain::Email;

fn catalogue_list(campus: &Campus) -> String {
    campus
        .catalogue
        .iter()
        .map(|p| format!("{} ({})", p.id, p.product.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn purchase_in(campus: &mut Campus, body: &Value) -> Result<Value, ApiError> {
    let obj = object(body)?;
    match obj.get("purchaseType") {
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request(
                "`purchaseType` is required and must be 0.",
            ));
        }
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`purchaseType` must be the number 0; got {other}."
            )));
        }
    }
    let email = req_str(obj, "email")?
        .parse::<Email>()
        .map_err(|e| ApiError::bad_request(format!("Invalid `email`: {e}.")))?;
    let first_name = req_str(obj, "firstName")?.to_string();
    let last_name = req_str(obj, "lastName")?.to_string();
    let pricing_id = match obj.get("pricingId") {
        None | Some(Value::Null) => {
            return Err(ApiError::bad_request(format!(
                "`pricingId` is required: one of {}.",
                catalogue_list(campus)
            )));
        }
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
            ApiError::bad_request(format!(
                "`pricingId` must be a whole number: one of {}; got {n}.",
                catalogue_list(campus)
            ))
        })?,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "`pricingId` must be a number: one of {}; got {}.",
                catalogue_list(campus),
                kind(other)
            )));
        }
    };
    let pricing = campus.pricing(pricing_id).cloned().ok_or_else(|| {
        ApiError::bad_request(format!(
            "`pricingId` {pricing_id} is not in this campus's catalogue: use one of {}.",
            catalogue_list(campus)
        ))
    })?;
    let purchase = Purchase {
        id: campus.data.purchases.last().map_or(1, |p| p.id + 1),
        pricing_id,
        email: email.as_str().to_string(),
        first_name,
        last_name,
        remote_id: format!("sub_{}", random_id(&mut campus.rng, 14)),
        created_at: Utc::now(),
    };
    let answer = purchase.to_json(&pricing);
    campus.data.purchases.push(purchase);
    Ok(answer)
}

/// `POST /api/purchase`.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let answer = purchase_in(&mut shared.campus_mut(), &body)?;
    Ok(Json(answer).into_response())
}

#[cfg(test)]
mod tests;
