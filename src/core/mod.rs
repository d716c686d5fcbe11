//! The command core: platform-neutral. It turns words into typed commands (`grammar`),
//! resolves users, rooms and ranges, authorizes and applies the approval policy, runs
//! commands against Virbela, and answers with a [`Reply`]. It knows nothing of Slack,
//! Teams or terminals; adapters translate requests in and replies out.

pub mod background;
pub mod bot;
pub mod command;
mod execute;
pub mod forms;
pub mod grammar;
pub mod notices;
pub mod reply;
mod role_cache;

pub use background::Background;
pub use bot::{Bot, BotParts, Caller, Job, Prepared};
pub use command::{
    ApprovalsCommand, Command, CommandId, InviteArgs, ParseContext, RolesCommand, UsageError,
    UserRef,
};
pub use notices::{ApprovalEvent, ApprovalNotifier, CardSource, Change};
pub use reply::{Attachment, ButtonStyle, Field, Reply, ReplyAction, Status, Table, Visibility};
pub use role_cache::ROLE_CACHE_TTL;
