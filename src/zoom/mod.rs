//! The Zoom API client: OAuth, rate limits, retries, pagination. It knows HTTP and Zoom, and
//! nothing of the database.

pub mod endpoint;
pub mod plan;
