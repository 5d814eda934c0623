//! The effective configuration, after the file, the environment and secret files are merged and
//! validated. Everything downstream takes these types; nothing downstream reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::zoom::ClientSettings;
pub use crate::zoom::ZoomCredentials;
use secrecy::SecretString;

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
    /// Each key and its value as `check-config` prints it, secrets redacted, in the order of
    /// [`super::keys::KEYS`].
    pub(super) printed: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    /// `database.url` / `DATABASE_URL`. Optional so that `check-config` can run
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
    /// `zoom.auth`: how the app connects.
    pub auth: AuthKind,
    pub account_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    /// `zoom.token_key` / `ZOOM_MIRROR_TOKEN_KEY`: encrypts the stored OAuth tokens.
    pub token_key: Option<SecretString>,
    /// Where and how the client calls Zoom: the rest of `[zoom]` and `[zoom.rate_limits]`.
    pub client: ClientSettings,
}

/// The two ways a Zoom app connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// `s2s`: a Server-to-Server OAuth app (account ID, client ID and secret).
    ServerToServer,
    /// `oauth`: an OAuth app a user authorizes once with `zoom-mirror auth login`.
    OAuth,
}

impl AuthKind {
    pub const ALL: [AuthKind; 2] = [AuthKind::ServerToServer, AuthKind::OAuth];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::ServerToServer => "s2s",
            AuthKind::OAuth => "oauth",
        }
    }
}

impl FromStr for AuthKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        (AuthKind::ALL.into_iter().find(|kind| kind.as_str() == s))
            .ok_or_else(|| format!("{s:?} is not a way to connect; use \"s2s\" or \"oauth\""))
    }
}

/// A user-authorized OAuth app, as the configuration gives it: its client and the key its
/// stored tokens are encrypted with.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    pub app: crate::zoom::oauth::OAuthApp,
    pub token_key: crate::oauth::TokenKey,
}

/// What the client connects with, per `zoom.auth`.
#[derive(Debug, Clone)]
pub enum ZoomAuth {
    ServerToServer(ZoomCredentials),
    OAuth(OAuthSettings),
}

impl From<ZoomCredentials> for ZoomAuth {
    fn from(credentials: ZoomCredentials) -> Self {
        ZoomAuth::ServerToServer(credentials)
    }
}

#[derive(Debug, Clone)]
pub struct WebhooksConfig {
    pub secret_token: Option<SecretString>,
    pub previous_secret_token: Option<SecretString>,
    pub max_body_bytes: usize,
    /// How long an applied event is kept.
    pub keep: std::time::Duration,
}

impl WebhooksConfig {
    /// The secret tokens deliveries may be signed with, the current one first; none when
    /// webhooks are off.
    pub fn secrets(&self) -> Vec<SecretString> {
        match &self.secret_token {
            Some(current) => std::iter::once(current.clone())
                .chain(self.previous_secret_token.clone())
                .collect(),
            None => Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub listen: SocketAddr,
}

#[derive(Debug, Clone)]
pub struct SyncConfig {
    pub settings: SyncSettings,
    pub users: JobConfig,
    pub meetings: JobConfig,
    pub webinars: JobConfig,
    pub meeting_registrants: JobConfig,
    pub webinar_registrants: JobConfig,
    pub recordings: JobConfig,
    pub meeting_participants: JobConfig,
    pub webinar_participants: JobConfig,
    pub meeting_invitations: JobConfig,
    pub phone_recordings: JobConfig,
    pub chat: JobConfig,
}

/// How passes run: the `[sync]` options that are not schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncSettings {
    /// Zoom calls a pass keeps in flight (per-user and per-meeting work runs concurrently).
    pub concurrency: usize,
    /// `sync.meetings.details`: fetch new or changed meetings' details.
    pub meeting_details: bool,
    /// `sync.webinars.details`.
    pub webinar_details: bool,
    /// `sync.recordings.backfill_days`.
    pub recordings_backfill_days: u32,
    /// `sync.recordings.source`.
    pub recordings_source: RecordingsSource,
    /// `sync.meeting_participants.settle_hours`: an instance is read once found, and once more
    /// this long after it ended, which settles it: never read again.
    pub meeting_participants_settle_hours: u32,
    /// `sync.webinar_participants.settle_hours`.
    pub webinar_participants_settle_hours: u32,
    /// `sync.phone_recordings.backfill_days`.
    pub phone_recordings_backfill_days: u32,
    /// `sync.chat.window_days`: every pass reads at least this many days of messages again,
    /// for their edits and deletions.
    pub chat_window_days: u32,
    /// `sync.chat.backfill_days`: how far back a conversation's first read goes.
    pub chat_backfill_days: u32,
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
    pub const ALL: [RecordingsSource; 3] = [
        RecordingsSource::Auto,
        RecordingsSource::Users,
        RecordingsSource::Account,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordingsSource::Auto => "auto",
            RecordingsSource::Users => "users",
            RecordingsSource::Account => "account",
        }
    }
}

impl FromStr for RecordingsSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        (RecordingsSource::ALL
            .into_iter()
            .find(|source| source.as_str() == s))
        .ok_or_else(|| {
            format!("{s:?} is not a recordings source; use \"auto\", \"users\" or \"account\"")
        })
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

impl LogFormat {
    pub const ALL: [LogFormat; 2] = [LogFormat::Text, LogFormat::Json];

    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        }
    }
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        (LogFormat::ALL
            .into_iter()
            .find(|format| format.as_str() == s))
        .ok_or_else(|| format!("unknown format {s:?}: expected text or json"))
    }
}
