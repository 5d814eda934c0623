//! The Zoom simulator: an HTTP server that behaves like Zoom for everything the client uses
//! (`docs/zoom-behaviour.md` lists those behaviours and where each is reproduced), for tests,
//! benchmarks and the demo. It is its own crate so that the daemon cannot call it: zoom-mirror
//! takes it only as a dev-dependency.
//!
//! Folders by role, and imports that flow one way, from `routes/` to `rules/` to `model/`:
//! - `model/`: what the account holds (users, one [`SimSession`] for meetings and webinars,
//!   registrants, recordings, the indexed `Entities`) and Zoom's JSON shapes for it;
//! - `rules/`: what Zoom checks and how it answers, apart from any endpoint (tokens and scopes,
//!   rate and daily limits, page tokens, faults, bodies and paths, errors);
//! - `routes/`: the endpoints, one file per API area (users, sessions, registrants,
//!   recordings, OAuth); each is a `gate::Api`, which runs the gate (faults, token, scope, rate
//!   limits) and then the area's answer;
//! - `generate/`: the seeded account, the same for the same [`AccountSpec`].
//!
//! `state::SimState` holds everything behind one lock; tests drive and inspect it through a
//! [`SimHandle`]; `server` routes the requests and `cli` is the binary's command line.

pub mod cli;
mod generate;
mod handle;
mod model;
mod routes;
mod rules;
mod server;
mod state;
mod stats;

#[cfg(test)]
mod tests;

use std::time::Duration;

use zoom_api::plan::Plan;

pub use generate::spec::{AccountSpec, BusyHosts};
pub use handle::SimHandle;
pub use model::entities::{AccountSummary, RegistrantCounts};
pub use model::recording::{SimRecording, SimRecordingFile};
pub use model::registrant::{RegistrantStatus, SimRegistrant};
pub use model::session::{MeetingListType, SimInstance, SimMeeting, SimSession, SimWebinar};
pub use model::user::{SimUser, UserStatus};
pub use rules::faults::{Fault, FaultKind, TokenAnswer};
pub use server::{RunningSimulator, Simulator};
pub use stats::{LabelStats, SimStats};
pub use zoom_api::SessionKind;

/// Everything a simulator is started with. Later changes go through [`SimHandle`].
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// The generated account; the same spec always yields the same users.
    pub account: AccountSpec,
    /// Sets the per-label window limits and the daily caps that are enforced.
    pub plan: Plan,
    pub credentials: SimCredentials,
    /// Lifetime of an access token (Zoom: one hour).
    pub token_ttl: Duration,
    /// Lifetime of a `next_page_token` (Zoom: 15 minutes).
    pub page_token_ttl: Duration,
    /// Scopes granted to every token; a call whose scope is missing gets 400/4711.
    pub scopes: Vec<String>,
    /// Whether per-second 429s carry `Retry-After`. Zoom documents it only on daily 429s, so a
    /// client must cope without it; turn it on to test the other branch.
    pub qps_retry_after: bool,
    /// Whether `GET /accounts/{accountId}/recordings` answers. Zoom serves it only to accounts
    /// with a master-account plan; when off it answers 400 with code 200.
    pub account_recordings: bool,
    /// Meeting and webinar creates and updates each host may have per UTC day (Zoom: 100);
    /// lower it to reach the limit cheaply. [`SimHandle::set_session_writes_per_host`] changes
    /// it while running.
    pub session_writes_per_host: u32,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            account: AccountSpec::default(),
            plan: Plan::Pro,
            credentials: SimCredentials::default(),
            token_ttl: Duration::from_secs(3600),
            page_token_ttl: Duration::from_secs(15 * 60),
            scopes: rules::tokens::all_scopes(),
            qps_retry_after: false,
            account_recordings: true,
            session_writes_per_host: rules::user_limits::SESSION_WRITES_PER_HOST,
        }
    }
}

/// The Server-to-Server OAuth app credentials the simulator accepts. They are fake by design.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCredentials {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: String,
}

impl Default for SimCredentials {
    fn default() -> Self {
        // Shaped like Zoom's (22-character ids, 32-character secret) so length checks pass.
        SimCredentials {
            account_id: "SIMaccount_demo_000001".to_owned(),
            client_id: "SIMclient_demo_0000001".to_owned(),
            client_secret: "sim-secret-not-a-real-credential".to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
    // Each message carries its cause and links no source, so that a caller printing the chain
    // names it once.
    #[error("cannot listen on {addr}: {error}")]
    Bind { addr: String, error: std::io::Error },
    #[error("the simulator's HTTP server failed: {0}")]
    Serve(std::io::Error),
    #[error("cannot install the shutdown signal handler: {0}")]
    Signal(std::io::Error),
}
