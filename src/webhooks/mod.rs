//! Zoom's webhooks: each delivery checked before anything of it is read (`verify`), then stored
//! once however often Zoom delivers it (`receive`). Applying the stored events to the mirror
//! comes next (issue 13).

pub mod receive;
pub mod verify;

pub use receive::{Inbox, Received, Rejected};
pub use verify::{Refusal, Verifier};
