//! Member profiles: campus-defined fields kept in order beside the known ones.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::virbela::domain::UserId;

/// A member profile. `email`, names, `updatedAt` and `userId` are typed; every field
/// the campus defined (`Department`, `eNPS`, …) is kept in `fields`, in the order sent.
/// Blank fields are not sent by Virbela, so they are simply absent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberProfile {
    #[serde(rename = "userId", default)]
    pub user_id: Option<UserId>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub firstname: Option<String>,
    #[serde(default)]
    pub lastname: Option<String>,
    #[serde(rename = "updatedAt", default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    pub fields: IndexMap<String, serde_json::Value>,
}

impl MemberProfile {
    /// A campus field as text (numbers printed as sent).
    pub fn field_text(&self, name: &str) -> Option<String> {
        self.fields.get(name).map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }
}

/// One page of `GET /MemberProfile`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilePage {
    #[serde(default)]
    pub member_profiles: Vec<MemberProfile>,
    #[serde(default)]
    pub count: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OneProfile {
    pub member_profile: MemberProfile,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdatedProfile {
    pub updated_member_profile: MemberProfile,
}

/// Sort order of `GET /MemberProfile`: a field, ascending or descending (`-updatedAt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileOrder {
    pub field: String,
    pub descending: bool,
}

impl ProfileOrder {
    /// Most recently updated first.
    pub fn newest_first() -> Self {
        ProfileOrder {
            field: "updatedAt".into(),
            descending: true,
        }
    }

    pub fn query_value(&self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.field)
    }
}

/// `PUT /MemberProfile/{userId}`: fields to set and fields to erase. Every field must
/// already be defined for the campus (fields are created in the dashboard only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProfileUpdate {
    pub update: IndexMap<String, serde_json::Value>,
    pub unset: Vec<String>,
}

impl ProfileUpdate {
    pub fn is_empty(&self) -> bool {
        self.update.is_empty() && self.unset.is_empty()
    }
}
