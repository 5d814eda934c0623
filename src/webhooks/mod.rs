//! Zoom's webhooks: deliveries checked before anything of them is read (`verify`). Storing and
//! applying events, and the listener that receives them, come next (issue 13).

pub mod verify;

pub use verify::{Refusal, Verifier};
