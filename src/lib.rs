//! zoom-mirror keeps a PostgreSQL mirror of a Zoom account. See ARCHITECTURE.md for the map.

pub mod backoff;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod oauth;
pub mod service;
pub mod sync;
pub mod telemetry;
pub mod webhooks;
pub mod write_back;
pub mod zoom;
