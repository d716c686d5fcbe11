//! Domain types made once at the edge and trusted inside: team ids, permissions,
//! invitation e-mail options, e-mail addresses, path ids, date ranges, lenient numbers.

mod date_range;
mod email;
mod ids;
mod invitation_email;
mod lenient;
mod permission;
mod team_id;

pub use date_range::{DateRange, DateRangeError, MAX_ATTENDANCE_WINDOW};
pub use email::{Email, EmailError};
pub use ids::{IdError, RoomId, UserId, VolumeId};
pub use invitation_email::{InvitationEmail, InvitationEmailError};
pub use lenient::{Lenient, LenientNumber};
pub use permission::{Permission, PermissionError, UserRole};
pub use team_id::{TEAM_COUNT, TeamId, TeamIdError};
