//! Zoom's webhooks: each delivery checked before anything of it is read (`verify`), then stored
//! once however often Zoom delivers it (`receive`), then applied to the mirror apart from the
//! delivery (`apply`, reading each payload with `event`).

pub mod apply;
pub mod event;
pub mod receive;
pub mod verify;

pub use apply::Applier;
pub use receive::{Inbox, Received, Rejected};
pub use verify::{Refusal, Verifier};
