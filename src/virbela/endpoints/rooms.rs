//! Rooms of the campus.

use crate::virbela::client::{Call, VirbelaClient};
use crate::virbela::error::VirbelaError;
use crate::virbela::models::{Room, RoomList};

impl VirbelaClient {
    /// Every room of the campus (`GET /Rooms/World/{clientName}`).
    pub async fn rooms(&self) -> Result<Vec<Room>, VirbelaError> {
        let path = ["Rooms", "World", self.campus().credentials.client_name()];
        let call = Call::get("rooms.list", &path).not_found("this campus client name");
        Ok(self.call::<RoomList>(call).await?.data)
    }
}
