//! One integration-test binary (one link for all tests): real PostgreSQL, the simulator over
//! real HTTP.

mod config;
mod daemon;
mod db_outage;
mod fence;
mod meetings_sync;
mod recordings_sync;
mod registrants_sync;
mod schema;
mod support;
mod users_sync;
mod webhooks;
mod write_back;
mod write_back_hardening;
mod zoom_client;
mod zoom_faults;
