//! The Zoom API client: OAuth, rate limits, retries, pagination. It knows HTTP and Zoom, and
//! nothing of the database.

mod auth;
pub mod classify;
mod client;
pub mod endpoint;
mod error;
pub mod limiter;
pub mod paginate;
pub mod plan;
pub mod retry;
mod users;

pub use client::{Call, ZoomClient, http_client, meeting_path_segment, path_segment};
pub use endpoint::Endpoint;
pub use error::ZoomError;
pub use plan::{Label, Plan};
pub use users::{User, UserPage, UserStatus};
