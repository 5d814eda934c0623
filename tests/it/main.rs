//! One integration-test binary (one link for all tests): real PostgreSQL, the simulator over
//! real HTTP.

#![allow(
    clippy::disallowed_methods,
    reason = "the tests compare against the system clock of the daemons and the simulator"
)]

mod chat_sync;
mod chat_webhooks;
mod config;
mod daemon;
mod db_outage;
mod fence;
mod meeting_invitations_sync;
mod meetings_sync;
mod metrics;
mod oauth;
mod participants_sync;
mod phone_recordings_sync;
mod progress;
mod rate_budget;
mod recordings_sync;
mod registrants_sync;
mod replicas;
mod schema;
mod source_time;
mod support;
mod users_sync;
mod webhooks;
mod webhooks_apply;
mod write_back;
mod write_back_hardening;
mod zoom_client;
mod zoom_faults;
