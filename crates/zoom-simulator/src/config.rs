//! What a simulator is started with, and how starting or serving it fails.

use std::time::Duration;

use crate::generate::spec::AccountSpec;
use crate::rules::{tokens, user_limits};
use crate::webhooks::WebhookSubscription;
use zoom_api::plan::Plan;

/// Everything a simulator is started with. Later changes go through [`SimHandle`](crate::SimHandle).
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
    /// lower it to reach the limit cheaply. [`SimHandle::set_session_writes_per_host`](crate::SimHandle::set_session_writes_per_host) changes
    /// it while running.
    pub session_writes_per_host: u32,
    /// Where to send webhooks for the changes made through the API; none by default.
    pub webhooks: Option<WebhookSubscription>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            account: AccountSpec::default(),
            plan: Plan::Pro,
            credentials: SimCredentials::default(),
            token_ttl: Duration::from_secs(3600),
            page_token_ttl: Duration::from_secs(15 * 60),
            scopes: tokens::all_scopes(),
            qps_retry_after: false,
            account_recordings: true,
            session_writes_per_host: user_limits::SESSION_WRITES_PER_HOST,
            webhooks: None,
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
