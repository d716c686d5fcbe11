//! Member profiles: list (paged, streamed, ordered), one profile, update / unset.

use futures::{Stream, TryStreamExt, stream};
use reqwest::Method;

use super::request_json;
use crate::virbela::client::{Call, VirbelaClient};
use crate::virbela::domain::UserId;
use crate::virbela::error::VirbelaError;
use crate::virbela::models::profile::{OneProfile, UpdatedProfile};
use crate::virbela::models::{Envelope, MemberProfile, ProfileOrder, ProfilePage, ProfileUpdate};

impl VirbelaClient {
    /// One page of member profiles (`GET /MemberProfile?limit&offset&order`).
    pub async fn member_profiles_page(
        &self,
        limit: u32,
        offset: u64,
        order: Option<&ProfileOrder>,
    ) -> Result<ProfilePage, VirbelaError> {
        let mut call = Call::get("profiles.list", &["MemberProfile"])
            .query("limit", limit)
            .query("offset", offset);
        if let Some(order) = order {
            call = call.query("order", order.query_value());
        }
        Ok(self.call::<Envelope<ProfilePage>>(call).await?.data)
    }

    /// Every member profile, page by page, until the first empty page.
    pub fn member_profiles(
        &self,
        order: Option<ProfileOrder>,
    ) -> impl Stream<Item = Result<MemberProfile, VirbelaError>> + Send + 'static {
        let client = self.clone();
        let limit = self.options().directory_page_size;
        stream::try_unfold(Some(0u64), move |offset| {
            let client = client.clone();
            let order = order.clone();
            async move {
                let Some(offset) = offset else {
                    return Ok(None);
                };
                let page = client
                    .member_profiles_page(limit, offset, order.as_ref())
                    .await?;
                if page.member_profiles.is_empty() {
                    return Ok(None);
                }
                let next = offset + page.member_profiles.len() as u64;
                Ok(Some((
                    stream::iter(page.member_profiles.into_iter().map(Ok)),
                    Some(next),
                )))
            }
        })
        .try_flatten()
    }

    /// One member's profile (`GET /MemberProfile/{userId}`).
    pub async fn member_profile(&self, user_id: &UserId) -> Result<MemberProfile, VirbelaError> {
        let path = ["MemberProfile", user_id.as_str()];
        let call = Call::get("profiles.get", &path).not_found("this member profile");
        let mut profile = self
            .call::<Envelope<OneProfile>>(call)
            .await?
            .data
            .member_profile;
        profile.user_id.get_or_insert_with(|| user_id.clone());
        Ok(profile)
    }

    /// Sets and erases campus-defined fields (`PUT /MemberProfile/{userId}`); answers the
    /// updated profile. Fields must already exist for the campus.
    pub async fn update_member_profile(
        &self,
        user_id: &UserId,
        update: &ProfileUpdate,
    ) -> Result<MemberProfile, VirbelaError> {
        let path = ["MemberProfile", user_id.as_str()];
        let call = Call::send(Method::PUT, "profiles.update", &path, request_json(update))
            .not_found("this member profile");
        let mut profile = self
            .call::<Envelope<UpdatedProfile>>(call)
            .await?
            .data
            .updated_member_profile;
        profile.user_id.get_or_insert_with(|| user_id.clone());
        Ok(profile)
    }
}
