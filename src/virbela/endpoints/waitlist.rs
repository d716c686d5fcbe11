//! Help-desk waitlist events (these endpoints need `V-Client-Name`).

use crate::virbela::client::{Call, VirbelaClient};
use crate::virbela::domain::DateRange;
use crate::virbela::error::VirbelaError;
use crate::virbela::models::{Envelope, WaitlistEvent, WaitlistPage};

impl VirbelaClient {
    /// One page of waitlist events of kind `E` (`Called`, `HelpDone`, `SupportEnd`).
    pub async fn waitlist_page<E: WaitlistEvent>(
        &self,
        range: &DateRange,
        sfs_room: Option<&str>,
        limit: u32,
        offset: u64,
    ) -> Result<WaitlistPage<E>, VirbelaError> {
        let (start, stop) = range.query_bounds();
        let mut call = Call::get(E::ENDPOINT, &["Activity", "Waitlist", E::PATH])
            .query("start", start)
            .query("stop", stop)
            .query("limit", limit)
            .query("offset", offset);
        if let Some(room) = sfs_room {
            call = call.query("sfsRoom", room);
        }
        call.send_client_name = true;
        Ok(self.call::<Envelope<WaitlistPage<E>>>(call).await?.data)
    }

    /// Every waitlist event of kind `E` in the range, paging until a short page.
    pub async fn waitlist_events<E: WaitlistEvent>(
        &self,
        range: &DateRange,
        sfs_room: Option<&str>,
    ) -> Result<Vec<E>, VirbelaError> {
        let limit = self.options().attendance_page_size;
        let mut all = Vec::new();
        loop {
            let page = self
                .waitlist_page::<E>(range, sfs_room, limit, all.len() as u64)
                .await?;
            let got = page.results.len();
            all.extend(page.results);
            if got < limit as usize {
                return Ok(all);
            }
        }
    }
}
