//! Sync jobs: page through a Zoom listing, upsert each page, decide deletions after a complete
//! listing, and record the pass in `zoom.sync_runs`. Jobs connect the client and the database;
//! neither knows the other.

mod counts;
mod entity;
mod error;
pub(crate) mod listing;
mod pass;
mod recordings;
pub(crate) mod registrants;
pub(crate) mod sessions;
pub(crate) mod users;
mod walk;

use crate::config::{RecordingsSource, SyncConfig, ZoomConfig, ZoomCredentials};
use crate::db::{self, DbPool, DbTarget};
use crate::zoom::ZoomClient;

pub use counts::PassCounts;
pub use entity::Entity;
pub use error::SyncError;
pub use pass::{PassOutcome, PassReport, Trigger, run_pass};

/// What every pass needs.
#[derive(Clone)]
pub struct SyncContext {
    pub pool: DbPool,
    pub client: ZoomClient,
    /// For the cluster-wide lock, which holds a connection of its own for the whole pass.
    pub db: DbTarget,
    /// Recorded in `zoom.sync_runs.host`, to tell replicas apart.
    pub host: String,
    pub settings: SyncSettings,
}

/// How passes run: the `[sync]` options that are not schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncSettings {
    pub concurrency: usize,
    pub meeting_details: bool,
    pub webinar_details: bool,
    pub recordings_backfill_days: u32,
    pub recordings_source: RecordingsSource,
}

impl From<&SyncConfig> for SyncSettings {
    fn from(sync: &SyncConfig) -> Self {
        SyncSettings {
            concurrency: sync.concurrency,
            meeting_details: sync.meeting_details,
            webinar_details: sync.webinar_details,
            recordings_backfill_days: sync.recordings_backfill_days,
            recordings_source: sync.recordings_source,
        }
    }
}

impl SyncContext {
    /// A pool on `db` and a Zoom client; connects lazily.
    pub fn new(
        db: &DbTarget,
        max_connections: usize,
        zoom: &ZoomConfig,
        credentials: ZoomCredentials,
        settings: SyncSettings,
    ) -> Result<Self, SyncError> {
        Ok(SyncContext {
            pool: db::pool(db, max_connections)?,
            client: ZoomClient::new(&zoom.client_settings(), credentials)?,
            db: db.clone(),
            host: host_name(),
            settings,
        })
    }
}

/// `host:pid`, enough to tell replicas and restarts apart in `zoom.sync_runs`.
fn host_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "unknown-host".into());
    format!("{host}:{}", std::process::id())
}
