//! Wire models: the JSON the Virbela API sends and accepts, decoded tolerantly (unknown
//! fields kept, numbers from strings) into typed values.

pub mod attendance;
pub mod envelope;
pub mod profile;
pub mod purchase;
pub mod room;
pub mod user;
pub mod waitlist;

pub use attendance::{AttendanceTarget, Session};
pub use envelope::{ActionOutcome, Envelope, ErrorBody};
pub use profile::{MemberProfile, ProfileOrder, ProfilePage, ProfileUpdate};
pub use purchase::{Price, Product, Purchase, SpaceOrder};
pub use room::{HardUserLimitOptions, Room, RoomList};
pub use user::{
    DeleteTarget, Hardware, Invitation, InvitationResult, InvitationStatus, Invited, SuspendTarget,
    User,
};
pub use waitlist::{Called, HelpDone, SupportEnd, WaitlistEvent, WaitlistPage};
