//! The effective configuration, after the file, the environment and secret files are merged and
//! validated. Everything downstream takes these types; nothing downstream reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::zoom::ClientSettings;
pub use crate::zoom::ZoomCredentials;
use zoom_api::plan::{Label, Plan};

#[derive(Debug, Clone)]
pub struct Config {
    /// The file the configuration was read from, if any; `check-config` prints it.
    pub file: Option<PathBuf>,
    pub database: DatabaseConfig,
    pub zoom: ZoomConfig,
    pub webhooks: WebhooksConfig,
    pub http: HttpConfig,
    pub sync: SyncConfig,
    pub write_back: WriteBackConfig,
    pub service: ServiceConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// `database.url` / `DATABASE_URL`. Optional so that `simulate` and `check-config` can run
    /// without one; commands that need it call [`Config::database_url`].
    pub url: Option<SecretString>,
    pub max_connections: usize,
    /// `connect_timeout_secs`: opening one connection, authentication included.
    pub connect_timeout: Duration,
    /// `pool_timeout_secs`: waiting for a pooled connection to come free.
    pub pool_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct ZoomConfig {
    pub account_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub api_base_url: Url,
    pub oauth_base_url: Url,
    pub plan: Plan,
    /// Fraction of the plan's limits this daemon may use, in (0, 1].
    pub rate_limit_share: f64,
    /// Per-label overrides, in requests per second, replacing plan × share for that label.
    pub rate_limit_overrides: Vec<(Label, f64)>,
    pub request_timeout: Duration,
    /// Attempts per call for retryable failures (5xx, timeouts, per-second 429), first included.
    pub max_attempts: u32,
    /// Upper bound on the time one call may spend waiting between retries.
    pub max_retry_time: Duration,
}

impl ZoomConfig {
    /// What the Zoom client needs of this section.
    pub fn client_settings(&self) -> ClientSettings {
        ClientSettings {
            api_base_url: self.api_base_url.clone(),
            oauth_base_url: self.oauth_base_url.clone(),
            plan: self.plan,
            rate_limit_share: self.rate_limit_share,
            rate_limit_overrides: self.rate_limit_overrides.clone(),
            request_timeout: self.request_timeout,
            max_attempts: self.max_attempts,
            max_retry_time: self.max_retry_time,
        }
    }
}

#[derive(Debug, Clone)]
pub struct WebhooksConfig {
    pub secret_token: Option<SecretString>,
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub listen: SocketAddr,
}

#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Zoom calls a pass keeps in flight (per-user and per-meeting work runs concurrently).
    pub concurrency: usize,
    pub users: JobConfig,
    pub meetings: JobConfig,
    pub webinars: JobConfig,
    pub meeting_registrants: JobConfig,
    pub webinar_registrants: JobConfig,
    pub recordings: JobConfig,
    /// `sync.meetings.details`: fetch new or changed meetings' details.
    pub meeting_details: bool,
    /// `sync.webinars.details`.
    pub webinar_details: bool,
    /// `sync.recordings.backfill_days`.
    pub recordings_backfill_days: u32,
    /// `sync.recordings.source`.
    pub recordings_source: RecordingsSource,
}

/// Which listing the recordings pass reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingsSource {
    /// The account listing where the app's scopes and Zoom's first answer allow it, else the
    /// users': decided at the start of each pass.
    Auto,
    /// `GET /users/{userId}/recordings`, once per user and month.
    Users,
    /// `GET /accounts/me/recordings`, once per month for everyone; needs the plan and scope.
    Account,
}

impl RecordingsSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordingsSource::Auto => "auto",
            RecordingsSource::Users => "users",
            RecordingsSource::Account => "account",
        }
    }
}

#[derive(Debug, Clone)]
pub struct JobConfig {
    pub enabled: bool,
    /// Six-field cron expression (seconds first), evaluated in UTC.
    pub schedule: String,
}

#[derive(Debug, Clone)]
pub struct WriteBackConfig {
    pub enabled: bool,
    pub concurrency: usize,
    pub allow_raw: bool,
    pub lease: Duration,
    pub poll_interval: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// `max_payload_bytes`: the database refuses a larger payload at INSERT, and the worker
    /// fails an older row over it without reading it.
    pub max_payload_bytes: usize,
    /// `max_delay_secs`: the database refuses a `run_after` further ahead at INSERT.
    pub max_delay: Duration,
}

#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// How long `run` waits for running passes to finish after SIGTERM.
    pub shutdown_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}
