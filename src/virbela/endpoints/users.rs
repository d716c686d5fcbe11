//! Users: list (paged, streamed), one user, invite, suspend, delete.

use futures::{Stream, TryStreamExt, stream};
use reqwest::Method;

use super::request_json;
use crate::virbela::client::{Call, VirbelaClient};
use crate::virbela::domain::UserId;
use crate::virbela::error::VirbelaError;
use crate::virbela::models::{
    ActionOutcome, DeleteTarget, Envelope, Invitation, InvitationResult, Invited, SuspendTarget,
    User,
};

impl VirbelaClient {
    /// One page of accepted users (`GET /User?limit&skip`), in Virbela's stable order.
    pub async fn users_page(&self, limit: u32, skip: u64) -> Result<Vec<User>, VirbelaError> {
        let call = Call::get("users.list", &["User"])
            .query("limit", limit)
            .query("skip", skip);
        Ok(self.call::<Envelope<Vec<User>>>(call).await?.data)
    }

    /// Every accepted user, page by page, until the first empty page. Pending invitations
    /// are not listed by Virbela (see the invitation ledger for those).
    pub fn users(&self) -> impl Stream<Item = Result<User, VirbelaError>> + Send + 'static {
        let client = self.clone();
        let limit = self.options().directory_page_size;
        stream::try_unfold(Some(0u64), move |skip| {
            let client = client.clone();
            async move {
                let Some(skip) = skip else { return Ok(None) };
                let page = client.users_page(limit, skip).await?;
                if page.is_empty() {
                    return Ok(None);
                }
                let next = skip + page.len() as u64;
                Ok(Some((stream::iter(page.into_iter().map(Ok)), Some(next))))
            }
        })
        .try_flatten()
    }

    /// One user (`GET /User/{userId}`; Virbela answers an array of one).
    pub async fn user(&self, user_id: &UserId) -> Result<User, VirbelaError> {
        let path = ["User", user_id.as_str()];
        let call = Call::get("users.get", &path).not_found("this user");
        let envelope = self.call::<Envelope<Vec<User>>>(call).await?;
        envelope
            .data
            .into_iter()
            .next()
            .ok_or_else(|| VirbelaError::NotFound {
                what: "this user",
                detail: format!("no user with id {user_id}"),
                request_id: envelope.request_id,
            })
    }

    /// Creates or updates one user (`POST /User/Invitation`). Never retried except on 429.
    pub async fn invite(&self, invitation: &Invitation) -> Result<Invited, VirbelaError> {
        let call = Call::send(
            Method::POST,
            "users.invite",
            &["User", "Invitation"],
            request_json(invitation),
        );
        let envelope = self.call::<Envelope<InvitationResult>>(call).await?;
        Ok(Invited {
            result: envelope.data,
            request_id: envelope.request_id,
        })
    }

    /// Suspends a member (reversible: a later invitation with a permission restores them).
    pub async fn suspend(&self, target: &SuspendTarget) -> Result<ActionOutcome, VirbelaError> {
        let call = Call::send(
            Method::POST,
            "users.suspend",
            &["User", "Membership", "suspend"],
            request_json(target),
        )
        .not_found("this user");
        self.call(call).await
    }

    /// Deletes a member from the campus (irreversible; Virbela needs both id and e-mail).
    pub async fn delete_member(
        &self,
        target: &DeleteTarget,
    ) -> Result<ActionOutcome, VirbelaError> {
        let call = Call::send(
            Method::POST,
            "users.delete",
            &["User", "Membership", "deleteMember"],
            request_json(target),
        )
        .not_found("this user");
        self.call(call).await
    }
}
